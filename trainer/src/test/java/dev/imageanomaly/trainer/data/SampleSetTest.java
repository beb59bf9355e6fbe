package dev.imageanomaly.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.scoring.image.DecodedImage;
import dev.imageanomaly.scoring.source.LoadedImages;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Decoded images of any size and channels become samples of one input spec, through the scorer's preprocessing. */
class SampleSetTest {

    @Test
    void imagesOfDifferentSizesAndChannelsAreResizedByPreprocess() {
        LoadedImages loaded = new LoadedImages(List.of("a-small.png", "b-large.png"),
                List.of(filled(28, 28, 1, 100), filled(60, 40, 3, 200)), new int[] {3, LoadedImages.NO_LABEL},
                List.of(), List.of());
        assertThat(loaded.nativeSpec()).isEqualTo(InputSpec.image(1, 28, 28));

        SampleSet set = SampleSet.preprocess(loaded, InputSpec.image(1, 14, 14));
        assertThat(set.count()).isEqualTo(2);
        assertThat(set.data()).hasSize(2 * 14 * 14);
        for (float v : set.sample(0)) {
            assertThat(v).isCloseTo(100 / 255f, within(1e-6f));
        }
        assertThat(set.sample(1)[14 * 7 + 7]).isCloseTo(200 / 255f, within(1e-6f));
        assertThat(set.ids()).containsExactly("a-small.png", "b-large.png");
        assertThat(set.labels()).containsExactly(3, SampleSet.NO_LABEL);
        assertThat(set.labelled()).isFalse();

        SampleSet rgbSet = SampleSet.preprocess(loaded, InputSpec.image(3, 8, 8));
        assertThat(rgbSet.data()).hasSize(2 * 3 * 8 * 8);
    }

    private static DecodedImage filled(int width, int height, int channels, int value) {
        byte[] pixels = new byte[width * height * channels];
        Arrays.fill(pixels, (byte) value);
        return new DecodedImage(width, height, channels, pixels);
    }
}
