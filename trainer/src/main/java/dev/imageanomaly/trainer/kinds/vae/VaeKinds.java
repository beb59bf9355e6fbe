package dev.imageanomaly.trainer.kinds.vae;

import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.trainer.model.Architecture;
import dev.imageanomaly.trainer.model.Architectures;
import dev.imageanomaly.trainer.model.Layer.Conv;
import dev.imageanomaly.trainer.model.Layer.Dense;
import dev.imageanomaly.trainer.model.Layer.Sigmoid;
import dev.imageanomaly.trainer.model.Layer.Unflatten;
import dev.imageanomaly.trainer.model.Layer;
import dev.imageanomaly.trainer.train.EpochLoop;
import dev.imageanomaly.trainer.train.ModelKind;
import dev.imageanomaly.trainer.train.TrainingConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/** The variational autoencoder kinds, dense and convolutional, scored by reconstruction probability. */
public final class VaeKinds {

    /** Dense variational autoencoder. */
    public static final ModelKind VAE = kind("vae", true,
            (in, config) -> gaussian(Architectures.dense(in, List.of(config.hidden()), 2 * config.latent()),
                    config.latent()));
    /** Convolutional variational autoencoder. */
    public static final ModelKind CONV_VAE = kind("conv-vae", false,
            (in, config) -> gaussian(Architectures.conv(in, 2 * config.latent()), config.latent()));

    private VaeKinds() {}

    private static ModelKind kind(String id, boolean dense, BiFunction<InputSpec, TrainingConfig, Architecture> shape) {
        return new ModelKind(id, dense, 128, (train, validation, config, console, metricsLog) -> {
            config.validate();
            return new VaeTrainer(new EpochLoop(console, metricsLog)).fit(train, validation, config,
                    shape.apply(train.spec(), config));
        });
    }

    /**
     * The variational form of an autoencoder: the encoder's last layer emits {@code 2 * latent}
     * values (mean and log-variance of the code) and the decoder emits {@code 2 * C} channels (mean
     * and log-variance of each pixel), without an output activation: the VAE applies it to the mean half.
     */
    static Architecture gaussian(Architecture doubledCode, int latent) {
        List<Layer> dec = new ArrayList<>(doubledCode.decoder());
        if (dec.get(dec.size() - 1) instanceof Sigmoid) {
            dec.remove(dec.size() - 1);
        }
        Layer last = dec.get(dec.size() - 1);
        if (last instanceof Unflatten u) {
            dec.remove(dec.size() - 1);
            if (dec.get(dec.size() - 1) instanceof Sigmoid) {
                dec.remove(dec.size() - 1);
            }
            Dense out = (Dense) dec.remove(dec.size() - 1);
            dec.add(new Dense(2 * out.units()));
            dec.add(new Unflatten(2 * u.channels(), u.height(), u.width()));
        } else {
            Conv out = (Conv) dec.remove(dec.size() - 1);
            dec.add(new Conv(2 * out.filters(), out.kernel(), out.stride(), out.padding()));
        }
        return new Architecture(doubledCode.encoder(), dec, latent);
    }
}
