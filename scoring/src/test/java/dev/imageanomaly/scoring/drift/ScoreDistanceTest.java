package dev.imageanomaly.scoring.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The two-sample Kolmogorov-Smirnov statistic, checked against values scipy.stats.ks_2samp gives,
 * and the population stability index against a reference recorded as quantiles.
 */
class ScoreDistanceTest {

    @Test
    void identicalSamplesHaveNoDrift() {
        float[] scores = {0.3f, 0.1f, 0.2f, 0.2f};

        assertThat(ScoreDistance.ks(scores, scores.clone())).isZero();
    }

    @Test
    void samplesThatDoNotOverlapHaveTheLargestDrift() {
        assertThat(ScoreDistance.ks(new float[] {1, 2, 3}, new float[] {4, 5, 6})).isEqualTo(1.0);
    }

    @Test
    void matchesScipyOnPartlyOverlappingSamples() {
        // ks_2samp([1,2,3,4], [3,4,5,6]).statistic == 0.5
        assertThat(ScoreDistance.ks(new float[] {1, 2, 3, 4}, new float[] {3, 4, 5, 6})).isEqualTo(0.5);
        // ks_2samp([0.1,0.4,0.35,0.8,0.2], [0.3,0.5,0.9,0.7]).statistic == 0.55
        assertThat(ScoreDistance.ks(new float[] {0.1f, 0.4f, 0.35f, 0.8f, 0.2f}, new float[] {0.3f, 0.5f, 0.9f, 0.7f}))
                .isCloseTo(0.55, within(1e-12));
    }

    @Test
    void tiesAcrossTheSamplesMoveBothDistributionFunctionsTogether() {
        // ks_2samp([1,1,2], [1,2,2]).statistic == 1/3: at 1 the CDFs are 2/3 and 1/3, never 1 and 0.
        assertThat(ScoreDistance.ks(new float[] {1, 1, 2}, new float[] {1, 2, 2})).isCloseTo(1 / 3.0, within(1e-12));
    }

    @Test
    void isSymmetricAndIgnoresOrder() {
        float[] a = {5, 1, 4, 1, 9};
        float[] b = {2, 6, 5, 3};

        assertThat(ScoreDistance.ks(a, b)).isEqualTo(ScoreDistance.ks(b, a));
        float[] shuffled = {9, 1, 1, 5, 4};
        assertThat(ScoreDistance.ks(shuffled, b)).isEqualTo(ScoreDistance.ks(a, b));
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

        assertThat(ScoreDistance.ks(a, b)).isCloseTo(0.1974, within(0.02));
    }

    @Test
    void aDivergedModelsNanScoresGiveNanNotASmallDrift() {
        assertThat(ScoreDistance.ks(new float[] {1, Float.NaN}, new float[] {1, 2})).isNaN();
    }

    @Test
    void refusesAnEmptySample() {
        assertThatThrownBy(() -> ScoreDistance.ks(new float[0], new float[] {1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("non-empty");
    }

    @Test
    void aWindowDrawnFromTheReferenceHasASmallDistanceAndAShiftedOneALargeOne() {
        List<Double> reference = uniformQuantiles(0, 1);
        Random random = new Random(5);
        double[] same = random.doubles(2000).toArray();
        double[] shifted = random.doubles(2000).map(x -> x * 0.5 + 0.5).toArray();

        assertThat(ScoreDistance.ks(same, reference)).isLessThan(0.05);
        assertThat(ScoreDistance.psi(same, reference)).isLessThan(0.02);
        assertThat(ScoreDistance.ks(shifted, reference)).isCloseTo(0.5, within(0.03));
        assertThat(ScoreDistance.psi(shifted, reference)).isGreaterThan(0.25);
    }

    @Test
    void thePopulationStabilityIndexSumsOverTheReferencesDecileBins() {
        List<Double> reference = uniformQuantiles(0, 10); // deciles at 1, 2, ..., 9
        // Half the window in the first decile bin, half in the last: observed 0.5, 0, ..., 0, 0.5.
        double[] window = {0.5, 0.5, 9.5, 9.5};
        double empty = 1e-4;
        double expected = 2 * (0.5 - 0.1) * Math.log(0.5 / 0.1) + 8 * (empty - 0.1) * Math.log(empty / 0.1);

        assertThat(ScoreDistance.psi(window, reference)).isCloseTo(expected, within(1e-12));
    }

    private static List<Double> uniformQuantiles(double low, double high) {
        return IntStream.range(0, 201).mapToObj(i -> low + (high - low) * i / 200.0).toList();
    }
}
