package dev.imageanomaly.trainer.kinds.knn;

import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.data.Splits;
import java.util.Arrays;
import java.util.Random;

/**
 * The normal samples a {@code knn} graph measures distances to, each flattened to {@code width}
 * values, back to back; and the rule it scores by, written out plainly: the mean Euclidean distance
 * to the {@code neighbours} nearest of them. The exporter computes the same with matrix products
 * ({@link KnnExporter}); this plain form is the reference it is checked against.
 */
record Codebook(float[] samples, int count, int width) {

    /** At most {@code size} training samples: all of them, or a seeded subsample when there are more. */
    static Codebook of(SampleSet train, int size, long seed) {
        SampleSet kept = train;
        if (train.count() > size) {
            int[] order = Splits.permutation(train.count(), new Random(seed));
            int[] chosen = Arrays.copyOf(order, size);
            Arrays.sort(chosen);
            kept = train.subset(chosen);
        }
        return new Codebook(kept.data(), kept.count(), train.spec().sampleSize());
    }

    /** The number of neighbours actually averaged: no more than there are samples. */
    int neighbours(int wanted) {
        return Math.min(wanted, count);
    }

    /** Per query (each {@code width} values, {@code count} back to back): the mean distance to its nearest samples. */
    float[] meanNearestDistances(float[] queries, int queryCount, int wanted) {
        int k = neighbours(wanted);
        float[] scores = new float[queryCount];
        double[] distances = new double[count];
        for (int q = 0; q < queryCount; q++) {
            for (int c = 0; c < count; c++) {
                double sum = 0;
                for (int j = 0; j < width; j++) {
                    double d = queries[q * width + j] - samples[c * width + j];
                    sum += d * d;
                }
                distances[c] = Math.sqrt(sum);
            }
            Arrays.sort(distances);
            double mean = 0;
            for (int i = 0; i < k; i++) {
                mean += distances[i] / k;
            }
            scores[q] = (float) mean;
        }
        return scores;
    }
}
