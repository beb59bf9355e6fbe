package dev.imageanomaly.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.trainer.data.SampleSet;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The two-sample Kolmogorov-Smirnov statistic, checked against values scipy.stats.ks_2samp gives. */
class ScoreDriftTest {

    @Test
    void identicalSamplesHaveNoDrift() {
        float[] scores = {0.3f, 0.1f, 0.2f, 0.2f};

        assertThat(ScoreDrift.ks(scores, scores.clone())).isZero();
    }

    @Test
    void samplesThatDoNotOverlapHaveTheLargestDrift() {
        assertThat(ScoreDrift.ks(new float[] {1, 2, 3}, new float[] {4, 5, 6})).isEqualTo(1.0);
    }

    @Test
    void matchesScipyOnPartlyOverlappingSamples() {
        // ks_2samp([1,2,3,4], [3,4,5,6]).statistic == 0.5
        assertThat(ScoreDrift.ks(new float[] {1, 2, 3, 4}, new float[] {3, 4, 5, 6})).isEqualTo(0.5);
        // ks_2samp([0.1,0.4,0.35,0.8,0.2], [0.3,0.5,0.9,0.7]).statistic == 0.55
        assertThat(ScoreDrift.ks(new float[] {0.1f, 0.4f, 0.35f, 0.8f, 0.2f}, new float[] {0.3f, 0.5f, 0.9f, 0.7f}))
                .isCloseTo(0.55, within(1e-12));
    }

    @Test
    void tiesAcrossTheSamplesMoveBothDistributionFunctionsTogether() {
        // ks_2samp([1,1,2], [1,2,2]).statistic == 1/3: at 1 the CDFs are 2/3 and 1/3, never 1 and 0.
        assertThat(ScoreDrift.ks(new float[] {1, 1, 2}, new float[] {1, 2, 2})).isCloseTo(1 / 3.0, within(1e-12));
    }

    @Test
    void isSymmetricAndIgnoresOrder() {
        float[] a = {5, 1, 4, 1, 9};
        float[] b = {2, 6, 5, 3};

        assertThat(ScoreDrift.ks(a, b)).isEqualTo(ScoreDrift.ks(b, a));
        float[] shuffled = {9, 1, 1, 5, 4};
        assertThat(ScoreDrift.ks(shuffled, b)).isEqualTo(ScoreDrift.ks(a, b));
    }

    @Test
    void approachesTheTheoreticalGapOfTwoShiftedNormals() {
        // sup |Phi(x) - Phi(x - 0.5)| = 2 Phi(0.25) - 1 = 0.1974
        Random random = new Random(3);
        float[] a = new float[20_000];
        float[] b = new float[20_000];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) random.nextGaussian();
            b[i] = (float) random.nextGaussian() + 0.5f;
        }

        assertThat(ScoreDrift.ks(a, b)).isCloseTo(0.1974, within(0.02));
    }

    @Test
    void aDivergedModelsNanScoresGiveNanNotASmallDrift() {
        assertThat(ScoreDrift.ks(new float[] {1, Float.NaN}, new float[] {1, 2})).isNaN();
    }

    @Test
    void refusesAnEmptySample() {
        assertThatThrownBy(() -> ScoreDrift.ks(new float[0], new float[] {1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("non-empty");
    }

    @Test
    void theTrainingSampleIsSeededAndCapped() {
        SampleSet train = tinyImages(ScoreDrift.TRAINING_SAMPLE + 500);

        SampleSet sample = ScoreDrift.trainingSample(train, 42);

        assertThat(sample.count()).isEqualTo(ScoreDrift.TRAINING_SAMPLE);
        assertThat(ScoreDrift.trainingSample(train, 42).ids()).isEqualTo(sample.ids());
        assertThat(Arrays.stream(sample.ids()).distinct().count()).isEqualTo(ScoreDrift.TRAINING_SAMPLE);
        SampleSet small = tinyImages(10);
        assertThat(ScoreDrift.trainingSample(small, 42)).isSameAs(small);
    }

    private static SampleSet tinyImages(int count) {
        InputSpec spec = InputSpec.image(1, 1, 1);
        String[] ids = new String[count];
        Arrays.setAll(ids, i -> "image#" + i);
        int[] labels = new int[count];
        return new SampleSet(spec, new float[count], count, ids, labels);
    }
}
