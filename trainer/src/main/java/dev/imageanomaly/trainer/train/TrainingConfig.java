package dev.imageanomaly.trainer.train;

import dev.imageanomaly.trainer.model.ModelKind;

/**
 * Everything that decides how a model is trained; recorded in the bundle's manifest.
 *
 * @param hidden width of the dense hidden layers (deep kinds)
 * @param patience epochs without a better validation loss before training stops; 0 never stops early
 * @param noiseStd standard deviation of the Gaussian corruption for {@code denoising-ae}
 */
public record TrainingConfig(
        ModelKind kind,
        int epochs,
        int batchSize,
        float learningRate,
        LearningRateSchedule schedule,
        int latent,
        int hidden,
        int patience,
        float noiseStd,
        long seed) {

    public static TrainingConfig defaults(ModelKind kind) {
        return new TrainingConfig(kind, 10, 128, 1e-3f, LearningRateSchedule.COSINE, 32, 256, 3, 0.3f, 42);
    }

    public TrainingConfig withEpochs(int e) {
        return new TrainingConfig(kind, e, batchSize, learningRate, schedule, latent, hidden, patience, noiseStd, seed);
    }

    public TrainingConfig withSeed(long s) {
        return new TrainingConfig(kind, epochs, batchSize, learningRate, schedule, latent, hidden, patience, noiseStd, s);
    }

    public void validate() {
        require(epochs > 0, "epochs must be positive");
        require(batchSize > 0, "batch size must be positive");
        require(learningRate > 0, "learning rate must be positive");
        require(latent > 0, "latent size must be positive");
        require(hidden > 0, "hidden size must be positive");
        require(patience >= 0, "patience must not be negative");
        require(noiseStd >= 0, "noise standard deviation must not be negative");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
