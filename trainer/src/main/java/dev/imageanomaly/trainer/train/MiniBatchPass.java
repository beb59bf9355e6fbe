package dev.imageanomaly.trainer.train;

import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.data.Splits;
import java.util.Random;
import java.util.function.DoubleFunction;

/**
 * One epoch's pass over the training samples, the mini-batch loop every kind shares: a fresh order
 * drawn from the kind's seeded generator, cut into batches of {@code batchSize} (the last one
 * smaller), each handed to the kind's update step, with a progress bar on a terminal.
 */
public final class MiniBatchPass {

    /** One update on {@code size} samples laid out back to back; returns the batch's mean loss. */
    @FunctionalInterface
    public interface Step {
        float update(float[] batch, int size);
    }

    private MiniBatchPass() {}

    /**
     * @param bar null where there is no terminal to draw on
     * @param summary the bar's closing words, given the epoch's mean loss
     * @return the epoch's mean loss: each batch's mean weighted by its size
     */
    public static double run(SampleSet train, int batchSize, Random random, ProgressBar bar, Step step,
            DoubleFunction<String> summary) {
        int[] order = Splits.permutation(train.count(), random);
        double lossSum = 0;
        int seen = 0;
        for (int start = 0; start < order.length; start += batchSize) {
            int b = Math.min(batchSize, order.length - start);
            lossSum += step.update(MiniBatch.gather(train, order, start, b), b) * b;
            seen += b;
            if (bar != null) {
                bar.update(seen, lossSum / seen);
            }
        }
        double mean = lossSum / seen;
        if (bar != null) {
            bar.finish(summary.apply(mean));
        }
        return mean;
    }
}
