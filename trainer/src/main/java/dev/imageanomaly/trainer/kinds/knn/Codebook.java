package dev.imageanomaly.trainer.kinds.knn;

import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.data.Splits;
import java.util.Arrays;
import java.util.Random;

/**
 * The normal samples a {@code knn} graph measures distances to, in their {@link Representation}
 * (as queries will be), back to back; and the rule it scores by, written out plainly: the mean
 * Euclidean distance from a query's representation to the {@code neighbours} nearest of them. The
 * exporter computes the same with matrix products ({@link KnnExporter}); this plain form is the
 * reference it is checked against.
 */
record Codebook(float[] samples, int count, InputSpec spec, Representation representation) {

    /** At most {@code size} training samples: all of them, or a seeded subsample when there are more. */
    static Codebook of(SampleSet train, int size, long seed, Representation representation) {
        SampleSet kept = train;
        if (train.count() > size) {
            int[] order = Splits.permutation(train.count(), new Random(seed));
            int[] chosen = Arrays.copyOf(order, size);
            Arrays.sort(chosen);
            kept = train.subset(chosen);
        }
        return new Codebook(representation.apply(kept.data(), kept.count(), train.spec()), kept.count(), train.spec(),
                representation);
    }

    int width() {
        return spec.sampleSize();
    }

    /** The number of neighbours actually averaged: no more than there are samples. */
    int neighbours(int wanted) {
        return Math.min(wanted, count);
    }

    /** Per query (raw samples, back to back): the mean distance of its representation to the nearest codebook samples. */
    float[] meanNearestDistances(float[] rawQueries, int queryCount, int wanted) {
        float[] queries = representation.apply(rawQueries, queryCount, spec);
        int width = width();
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
