package dev.imageanomaly.trainer.kinds.wgan;

import dev.imageanomaly.trainer.model.Architectures;
import dev.imageanomaly.trainer.train.EpochLoop;
import dev.imageanomaly.trainer.train.ModelKind;

/**
 * f-AnoGAN: a Wasserstein GAN with an encoder trained after it, scored by image and critic-feature
 * residuals. Its encoder and generator are shaped like a convolutional autoencoder's two halves. It
 * learns faster with more, smaller steps than the autoencoders, so its batches hold 64 images.
 */
public final class WganKind {

    public static final ModelKind WGAN = new ModelKind("wgan", false, 64,
            (train, validation, config, console, metricsLog) -> {
                config.validate();
                return new WganTrainer(new EpochLoop(console, metricsLog)).fit(train, validation, config,
                        Architectures.conv(train.spec(), config.latent()));
            });

    private WganKind() {}
}
