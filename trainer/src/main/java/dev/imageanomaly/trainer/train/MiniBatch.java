package dev.imageanomaly.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.trainer.data.SampleSet;
import java.util.Arrays;

/** Copies samples of an image set into one contiguous batch, in a given order. */
final class MiniBatch {

    private MiniBatch() {}

    /** Samples {@code order[start] .. order[start + size - 1]}. */
    static float[] gather(SampleSet set, int[] order, int start, int size) {
        int n = set.spec().sampleSize();
        float[] batch = new float[size * n];
        for (int i = 0; i < size; i++) {
            System.arraycopy(set.data(), order[start + i] * n, batch, i * n, n);
        }
        return batch;
    }

    /** Samples {@code start .. start + size - 1}, in the set's own order. */
    static float[] slice(SampleSet set, int start, int size) {
        int n = set.spec().sampleSize();
        return Arrays.copyOfRange(set.data(), start * n, (start + size) * n);
    }

    static NDArray images(NDManager manager, float[] batch, InputSpec in) {
        int size = batch.length / in.sampleSize();
        return manager.create(batch, new Shape(size, in.channels(), in.height(), in.width()));
    }
}
