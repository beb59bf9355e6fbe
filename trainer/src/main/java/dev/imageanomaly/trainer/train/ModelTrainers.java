package dev.imageanomaly.trainer.train;

import dev.imageanomaly.trainer.data.ImageSet;
import java.io.PrintStream;
import java.nio.file.Path;

/** Picks the training procedure of a model kind's family. */
public final class ModelTrainers {

    private ModelTrainers() {}

    /**
     * @param console where progress goes (null for none)
     * @param metricsLog JSON-lines file that gets one line per epoch (null for none)
     */
    public static TrainedModel fit(ImageSet train, ImageSet validation, TrainingConfig config, PrintStream console,
            Path metricsLog) {
        return switch (config.kind().family()) {
            case AUTOENCODER -> new AutoencoderTrainer(console, metricsLog).fit(train, validation, config);
            case VAE -> new VaeTrainer(console, metricsLog).fit(train, validation, config);
            case GAN -> new WganTrainer(console, metricsLog).fit(train, validation, config);
        };
    }
}
