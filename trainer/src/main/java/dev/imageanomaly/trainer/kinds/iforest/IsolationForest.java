package dev.imageanomaly.trainer.kinds.iforest;

import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.data.Splits;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Isolation trees grown on seeded subsamples of the normal samples, and the score of Liu, Ting and
 * Zhou (2008), written out plainly: {@code 2^(-E[h(x)] / c(s))}, with {@code E[h(x)]} the mean path
 * length of a sample over the trees and {@code c(s)} the average path length for the subsample
 * size. Near 1 for a sample isolated in few steps, at most 0.5 for the rest. The exporter computes the
 * same in a tree-ensemble operator ({@link IsolationForestExporter}); this form is the reference it
 * is checked against. Splits are on raw feature values, so trees care about the order of a feature's
 * values only: standardizing table columns or not gives the same forest.
 */
record IsolationForest(List<IsolationTree> trees, int sampleSize, InputSpec spec) {

    static IsolationForest grow(SampleSet train, int trees, int wantedSampleSize, long seed) {
        int sampleSize = Math.min(wantedSampleSize, train.count());
        int heightLimit = (int) Math.ceil(Math.log(sampleSize) / Math.log(2));
        Random random = new Random(seed);
        List<IsolationTree> grown = new ArrayList<>(trees);
        for (int t = 0; t < trees; t++) {
            int[] rows = Arrays.copyOf(Splits.permutation(train.count(), random), sampleSize);
            grown.add(IsolationTree.grow(train.data(), train.spec().sampleSize(), rows, heightLimit, random));
        }
        return new IsolationForest(List.copyOf(grown), sampleSize, train.spec());
    }

    /** The mean path length of {@link #sampleSize} samples, which turns mean path lengths into scores. */
    double normalizer() {
        return IsolationTree.averagePathLength(sampleSize);
    }

    /** Per sample (back to back, as {@link #spec} lays them out): its anomaly score. */
    float[] scores(float[] samples, int count) {
        int width = spec.sampleSize();
        float[] scores = new float[count];
        for (int i = 0; i < count; i++) {
            float sum = 0;
            for (IsolationTree tree : trees) {
                sum += tree.pathLength(samples, i * width);
            }
            scores[i] = (float) Math.pow(2, -(sum / trees.size()) / normalizer());
        }
        return scores;
    }
}
