package dev.imageanomaly.trainer.kinds.iforest;

import java.util.Arrays;
import java.util.Random;

/**
 * One isolation tree (Liu, Ting and Zhou 2008), its nodes in arrays, the root first. An inner node
 * sends a sample left when its value of {@code feature} is below {@code threshold}; a leaf holds the
 * path length a sample ending there is given: its depth plus the average path length of an unsuccessful
 * search among the training samples that reached it and were not separated further
 * ({@link #averagePathLength}). Anomalies, few and different, are isolated near the root.
 *
 * @param feature per node, the feature an inner node splits on; {@link #LEAF} for a leaf
 * @param threshold per inner node, the split value
 * @param left per inner node, the node of samples below the threshold
 * @param right per inner node, the node of the others
 * @param pathLength per leaf, the path length of a sample that ends there
 */
record IsolationTree(int[] feature, float[] threshold, int[] left, int[] right, float[] pathLength) {

    static final int LEAF = -1;
    private static final double EULER_GAMMA = 0.5772156649015329;

    int nodes() {
        return feature.length;
    }

    int leaves() {
        return (int) Arrays.stream(feature).filter(f -> f == LEAF).count();
    }

    boolean isLeaf(int node) {
        return feature[node] == LEAF;
    }

    /** The path length of the sample at {@code offset} of {@code samples}. */
    float pathLength(float[] samples, int offset) {
        int node = 0;
        while (!isLeaf(node)) {
            node = samples[offset + feature[node]] < threshold[node] ? left[node] : right[node];
        }
        return pathLength[node];
    }

    /**
     * c(n): the average path length of an unsuccessful search in a binary search tree of n samples,
     * the expected depth still to go below a leaf that holds n samples; it also normalizes the score.
     */
    static double averagePathLength(int n) {
        if (n <= 1) {
            return 0;
        }
        if (n == 2) {
            return 1;
        }
        double harmonic = Math.log(n - 1) + EULER_GAMMA;
        return 2 * harmonic - 2.0 * (n - 1) / n;
    }

    /**
     * Grows a tree on the given rows of {@code samples} (each {@code width} floats) down to
     * {@code heightLimit}: every inner node splits on a feature drawn at random among those not
     * constant on its rows, at a value drawn uniformly between their least and greatest.
     */
    static IsolationTree grow(float[] samples, int width, int[] rows, int heightLimit, Random random) {
        Builder b = new Builder(samples, width, heightLimit, random, 2 * rows.length);
        b.grow(rows.clone(), 0, rows.length, 0);
        return b.build();
    }

    private static final class Builder {
        private final float[] samples;
        private final int width;
        private final int heightLimit;
        private final Random random;
        private int[] feature;
        private float[] threshold;
        private int[] left;
        private int[] right;
        private float[] pathLength;
        private int count;

        Builder(float[] samples, int width, int heightLimit, Random random, int capacity) {
            this.samples = samples;
            this.width = width;
            this.heightLimit = heightLimit;
            this.random = random;
            feature = new int[capacity];
            threshold = new float[capacity];
            left = new int[capacity];
            right = new int[capacity];
            pathLength = new float[capacity];
        }

        /** Grows the subtree of {@code rows[from, to)} at {@code depth}; returns its root's index. */
        int grow(int[] rows, int from, int to, int depth) {
            int node = count++;
            int size = to - from;
            int split = depth >= heightLimit || size <= 1 ? LEAF : drawFeature(rows, from, to);
            if (split == LEAF) {
                feature[node] = LEAF;
                pathLength[node] = (float) (depth + averagePathLength(size));
                return node;
            }
            float min = Float.POSITIVE_INFINITY;
            float max = Float.NEGATIVE_INFINITY;
            for (int i = from; i < to; i++) {
                float v = samples[rows[i] * width + split];
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            // Above the least value, so that both sides get at least one row.
            float value = (float) (min + random.nextDouble() * (max - min));
            if (value <= min) {
                value = Math.nextUp(min);
            }
            int mid = partition(rows, from, to, split, value);
            feature[node] = split;
            threshold[node] = value;
            left[node] = grow(rows, from, mid, depth + 1);
            right[node] = grow(rows, mid, to, depth + 1);
            return node;
        }

        /** A feature drawn at random among those that vary on the rows; {@link #LEAF} when none does. */
        private int drawFeature(int[] rows, int from, int to) {
            int[] candidates = new int[width];
            Arrays.setAll(candidates, j -> j);
            for (int remaining = width; remaining > 0; remaining--) {
                int pick = random.nextInt(remaining);
                int j = candidates[pick];
                candidates[pick] = candidates[remaining - 1];
                if (varies(rows, from, to, j)) {
                    return j;
                }
            }
            return LEAF;
        }

        private boolean varies(int[] rows, int from, int to, int j) {
            float first = samples[rows[from] * width + j];
            for (int i = from + 1; i < to; i++) {
                if (samples[rows[i] * width + j] != first) {
                    return true;
                }
            }
            return false;
        }

        /** Moves the rows below {@code value} to the front of the range; returns where the rest begin. */
        private int partition(int[] rows, int from, int to, int j, float value) {
            int mid = from;
            for (int i = from; i < to; i++) {
                if (samples[rows[i] * width + j] < value) {
                    int t = rows[i];
                    rows[i] = rows[mid];
                    rows[mid++] = t;
                }
            }
            return mid;
        }

        IsolationTree build() {
            return new IsolationTree(Arrays.copyOf(feature, count), Arrays.copyOf(threshold, count),
                    Arrays.copyOf(left, count), Arrays.copyOf(right, count), Arrays.copyOf(pathLength, count));
        }
    }
}
