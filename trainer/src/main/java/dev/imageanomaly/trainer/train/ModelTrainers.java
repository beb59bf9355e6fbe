package dev.imageanomaly.trainer.train;

import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.model.ModelKind;
import java.io.PrintStream;
import java.nio.file.Path;

/** Picks the training procedure of a model kind's family. */
public final class ModelTrainers {

    private ModelTrainers() {}

    /**
     * @param console where progress goes (null for none)
     * @param metricsLog JSON-lines file that gets one line per epoch (null for none)
     */
    public static TrainedModel fit(SampleSet train, SampleSet validation, TrainingConfig config, PrintStream console,
            Path metricsLog) {
        if (train.spec().isFeatures() && !config.kind().dense()) {
            throw new IllegalArgumentException(config.kind().id() + " trains on images only; for feature vectors use "
                    + "one of the dense kinds: " + java.util.Arrays.stream(ModelKind.values()).filter(ModelKind::dense)
                            .map(ModelKind::id).collect(java.util.stream.Collectors.joining(", ")));
        }
        return switch (config.kind().family()) {
            case AUTOENCODER -> new AutoencoderTrainer(console, metricsLog).fit(train, validation, config);
            case VAE -> new VaeTrainer(console, metricsLog).fit(train, validation, config);
            case ENSEMBLE -> new RandNetTrainer(console, metricsLog).fit(train, validation, config);
            case GAN -> new WganTrainer(console, metricsLog).fit(train, validation, config);
        };
    }
}
