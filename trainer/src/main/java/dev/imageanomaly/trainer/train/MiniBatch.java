package dev.imageanomaly.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.trainer.data.SampleSet;
import java.util.Arrays;
import java.util.Random;

/** What a mini-batch step needs: samples copied into one contiguous batch, as a tensor, noise, per-sample means. */
public final class MiniBatch {

    private MiniBatch() {}

    /** Samples {@code order[start] .. order[start + size - 1]}. */
    public static float[] gather(SampleSet set, int[] order, int start, int size) {
        int n = set.spec().sampleSize();
        float[] batch = new float[size * n];
        for (int i = 0; i < size; i++) {
            System.arraycopy(set.data(), order[start + i] * n, batch, i * n, n);
        }
        return batch;
    }

    /** Samples {@code start .. start + size - 1}, in the set's own order. */
    public static float[] slice(SampleSet set, int start, int size) {
        int n = set.spec().sampleSize();
        return Arrays.copyOfRange(set.data(), start * n, (start + size) * n);
    }

    public static NDArray images(NDManager manager, float[] batch, InputSpec in) {
        int size = batch.length / in.sampleSize();
        return manager.create(batch, new Shape(size, in.channels(), in.height(), in.width()));
    }

    /** {@code count} draws from N(0, 1), from a seeded generator so runs repeat. */
    public static float[] standardNormal(int count, Random random) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    /** {@code [N, ...] -> [N]}: the mean over every axis but the first (DJL's engine reduces one axis at a time). */
    public static NDArray perSampleMean(NDArray values) {
        return values.reshape(values.getShape().get(0), -1).mean(new int[] {1});
    }
}
