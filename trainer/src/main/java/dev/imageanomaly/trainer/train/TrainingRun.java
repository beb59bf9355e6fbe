package dev.imageanomaly.trainer.train;

import java.util.List;

/**
 * What every trained model carries about its training, whatever its kind.
 *
 * @param history one entry per epoch run (for ensembles and GANs, per epoch of the last phase)
 */
public record TrainingRun(TrainingConfig config, List<EpochMetrics> history, double seconds) {

    public TrainingRun {
        history = List.copyOf(history);
    }

    /** The run of a training that started at {@code startNanos} ({@link System#nanoTime()}) and ends now. */
    public static TrainingRun since(long startNanos, TrainingConfig config, List<EpochMetrics> history) {
        return new TrainingRun(config, history, (System.nanoTime() - startNanos) / 1e9);
    }
}
