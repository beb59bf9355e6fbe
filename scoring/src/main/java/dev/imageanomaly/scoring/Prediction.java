package dev.imageanomaly.scoring;

import dev.imageanomaly.scoring.bundle.Threshold;

/** The outcome for one image: its score, the threshold it was held against, and whether it is anomalous. */
public record Prediction(double score, double threshold, boolean anomalous) {

    public static Prediction of(double score, double threshold) {
        return new Prediction(score, threshold, Threshold.isAnomalous(score, threshold));
    }
}
