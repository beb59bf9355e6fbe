package dev.imageanomaly.scoring.bundle;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.OptBoolean;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Summary of scores on held-out normal data; used to standardize scores and, through
 * {@link #quantiles()}, as the reference distribution a scorer compares its live scores with.
 *
 * @param quantiles the scores at 0, 0.5, 1, ..., 100 percent ({@value #QUANTILE_COUNT} values): the
 *     held-out distribution at half-a-percent resolution, small enough for the manifest; null in
 *     bundles made before it was recorded
 */
public record ScoreStats(int count, double mean, double std, double min, double p50, double p90, double p99, double max,
        List<Double> quantiles) {

    public static final int QUANTILE_COUNT = 201;

    /** Spelled out for Jackson: {@code quantiles} may be absent (bundles made before it was recorded). */
    @JsonCreator
    public ScoreStats(@JsonProperty("count") int count, @JsonProperty("mean") double mean,
            @JsonProperty("std") double std, @JsonProperty("min") double min, @JsonProperty("p50") double p50,
            @JsonProperty("p90") double p90, @JsonProperty("p99") double p99, @JsonProperty("max") double max,
            @JacksonInject(value = ModelBundle.OPTIONAL, useInput = OptBoolean.TRUE)
            @JsonProperty("quantiles") List<Double> quantiles) {
        this.count = count;
        this.mean = mean;
        this.std = std;
        this.min = min;
        this.p50 = p50;
        this.p90 = p90;
        this.p99 = p99;
        this.max = max;
        this.quantiles = quantiles == null ? null : List.copyOf(quantiles);
    }

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
        List<Double> quantiles = IntStream.range(0, QUANTILE_COUNT)
                .mapToObj(i -> quantile(sorted, i / (double) (QUANTILE_COUNT - 1))).toList();
        return new ScoreStats(sorted.length, mean, Math.sqrt(var), sorted[0],
                quantile(sorted, 0.5), quantile(sorted, 0.9), quantile(sorted, 0.99), sorted[sorted.length - 1], quantiles);
    }

    /** Linear-interpolated quantile of an ascending array. */
    public static double quantile(double[] ascending, double q) {
        double pos = q * (ascending.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, ascending.length - 1);
        return ascending[lo] + (pos - lo) * (ascending[hi] - ascending[lo]);
    }

    /** Whether the reference distribution was recorded (bundles from before it was are not watched for drift). */
    public boolean hasQuantiles() {
        return quantiles != null && quantiles.size() == QUANTILE_COUNT;
    }
}
