package dev.imageanomaly.trainer.kinds.knn;

import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.data.Splits;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * The normal samples a {@code knn} graph measures distances to, in their {@link Representation}
 * (as queries will be), back to back; and the rule it scores by, written out plainly: the mean
 * Euclidean distance from a query's representation to the {@code neighbours} nearest of them, where
 * a codebook sample is not its own neighbour, combined with the distance to the flat through the
 * nearest when there is a {@link LocalSubspace}. The exporter computes the same with matrix products
 * ({@link KnnExporter}); this plain form is the reference it is checked against.
 *
 * <p>Why a sample is not its own neighbour: {@code find-anomalies} scores the very images it trained
 * on. A training image would find itself at distance zero and score low for that alone, while the
 * held-out images, and the suspects set aside, would not: the ranking would favour whatever was
 * left out of the codebook. So the nearest sample is skipped when it is the query itself, up to
 * rounding (squared distance at most {@link #SELF_MATCH} times the query's squared length).
 */
record Codebook(float[] samples, int count, InputSpec spec, Representation representation, LocalSubspace subspace) {

    static final double SELF_MATCH = 1e-5;

    /** At most {@code size} training samples: all of them, or a seeded subsample when there are more. */
    static Codebook of(SampleSet train, int size, long seed, Representation representation, LocalSubspace subspace) {
        SampleSet kept = train;
        if (train.count() > size) {
            int[] order = Splits.permutation(train.count(), new Random(seed));
            int[] chosen = Arrays.copyOf(order, size);
            Arrays.sort(chosen);
            kept = train.subset(chosen);
        }
        return new Codebook(representation.apply(kept.data(), kept.count(), train.spec()), kept.count(), train.spec(),
                representation, subspace.limitedTo(kept.count()));
    }

    int width() {
        return spec.sampleSize();
    }

    /** The number of neighbours actually averaged: no more than there are samples. */
    int neighbours(int wanted) {
        return Math.min(wanted, count);
    }

    /** The nearest samples looked at: one more than either rule uses, to skip the query itself (none spare if tiny). */
    int candidates(int wanted) {
        return Math.min(used(wanted) + 1, count);
    }

    /** Whether the query itself can be skipped: the candidates hold one more than either rule uses. */
    boolean spare(int wanted) {
        return candidates(wanted) > used(wanted);
    }

    private int used(int wanted) {
        return Math.max(neighbours(wanted), subspace.neighbours());
    }

    /**
     * Per query (raw samples, back to back): the mean distance of its representation to the nearest
     * codebook samples; with a {@link LocalSubspace}, the geometric mean of that and the distance to
     * the flat through its nearest.
     */
    float[] scores(float[] rawQueries, int queryCount, int wanted) {
        float[] queries = representation.apply(rawQueries, queryCount, spec);
        int width = width();
        int k = neighbours(wanted);
        float[] scores = new float[queryCount];
        double[] squared = new double[count];
        for (int q = 0; q < queryCount; q++) {
            double length = 0;
            for (int j = 0; j < width; j++) {
                length += (double) queries[q * width + j] * queries[q * width + j];
            }
            for (int c = 0; c < count; c++) {
                double sum = 0;
                for (int j = 0; j < width; j++) {
                    double d = queries[q * width + j] - samples[c * width + j];
                    sum += d * d;
                }
                squared[c] = sum;
            }
            int[] order = IntStream.range(0, count).boxed().sorted(Comparator.comparingDouble(c -> squared[c]))
                    .mapToInt(Integer::intValue).toArray();
            int first = spare(wanted) && squared[order[0]] <= SELF_MATCH * length ? 1 : 0;
            double mean = 0;
            for (int i = first; i < first + k; i++) {
                mean += Math.sqrt(squared[order[i]]) / k;
            }
            scores[q] = (float) (subspace.isNone() ? mean : Math.sqrt(mean * subspace.distance(queries, q * width,
                    samples, Arrays.copyOfRange(order, first, first + subspace.neighbours()), width)));
        }
        return scores;
    }
}
