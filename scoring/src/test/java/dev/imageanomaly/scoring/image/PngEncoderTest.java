package dev.imageanomaly.scoring.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PngEncoderTest {

    @Test
    void greyPixelsSurviveARoundTripExactly() throws Exception {
        DecodedImage grey = random(28, 28, 1);

        byte[] png = PngEncoder.encode(grey);

        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
        DecodedImage back = ImageDecoder.decodeEncoded(png);
        assertThat(back.channels()).isEqualTo(1);
        assertThat(back.pixels()).isEqualTo(grey.pixels());
    }

    @Test
    void rgbPixelsSurviveARoundTripExactly() throws Exception {
        DecodedImage rgb = random(17, 9, 3);

        DecodedImage back = ImageDecoder.decodeEncoded(PngEncoder.encode(rgb));

        assertThat(back.width()).isEqualTo(17);
        assertThat(back.height()).isEqualTo(9);
        assertThat(back.channels()).isEqualTo(3);
        assertThat(back.pixels()).isEqualTo(rgb.pixels());
    }

    private static DecodedImage random(int width, int height, int channels) {
        byte[] px = new byte[width * height * channels];
        new Random(3).nextBytes(px);
        return new DecodedImage(width, height, channels, px);
    }
}
