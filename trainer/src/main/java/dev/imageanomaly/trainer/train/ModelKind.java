package dev.imageanomaly.trainer.train;

import dev.imageanomaly.trainer.data.SampleSet;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * A detector the trainer offers: the name users type and the manifest records, whether it sees a
 * sample as a flat vector (and so also learns CSV tables), its default batch size, and how it
 * trains. Each kind is declared in its own package under {@code kinds/}, and registered once in
 * {@code kinds.ModelKinds}.
 */
public final class ModelKind {

    /** How a kind turns training and validation samples into a trained model. */
    @FunctionalInterface
    public interface Training {

        /**
         * @param console where progress goes (null for none)
         * @param metricsLog JSON-lines file that gets one line per epoch (null for none)
         */
        TrainedModel fit(SampleSet train, SampleSet validation, TrainingConfig config, PrintStream console,
                Path metricsLog);
    }

    private final String id;
    private final boolean dense;
    private final int defaultBatchSize;
    private final Training training;

    public ModelKind(String id, boolean dense, int defaultBatchSize, Training training) {
        this.id = id;
        this.dense = dense;
        this.defaultBatchSize = defaultBatchSize;
        this.training = training;
    }

    public String id() {
        return id;
    }

    /** Dense kinds see a sample as a flat vector, so they also train on tabular feature vectors. */
    public boolean dense() {
        return dense;
    }

    public int defaultBatchSize() {
        return defaultBatchSize;
    }

    public TrainedModel fit(SampleSet train, SampleSet validation, TrainingConfig config, PrintStream console,
            Path metricsLog) {
        return training.fit(train, validation, config, console, metricsLog);
    }

    @Override
    public String toString() {
        return id;
    }
}
