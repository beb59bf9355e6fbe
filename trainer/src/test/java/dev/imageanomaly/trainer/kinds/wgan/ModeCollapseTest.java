package dev.imageanomaly.trainer.kinds.wgan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.imageanomaly.trainer.ShippedData;
import dev.imageanomaly.trainer.data.SampleSet;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Mode collapse is measured as the spread of generated images relative to real ones: a generator
 * that draws the same image from every code is caught, one as varied as the data is not.
 */
class ModeCollapseTest {

    private static final int N = 64;
    private static SampleSet digits;

    @BeforeAll
    static void loadDigits() {
        digits = ShippedData.mnist10k();
    }

    @Test
    void identicalImagesHaveNoSpread() {
        assertThat(SampleSpread.of(copies(digits.sample(0), N), N)).isZero();
    }

    @Test
    void realDigitsHaveAClearlyPositiveSpread() {
        double spread = SampleSpread.of(digits.first(N).data(), N);

        assertThat(spread).isGreaterThan(0.1);
    }

    @Test
    void theSpreadIsTheMeanOverPixelsOfTheStandardDeviationAcrossTheBatch() {
        float[] twoImagesOfTwoPixels = {0, 1, 1, 1};

        // pixel 0: values 0 and 1, std 0.5; pixel 1: values 1 and 1, std 0
        assertThat(SampleSpread.of(twoImagesOfTwoPixels, 2)).isCloseTo(0.25, within(1e-9));
    }

    @Test
    void aGeneratorThatDrawsTheSameDigitFromEveryCodeIsDetectedAtThatEpoch() {
        ModeCollapseMonitor monitor = monitorAgainstRealDigits();

        double diverse = monitor.observe(1, SampleSpread.of(digits.where(i -> i >= 1000 && i < 1000 + N).data(), N));
        assertThat(monitor.detected()).as("epoch 1: as varied as real digits").isFalse();
        double collapsed = monitor.observe(2, SampleSpread.of(copies(digits.sample(7), N), N));

        assertThat(diverse).isGreaterThan(0.8);
        assertThat(collapsed).isZero();
        assertThat(monitor.detected()).isTrue();
        assertThat(monitor.facts()).containsEntry("detected", true).containsEntry("epoch", 2)
                .containsEntry("ratio", 0.0);
    }

    @Test
    void aGeneratorThatOutputsOneConstantGrayImageIsDetected() {
        ModeCollapseMonitor monitor = monitorAgainstRealDigits();
        float[] gray = new float[N * digits.spec().sampleSize()];
        java.util.Arrays.fill(gray, 0.5f);

        monitor.observe(1, SampleSpread.of(gray, N));

        assertThat(monitor.detected()).isTrue();
    }

    @Test
    void withoutCollapseTheFactsNameTheClosestCall() {
        ModeCollapseMonitor monitor = monitorAgainstRealDigits();
        double realSpread = monitor.realSpread();

        monitor.observe(1, 0.5 * realSpread);
        monitor.observe(2, 0.3 * realSpread);
        monitor.observe(3, 0.6 * realSpread);

        Map<String, Object> facts = monitor.facts();
        assertThat(facts).containsEntry("detected", false).containsEntry("epoch", 2);
        assertThat((double) facts.get("ratio")).isCloseTo(0.3, within(1e-9));
    }

    @Test
    void realImagesThatAreAllTheSameCannotServeAsTheYardstick() {
        assertThatThrownBy(() -> new ModeCollapseMonitor(0, ModeCollapseMonitor.DEFAULT_THRESHOLD))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no spread");
    }

    private static ModeCollapseMonitor monitorAgainstRealDigits() {
        return new ModeCollapseMonitor(SampleSpread.of(digits.first(N).data(), N), ModeCollapseMonitor.DEFAULT_THRESHOLD);
    }

    private static float[] copies(float[] image, int count) {
        float[] batch = new float[count * image.length];
        for (int i = 0; i < count; i++) {
            System.arraycopy(image, 0, batch, i * image.length, image.length);
        }
        return batch;
    }
}
