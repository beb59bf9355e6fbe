package dev.imageanomaly.trainer.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/** The numbers behind the report's curves and histograms, kept apart from the drawing so they can be checked. */
final class Curves {

    /** A curve's points in drawing order. */
    record Points(double[] x, double[] y) {}

    /**
     * Common bins over several samples and each sample's share of images per bin (so sets of different
     * sizes compare). Bins are log-spaced when every score is positive: reconstruction errors of normal
     * and anomalous images often differ by orders of magnitude.
     *
     * @param edges {@code bins + 1} ascending bin edges
     * @param shares per sample, per bin, the fraction of that sample's values in the bin
     */
    record Histogram(double[] edges, double[][] shares, boolean logarithmic) {}

    private Curves() {}

    /** (false-positive rate, true-positive rate) after each distinct score, highest first; from (0, 0) to (1, 1). */
    static Points roc(float[] scores, int[] anomalous) {
        long positives = Arrays.stream(anomalous).filter(l -> l == 1).count();
        long negatives = anomalous.length - positives;
        List<double[]> points = new ArrayList<>();
        points.add(new double[] {0, 0});
        walkThresholds(scores, anomalous, (tp, fp) -> points.add(new double[] {(double) fp / negatives,
                (double) tp / positives}));
        return toPoints(points);
    }

    /**
     * (recall, precision) after each distinct score, highest first, starting at (0, 1) as
     * scikit-learn's curve does.
     */
    static Points precisionRecall(float[] scores, int[] anomalous) {
        long positives = Arrays.stream(anomalous).filter(l -> l == 1).count();
        List<double[]> points = new ArrayList<>();
        points.add(new double[] {0, 1});
        walkThresholds(scores, anomalous, (tp, fp) -> points.add(new double[] {(double) tp / positives,
                (double) tp / (tp + fp)}));
        return toPoints(points);
    }

    static Histogram histogram(List<float[]> samples, int bins) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (float[] sample : samples) {
            for (float v : sample) {
                if (Float.isFinite(v)) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        if (min > max) {
            throw new IllegalArgumentException("no finite values to bin");
        }
        boolean log = min > 0;
        double lo = log ? Math.log10(min) : min;
        double hi = log ? Math.log10(max) : max;
        if (hi - lo < 1e-9) { // one value everywhere: give it a visible bin around it
            lo -= 0.5;
            hi += 0.5;
        }
        double[] edges = new double[bins + 1];
        for (int b = 0; b <= bins; b++) {
            double e = lo + (hi - lo) * b / bins;
            edges[b] = log ? Math.pow(10, e) : e;
        }
        double[][] shares = new double[samples.size()][bins];
        for (int s = 0; s < samples.size(); s++) {
            float[] sample = samples.get(s);
            for (float v : sample) {
                if (!Float.isFinite(v)) {
                    continue;
                }
                double position = ((log ? Math.log10(v) : v) - lo) / (hi - lo) * bins;
                shares[s][Math.min(bins - 1, Math.max(0, (int) position))] += 1.0 / sample.length;
            }
        }
        return new Histogram(edges, shares, log);
    }

    private interface Counts {
        void at(long truePositives, long falsePositives);
    }

    /** Lowers the threshold one distinct score at a time (tied scores together) and reports the counts above it. */
    private static void walkThresholds(float[] scores, int[] anomalous, Counts counts) {
        Integer[] order = IntStream.range(0, scores.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> -scores[i]));
        long tp = 0;
        long fp = 0;
        int k = 0;
        while (k < order.length) {
            float value = scores[order[k]];
            while (k < order.length && scores[order[k]] == value) {
                if (anomalous[order[k]] == 1) {
                    tp++;
                } else {
                    fp++;
                }
                k++;
            }
            counts.at(tp, fp);
        }
    }

    private static Points toPoints(List<double[]> points) {
        return new Points(points.stream().mapToDouble(p -> p[0]).toArray(), points.stream().mapToDouble(p -> p[1]).toArray());
    }
}
