package dev.imageanomaly.scoring.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** A threshold calibrated at a false-positive rate leaves that share of normal scores above it. */
class CalibrationTest {

    @Test
    void onePercentOnAStandardNormalSampleLeavesAboutOnePercentAbove() {
        Random random = new Random(11);
        float[] calibration = gaussian(20_000, random);
        float[] fresh = gaussian(20_000, random);

        Threshold t = Calibration.threshold(calibration, 0.01, Calibration.TARGET_FPR);

        assertThat(t.method()).isEqualTo("target-fpr");
        assertThat(t.rate()).isEqualTo(0.01);
        assertThat(t.calibrationSamples()).isEqualTo(20_000);
        // the 99th percentile of N(0, 1) is 2.326
        assertThat(t.value()).isCloseTo(2.326, within(0.08));
        assertThat(shareAbove(calibration, t.value())).isCloseTo(0.01, within(0.0005));
        assertThat(shareAbove(fresh, t.value())).as("on fresh normal data").isCloseTo(0.01, within(0.003));
    }

    @Test
    void onAnEvenGridTheThresholdSitsBetweenTheLastKeptAndFirstFlaggedScore() {
        float[] scores = new float[1000];
        for (int i = 0; i < scores.length; i++) {
            scores[scores.length - 1 - i] = i + 1; // 1000 down to 1: order must not matter
        }

        Threshold t = Calibration.threshold(scores, 0.01, Calibration.CONTAMINATION);

        assertThat(t.value()).isGreaterThan(990).isLessThan(991);
        assertThat(shareAbove(scores, t.value())).isEqualTo(0.01);
        assertThat(t.method()).isEqualTo("contamination");
    }

    @Test
    void aRateOutsideZeroToOneIsRefused() {
        float[] scores = {1f, 2f, 3f};
        assertThatThrownBy(() -> Calibration.threshold(scores, 0, Calibration.TARGET_FPR)).hasMessageContaining("(0, 1)");
        assertThatThrownBy(() -> Calibration.threshold(scores, 1, Calibration.TARGET_FPR)).hasMessageContaining("(0, 1)");
        assertThatThrownBy(() -> Calibration.threshold(scores, Double.NaN, Calibration.TARGET_FPR))
                .hasMessageContaining("(0, 1)");
    }

    private static float[] gaussian(int n, Random random) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) random.nextGaussian();
        }
        return out;
    }

    private static double shareAbove(float[] scores, double threshold) {
        int above = 0;
        for (float s : scores) {
            if (Threshold.isAnomalous(s, threshold)) {
                above++;
            }
        }
        return (double) above / scores.length;
    }
}
