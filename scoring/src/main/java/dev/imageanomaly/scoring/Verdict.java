package dev.imageanomaly.scoring;

/** The outcome for one image: its score, the threshold it was held against, and whether it is anomalous. */
public record Verdict(double score, double threshold, boolean anomalous) {

    public static Verdict of(double score, double threshold) {
        return new Verdict(score, threshold, score > threshold);
    }
}
