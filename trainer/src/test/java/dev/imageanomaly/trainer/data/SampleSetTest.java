package dev.imageanomaly.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.scoring.source.ImageSources;
import dev.imageanomaly.scoring.source.LoadedImages;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Decoded images of any size and channels become samples of one input spec, through the scorer's preprocessing. */
class SampleSetTest {

    @TempDir
    Path root;

    @Test
    void imagesOfDifferentSizesAndChannelsAreResizedByPreprocess() throws IOException {
        write(grey(28, 28, 100), "png", "a-small.png");
        BufferedImage rgb = new BufferedImage(60, 40, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 60; x++) {
                rgb.setRGB(x, y, 0xC8C8C8);
            }
        }
        ImageIO.write(rgb, "png", root.resolve("b-large.png").toFile());

        LoadedImages loaded = ImageSources.load(root, null);
        assertThat(loaded.nativeSpec()).isEqualTo(InputSpec.image(1, 28, 28));

        SampleSet set = SampleSet.preprocess(loaded, InputSpec.image(1, 14, 14));
        assertThat(set.count()).isEqualTo(2);
        assertThat(set.data()).hasSize(2 * 14 * 14);
        for (float v : set.sample(0)) {
            assertThat(v).isCloseTo(100 / 255f, within(1e-6f));
        }
        assertThat(set.sample(1)[14 * 7 + 7]).isCloseTo(200 / 255f, within(1e-6f));

        SampleSet rgbSet = SampleSet.preprocess(loaded, InputSpec.image(3, 8, 8));
        assertThat(rgbSet.data()).hasSize(2 * 3 * 8 * 8);
    }

    private void write(BufferedImage image, String format, String name) throws IOException {
        if (!ImageIO.write(image, format, root.resolve(name).toFile())) {
            throw new IllegalStateException("no writer for " + format);
        }
    }

    private static BufferedImage grey(int w, int h, int value) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, value);
            }
        }
        return img;
    }
}
