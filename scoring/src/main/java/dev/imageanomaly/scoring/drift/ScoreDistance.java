package dev.imageanomaly.scoring.drift;

import dev.imageanomaly.scoring.bundle.ScoreStats;
import java.util.Arrays;
import java.util.List;

/**
 * How far one set of anomaly scores lies from another: the two statistics that the trainer uses to
 * show overfitting (train versus validation scores) and the scorer uses to watch live scores against
 * the held-out reference a bundle records. Written once, here.
 */
public final class ScoreDistance {

    /** A share of zero is replaced by this in the population stability index, so an empty bin costs a lot but not infinity. */
    private static final double EMPTY_BIN_SHARE = 1e-4;

    private ScoreDistance() {}

    /**
     * The two-sample Kolmogorov-Smirnov statistic: the largest vertical distance between the empirical
     * distribution functions of {@code a} and {@code b}, in [0, 1]. NaN when either holds a NaN (a
     * diverged model), so a broken model is not reported as a small drift.
     */
    public static double ks(double[] a, double[] b) {
        double[] x = a.clone();
        double[] y = b.clone();
        Arrays.sort(x);
        Arrays.sort(y);
        return ksOfSorted(x, y);
    }

    /**
     * {@link #ks(double[], double[])} of two samples already in {@link Arrays#sort(double[])}'s
     * order, for a caller that keeps a sample sorted as it changes.
     */
    public static double ksOfSorted(double[] x, double[] y) {
        if (x.length == 0 || y.length == 0) {
            throw new IllegalArgumentException("the KS statistic needs two non-empty samples, got " + x.length
                    + " and " + y.length + " values");
        }
        // Arrays.sort puts NaN last, so one look at each end finds any.
        if (Double.isNaN(x[x.length - 1]) || Double.isNaN(y[y.length - 1])) {
            return Double.NaN;
        }
        int i = 0;
        int j = 0;
        double largest = 0;
        // Step both distribution functions past each distinct value (ties in either sample move together).
        while (i < x.length && j < y.length) {
            double value = Math.min(x[i], y[j]);
            while (i < x.length && x[i] <= value) {
                i++;
            }
            while (j < y.length && y[j] <= value) {
                j++;
            }
            largest = Math.max(largest, Math.abs((double) i / x.length - (double) j / y.length));
        }
        return largest;
    }

    public static double ks(float[] a, float[] b) {
        return ks(toDoubles(a), toDoubles(b));
    }

    /**
     * Kolmogorov-Smirnov distance of {@code window} from a reference recorded as evenly spaced
     * quantiles ({@link ScoreStats#quantiles()}): the quantiles stand for the reference distribution,
     * at their resolution.
     */
    public static double ks(double[] window, List<Double> referenceQuantiles) {
        return ks(window, referenceQuantiles.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /**
     * The population stability index of {@code window} against the reference's deciles: the
     * reference puts 10 % of its mass in each of the ten bins its deciles bound, and the index sums
     * (observed - 10 %) x ln(observed / 10 %) over the bins. Below 0.1 is read as stable, above 0.25
     * as a significant shift.
     */
    public static double psi(double[] window, List<Double> referenceQuantiles) {
        int steps = referenceQuantiles.size() - 1;
        if (steps % 10 != 0) {
            throw new IllegalArgumentException("deciles need quantiles at steps of a multiple of 10, got "
                    + referenceQuantiles.size() + " values");
        }
        double[] innerEdges = new double[9];
        for (int d = 1; d <= 9; d++) {
            innerEdges[d - 1] = referenceQuantiles.get(d * steps / 10);
        }
        int[] counts = new int[10];
        for (double score : window) {
            int bin = Arrays.binarySearch(innerEdges, score);
            counts[bin >= 0 ? bin : -bin - 1]++;
        }
        double psi = 0;
        for (int count : counts) {
            double observed = Math.max(EMPTY_BIN_SHARE, count / (double) window.length);
            psi += (observed - 0.1) * Math.log(observed / 0.1);
        }
        return psi;
    }

    private static double[] toDoubles(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
