package dev.imageanomaly.trainer.report;

import dev.imageanomaly.trainer.data.Splits;
import java.util.Arrays;
import java.util.Random;

/** Samples and projections in a report are seeded: the same bundle and data give the same report. */
final class SeededSample {

    static final long SEED = 42;

    private SeededSample() {}

    /** {@code k} distinct indices below {@code n} (all of them when {@code n <= k}), seeded. */
    static int[] indices(int n, int k) {
        return Arrays.copyOf(Splits.permutation(n, new Random(SEED)), Math.min(n, k));
    }
}
