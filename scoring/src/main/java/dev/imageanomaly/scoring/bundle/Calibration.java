package dev.imageanomaly.scoring.bundle;

import java.util.Arrays;

/** Chooses a threshold from scores of data known (or assumed) to be mostly normal. */
public final class Calibration {

    public static final String TARGET_FPR = "target-fpr";
    public static final String CONTAMINATION = "contamination";

    private Calibration() {}

    /**
     * The (1 - rate) quantile of the scores: on held-out normal data with {@link #TARGET_FPR}, about
     * {@code rate} of normal images score above it.
     */
    public static Threshold threshold(float[] scores, double rate, String method) {
        if (!(rate > 0 && rate < 1)) {
            throw new IllegalArgumentException("rate must be in (0, 1), was " + rate);
        }
        double[] sorted = new double[scores.length];
        for (int i = 0; i < scores.length; i++) {
            sorted[i] = scores[i];
        }
        Arrays.sort(sorted);
        return new Threshold(ScoreStats.quantile(sorted, 1 - rate), method, rate, scores.length);
    }
}
