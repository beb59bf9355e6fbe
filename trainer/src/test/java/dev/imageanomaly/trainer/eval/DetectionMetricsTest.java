package dev.imageanomaly.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Ranking quality and the confusion at a threshold, checked against numbers worked out by hand. */
class DetectionMetricsTest {

    private static final double EPS = 1e-12;

    @Test
    void perfectlySeparatedScoresHaveAurocAndAveragePrecisionOne() {
        float[] scores = {0.1f, 0.2f, 0.3f, 0.7f, 0.8f};
        int[] labels = {0, 0, 0, 1, 1};

        assertThat(DetectionMetrics.auroc(scores, labels)).isEqualTo(1.0);
        assertThat(DetectionMetrics.averagePrecision(scores, labels)).isEqualTo(1.0);
    }

    @Test
    void perfectlyReversedScoresHaveAurocZero() {
        assertThat(DetectionMetrics.auroc(new float[] {0.9f, 0.8f, 0.1f}, new int[] {0, 0, 1})).isEqualTo(0.0);
    }

    @Test
    void identicalScoresHaveAurocOneHalfAndAveragePrecisionTheAnomalyShare() {
        float[] same = {0.5f, 0.5f, 0.5f, 0.5f};

        assertThat(DetectionMetrics.auroc(same, new int[] {0, 1, 0, 0})).isCloseTo(0.5, within(EPS));
        // one threshold holds all four samples: precision 1/4 at recall 1, whatever the input order
        assertThat(DetectionMetrics.averagePrecision(same, new int[] {1, 0, 0, 0})).isCloseTo(0.25, within(EPS));
        assertThat(DetectionMetrics.averagePrecision(same, new int[] {0, 0, 0, 1})).isCloseTo(0.25, within(EPS));
    }

    @Test
    void aScoreThatIsNotANumberIsRefusedByEveryMetricRatherThanRanked() {
        float[] scores = {0.1f, Float.NaN, 0.8f, Float.NaN};
        int[] labels = {0, 1, 1, 0};

        assertThatThrownBy(() -> DetectionMetrics.of(scores, labels, 0.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("2 of 4 scores are not a number (NaN)");
        assertThatThrownBy(() -> DetectionMetrics.averagePrecision(scores, labels))
                .hasMessage("2 of 4 scores are not a number (NaN)");
        assertThatThrownBy(() -> DetectionMetrics.auroc(scores, labels))
                .hasMessage("2 of 4 scores are not a number (NaN)");
    }

    @Test
    void aurocOfASmallCaseWorkedByHand() {
        // pairs (anomaly, normal): 0.35>0.1 yes, 0.35>0.4 no, 0.8>0.1 yes, 0.8>0.4 yes -> 3 of 4
        float[] scores = {0.1f, 0.4f, 0.35f, 0.8f};
        int[] labels = {0, 0, 1, 1};

        assertThat(DetectionMetrics.auroc(scores, labels)).isCloseTo(0.75, within(EPS));
    }

    @Test
    void aTieBetweenAnAnomalyAndANormalCountsOneHalf() {
        // pairs: (1 vs 1) tie = 0.5, (2 vs 1) = 1 -> 1.5 / 2
        assertThat(DetectionMetrics.auroc(new float[] {1f, 1f, 2f}, new int[] {0, 1, 1})).isCloseTo(0.75, within(EPS));
    }

    @Test
    void averagePrecisionOfASmallCaseWorkedByHand() {
        // ranked: 0.8 (A), 0.4 (N), 0.35 (A), 0.1 (N): precision 1/1 at the first anomaly, 2/3 at the second
        float[] scores = {0.1f, 0.4f, 0.35f, 0.8f};
        int[] labels = {0, 0, 1, 1};

        assertThat(DetectionMetrics.averagePrecision(scores, labels)).isCloseTo((1.0 + 2.0 / 3) / 2, within(EPS));
    }

    @Test
    void averagePrecisionTreatsTiedScoresAsOneThresholdWhateverTheirOrder() {
        // score 3: 1 anomaly of 1 -> recall 1/2 at precision 1; score 2 (tied pair): 2 anomalies of 3 -> recall 1 at 2/3
        double expected = 0.5 * 1.0 + 0.5 * (2.0 / 3);

        assertThat(DetectionMetrics.averagePrecision(new float[] {3f, 2f, 2f, 1f}, new int[] {1, 1, 0, 0}))
                .isCloseTo(expected, within(EPS));
        assertThat(DetectionMetrics.averagePrecision(new float[] {3f, 2f, 2f, 1f}, new int[] {1, 0, 1, 0}))
                .isCloseTo(expected, within(EPS));
    }

    @Test
    void theConfusionAtAThresholdCountsScoresStrictlyAbove() {
        float[] scores = {0.1f, 0.2f, 0.3f, 0.5f, 0.6f, 0.7f, 0.9f};
        int[] labels = {0, 0, 1, 0, 0, 1, 1};

        DetectionMetrics m = DetectionMetrics.of(scores, labels, 0.5);

        // above 0.5: 0.6 (normal), 0.7 and 0.9 (anomalies); 0.5 itself is not above
        assertThat(m.normals()).isEqualTo(4);
        assertThat(m.anomalies()).isEqualTo(3);
        assertThat(m.truePositives()).isEqualTo(2);
        assertThat(m.falsePositives()).isEqualTo(1);
        assertThat(m.trueNegatives()).isEqualTo(3);
        assertThat(m.falseNegatives()).isEqualTo(1);
        assertThat(m.precision()).isCloseTo(2.0 / 3, within(EPS));
        assertThat(m.recall()).isCloseTo(2.0 / 3, within(EPS));
        assertThat(m.f1()).isCloseTo(2.0 / 3, within(EPS));
        assertThat(m.falsePositiveRate()).isCloseTo(0.25, within(EPS));
        assertThat(m.summary()).contains("AUROC").contains("TP 2").contains("FP 1").contains("TN 3").contains("FN 1");
    }

    @Test
    void aThresholdAboveEveryScoreFlagsNothing() {
        DetectionMetrics m = DetectionMetrics.of(new float[] {1f, 2f}, new int[] {0, 1}, 5);

        assertThat(m.truePositives()).isZero();
        assertThat(m.falsePositives()).isZero();
        assertThat(m.precision()).isZero();
        assertThat(m.f1()).isZero();
        assertThat(m.auroc()).isEqualTo(1.0);
    }

    @Test
    void metricsNeedBothClassesAndMatchingLengths() {
        assertThatThrownBy(() -> DetectionMetrics.of(new float[] {1f, 2f}, new int[] {0, 0}, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("both normal and anomalous");
        assertThatThrownBy(() -> DetectionMetrics.of(new float[] {1f, 2f}, new int[] {0}, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 scores for 1 labels");
    }
}
