package dev.imageanomaly.trainer.kinds.autoencoder;

import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.trainer.model.Architecture;
import dev.imageanomaly.trainer.model.Architectures;
import dev.imageanomaly.trainer.train.EpochLoop;
import dev.imageanomaly.trainer.train.ModelKind;
import dev.imageanomaly.trainer.train.TrainingConfig;
import java.util.List;
import java.util.function.BiFunction;

/** The autoencoder kinds: one trainer and one exporter, four shapes. */
public final class AutoencoderKinds {

    /** Dense autoencoder whose only hidden layer is the code. */
    public static final ModelKind AE = kind("ae", true,
            (in, config) -> Architectures.dense(in, List.of(), config.latent()), false);
    /** Dense autoencoder with hidden layers around the code. */
    public static final ModelKind DEEP_AE = kind("deep-ae", true,
            (in, config) -> Architectures.dense(in, List.of(config.hidden()), config.latent()), false);
    /** Convolutional autoencoder. */
    public static final ModelKind CONV_AE = kind("conv-ae", false,
            (in, config) -> Architectures.conv(in, config.latent()), false);
    /** Deep autoencoder trained to reconstruct clean images from noisy ones. */
    public static final ModelKind DENOISING_AE = kind("denoising-ae", true,
            (in, config) -> Architectures.dense(in, List.of(config.hidden()), config.latent()), true);

    private AutoencoderKinds() {}

    /** @param denoising train on inputs corrupted with Gaussian noise of {@code config.noiseStd()} */
    private static ModelKind kind(String id, boolean dense, BiFunction<InputSpec, TrainingConfig, Architecture> shape,
            boolean denoising) {
        return new ModelKind(id, dense, 128, (train, validation, config, console, metricsLog) -> {
            config.validate();
            return new AutoencoderTrainer(new EpochLoop(console, metricsLog), denoising).fit(train, validation, config,
                    shape.apply(train.spec(), config), epoch -> config.batchSize());
        });
    }
}
