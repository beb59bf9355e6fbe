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

    private static double ksOfSorted(double[] x, double[] y) {
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

    /**
     * A fixed reference sample cut into bins at its distinct values, so that a sample that changes one
     * value at a time (a sliding window) is kept as counts per bin and its KS distance from the
     * reference is found in one pass over the bins, whatever the window's size: equal to
     * {@link #ks(double[], double[])} of the window's values and the reference. Bin {@code 2j + 1}
     * holds the values equal to the reference's j-th distinct value, bin {@code 2j} those between it
     * and the one before; NaN has no bin (a window holding one has a NaN distance, as in {@code ks}).
     */
    public static final class ReferenceBins {

        private final double[] distinct;
        /** Per distinct value: the reference's share of values at or below it. */
        private final double[] atOrBelow;
        private final boolean hasNaN;

        public ReferenceBins(double[] reference) {
            if (reference.length == 0) {
                throw new IllegalArgumentException("the KS statistic needs a non-empty reference");
            }
            double[] sorted = new double[reference.length];
            for (int i = 0; i < sorted.length; i++) {
                sorted[i] = reference[i] + 0.0;
            }
            Arrays.sort(sorted);
            hasNaN = Double.isNaN(sorted[sorted.length - 1]);
            double[] values = new double[sorted.length];
            double[] shares = new double[sorted.length];
            int k = 0;
            for (int i = 0; i < sorted.length; i++) {
                if (k == 0 || sorted[i] != values[k - 1]) {
                    values[k++] = sorted[i];
                }
                shares[k - 1] = (double) (i + 1) / sorted.length;
            }
            distinct = Arrays.copyOf(values, k);
            atOrBelow = Arrays.copyOf(shares, k);
        }

        public int bins() {
            return 2 * distinct.length + 1;
        }

        /** The bin of {@code score}; -1 for NaN. */
        public int binOf(double score) {
            if (Double.isNaN(score)) {
                return -1;
            }
            // Adding 0.0 turns -0.0 into 0.0, which the search would otherwise tell apart (ks does not).
            int at = Arrays.binarySearch(distinct, score + 0.0);
            return at >= 0 ? 2 * at + 1 : 2 * (-at - 1);
        }

        /**
         * The KS distance of a sample of {@code n} values, {@code nans} of them NaN and the others
         * counted per bin, from the reference. Between two distinct reference values the reference's
         * distribution function is flat and the sample's rises, so the largest gap there is at the
         * sample's last value before the next reference value; at each reference value both step.
         */
        public double ks(int[] counts, int nans, int n) {
            if (n == 0) {
                throw new IllegalArgumentException("the KS statistic needs a non-empty sample");
            }
            if (hasNaN || nans > 0) {
                return Double.NaN;
            }
            double largest = 0;
            double reference = 0;
            int below = 0;
            for (int j = 0; j < distinct.length; j++) {
                below += counts[2 * j];
                largest = Math.max(largest, Math.abs((double) below / n - reference));
                below += counts[2 * j + 1];
                reference = atOrBelow[j];
                largest = Math.max(largest, Math.abs((double) below / n - reference));
            }
            return largest;
        }
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
