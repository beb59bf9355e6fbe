package dev.imageanomaly.trainer.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The points the ROC, precision-recall and histogram charts draw. */
class CurvesTest {

    // scores of 2 normal (0) and 2 anomalous (1) images: one anomaly outranks both normals, one is outranked by one
    static final float[] SCORES = {0.9f, 0.8f, 0.7f, 0.1f};
    static final int[] LABELS = {1, 0, 1, 0};

    @Test
    void rocStepsThroughEveryThresholdFromTheOriginToTheTopRight() {
        Curves.Points roc = Curves.roc(SCORES, LABELS);

        assertThat(roc.x()).containsExactly(0, 0, 0.5, 0.5, 1);
        assertThat(roc.y()).containsExactly(0, 0.5, 0.5, 1, 1);
    }

    @Test
    void tiedScoresAreOneThresholdSoTheCurveCutsDiagonally() {
        Curves.Points roc = Curves.roc(new float[] {0.5f, 0.5f}, new int[] {1, 0});

        assertThat(roc.x()).containsExactly(0, 1);
        assertThat(roc.y()).containsExactly(0, 1);
    }

    @Test
    void precisionRecallStartsAtFullPrecisionAndEndsAtThePrevalence() {
        Curves.Points pr = Curves.precisionRecall(SCORES, LABELS);

        assertThat(pr.x()).containsExactly(0, 0.5, 0.5, 1, 1);
        assertThat(pr.y()).containsExactly(1, 1, 0.5, 2 / 3.0, 0.5);
    }

    @Test
    void histogramSharesOfEachSetSumToOneWhateverItsSize() {
        float[] small = {1, 2, 3};
        float[] large = new float[1000];
        Arrays.fill(large, 10);

        Curves.Histogram h = Curves.histogram(List.of(small, large), 20);

        assertThat(h.edges()).hasSize(21);
        assertThat(Arrays.stream(h.shares()[0]).sum()).isCloseTo(1, within(1e-9));
        assertThat(Arrays.stream(h.shares()[1]).sum()).isCloseTo(1, within(1e-9));
        assertThat(h.shares()[1][19]).as("the largest value lands in the last bin").isCloseTo(1, within(1e-9));
    }

    @Test
    void positiveScoresGetLogSpacedBinsSoSmallAndLargeErrorsBothShow() {
        Curves.Histogram h = Curves.histogram(List.of(new float[] {0.001f, 0.003f, 0.03f, 0.3f, 1f}), 3);

        assertThat(h.logarithmic()).isTrue();
        assertThat(h.edges()).containsExactly(new double[] {0.001, 0.01, 0.1, 1}, within(1e-6));
        assertThat(h.shares()[0]).containsExactly(new double[] {0.4, 0.2, 0.4}, within(1e-9));
    }

    @Test
    void scoresAtOrBelowZeroGetLinearBins() {
        Curves.Histogram h = Curves.histogram(List.of(new float[] {-1, 0, 1}), 2);

        assertThat(h.logarithmic()).isFalse();
        assertThat(h.edges()).containsExactly(-1, 0, 1);
    }

    @Test
    void oneValueEverywhereStillGetsAVisibleBin() {
        Curves.Histogram h = Curves.histogram(List.of(new float[] {0.5f, 0.5f}), 4);

        assertThat(h.edges()[0]).isLessThan(0.5);
        assertThat(h.edges()[4]).isGreaterThan(0.5);
        assertThat(Arrays.stream(h.shares()[0]).sum()).isCloseTo(1, within(1e-9));
    }
}
