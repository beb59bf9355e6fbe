package dev.imageanomaly.scoring.bundle;

import java.util.Arrays;

/** Summary of scores on held-out normal data; used to standardize scores and to spot drift. */
public record ScoreStats(int count, double mean, double std, double min, double p50, double p90, double p99, double max) {

    public static ScoreStats of(float[] scores) {
        if (scores.length == 0) {
            throw new IllegalArgumentException("no scores to summarize");
        }
        double[] sorted = new double[scores.length];
        for (int i = 0; i < scores.length; i++) {
            sorted[i] = scores[i];
        }
        Arrays.sort(sorted);
        double mean = Arrays.stream(sorted).average().orElseThrow();
        double var = Arrays.stream(sorted).map(s -> (s - mean) * (s - mean)).sum() / Math.max(1, sorted.length - 1);
        return new ScoreStats(sorted.length, mean, Math.sqrt(var), sorted[0],
                quantile(sorted, 0.5), quantile(sorted, 0.9), quantile(sorted, 0.99), sorted[sorted.length - 1]);
    }

    /** Linear-interpolated quantile of an ascending array. */
    public static double quantile(double[] ascending, double q) {
        double pos = q * (ascending.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, ascending.length - 1);
        return ascending[lo] + (pos - lo) * (ascending[hi] - ascending[lo]);
    }
}
