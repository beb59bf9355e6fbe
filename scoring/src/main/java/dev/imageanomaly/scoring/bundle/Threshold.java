package dev.imageanomaly.scoring.bundle;

/**
 * The score above which an image is called anomalous, and how it was chosen.
 *
 * @param method {@code target-fpr}: the (1 - rate) quantile of scores on held-out normal data;
 *     {@code contamination}: the (1 - rate) quantile of scores on the (contaminated) training data
 * @param rate the target false-positive rate or the assumed contamination
 * @param calibrationSamples how many scores the quantile was taken over
 */
public record Threshold(double value, String method, double rate, int calibrationSamples) {

    /**
     * The rule of the bundle contract, written once: a score strictly above the threshold is
     * anomalous (as PyOD's {@code predict} is {@code decision_function > threshold_}).
     */
    public static boolean isAnomalous(double score, double threshold) {
        return score > threshold;
    }

    public boolean isAnomalous(double score) {
        return isAnomalous(score, value);
    }

    void validate() {
        ManifestException.require(Double.isFinite(value), "threshold.value", "must be a finite number");
        ManifestException.require(method != null && !method.isBlank(), "threshold.method", "is missing");
        ManifestException.require(rate > 0 && rate < 1, "threshold.rate", "must be in (0, 1), was " + rate);
    }
}
