package dev.imageanomaly.trainer.model;

import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.trainer.model.Layer.Conv;
import dev.imageanomaly.trainer.model.Layer.Dense;
import dev.imageanomaly.trainer.model.Layer.Flatten;
import dev.imageanomaly.trainer.model.Layer.LeakyRelu;
import dev.imageanomaly.trainer.model.Layer.Relu;
import dev.imageanomaly.trainer.model.Layer.Sigmoid;
import dev.imageanomaly.trainer.model.Layer.Unflatten;
import dev.imageanomaly.trainer.model.Layer.Upsample;
import java.util.ArrayList;
import java.util.List;

/** The layer lists of each model kind, sized to the input. */
public final class Architectures {

    /** Negative slope of the critic's leaky ReLUs, as in DCGAN's discriminator. */
    private static final float CRITIC_SLOPE = 0.2f;

    private Architectures() {}

    /**
     * @param hidden width of the dense hidden layers of the deep kinds
     * @param latent size of the code
     */
    public static Architecture of(ModelKind kind, InputSpec in, int hidden, int latent) {
        return switch (kind) {
            case AE -> dense(in, List.of(), latent);
            case RANDNET -> throw new IllegalArgumentException("randnet members are built by randNetMember");
            case DEEP_AE, DENOISING_AE -> dense(in, List.of(hidden), latent);
            case CONV_AE -> conv(in, latent);
            case VAE -> gaussian(dense(in, List.of(hidden), 2 * latent), in, latent);
            case CONV_VAE -> gaussian(conv(in, 2 * latent), in, latent);
            // f-AnoGAN's encoder and generator are shaped like a convolutional autoencoder's two halves.
            case WGAN -> conv(in, latent);
        };
    }

    /**
     * One member of a RandNet ensemble: an {@code ae} of the same size whose two dense layers each
     * drop a random share of their connections, with masks drawn from the member's seed.
     */
    public static Architecture randNetMember(InputSpec in, int latent, float dropRate, long memberSeed) {
        Architecture ae = dense(in, List.of(), latent);
        List<Layer> enc = masked(ae.encoder(), dropRate, memberSeed * 2);
        List<Layer> dec = masked(ae.decoder(), dropRate, memberSeed * 2 + 1);
        return new Architecture(enc, dec, latent);
    }

    private static List<Layer> masked(List<Layer> layers, float dropRate, long seed) {
        return layers.stream().map(l -> l instanceof Dense d ? (Layer) new Layer.MaskedDense(d.units(), dropRate, seed) : l)
                .toList();
    }

    /**
     * The WGAN critic: two stride-2 convolutions with leaky ReLUs, flattened into the features
     * whose distance f-AnoGAN adds to the score, then one linear unit. No output activation: a
     * Wasserstein critic scores without bounds.
     */
    public static Critic critic(InputSpec in) {
        requireSidesDivisibleBy4(in);
        return new Critic(List.of(
                new Conv(32, 3, 2, 1), new LeakyRelu(CRITIC_SLOPE),
                new Conv(64, 3, 2, 1), new LeakyRelu(CRITIC_SLOPE),
                new Flatten()),
                List.of(new Dense(1)));
    }

    /**
     * The variational form of an autoencoder: the encoder's last layer emits {@code 2 * latent}
     * values (mean and log-variance of the code) and the decoder emits {@code 2 * C} channels (mean
     * and log-variance of each pixel), without an output activation: the VAE applies it to the mean half.
     */
    private static Architecture gaussian(Architecture doubledCode, InputSpec in, int latent) {
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

    private static Architecture dense(InputSpec in, List<Integer> hidden, int latent) {
        List<Layer> enc = new ArrayList<>();
        enc.add(new Flatten());
        for (int h : hidden) {
            enc.add(new Dense(h));
            enc.add(new Relu());
        }
        enc.add(new Dense(latent));
        List<Layer> dec = new ArrayList<>();
        for (int i = hidden.size() - 1; i >= 0; i--) {
            dec.add(new Dense(hidden.get(i)));
            dec.add(new Relu());
        }
        dec.add(new Dense(in.sampleSize()));
        addOutputActivation(in, dec);
        dec.add(new Unflatten(in.channels(), in.height(), in.width()));
        return new Architecture(enc, dec, latent);
    }

    /** Two stride-2 convolutions down, two (2x upsample, convolution) steps up: sides must divide by 4. */
    private static Architecture conv(InputSpec in, int latent) {
        requireSidesDivisibleBy4(in);
        int c1 = 32;
        int c2 = 64;
        int h = in.height() / 4;
        int w = in.width() / 4;
        List<Layer> enc = List.of(
                new Conv(c1, 3, 2, 1), new Relu(),
                new Conv(c2, 3, 2, 1), new Relu(),
                new Flatten(),
                new Dense(latent));
        List<Layer> dec = new ArrayList<>(List.of(
                new Dense(c2 * h * w), new Relu(),
                new Unflatten(c2, h, w),
                new Upsample(2), new Conv(c1, 3, 1, 1), new Relu(),
                new Upsample(2), new Conv(in.channels(), 3, 1, 1)));
        addOutputActivation(in, dec);
        return new Architecture(enc, dec, latent);
    }

    private static void requireSidesDivisibleBy4(InputSpec in) {
        if (in.height() % 4 != 0 || in.width() % 4 != 0) {
            throw new IllegalArgumentException("convolutional kinds need height and width divisible by 4, got "
                    + in.height() + "x" + in.width() + "; resize the input (--size HxW)");
        }
    }

    /** A sigmoid keeps reconstructions in [0, 1] when that is exactly the input's range. */
    private static void addOutputActivation(InputSpec in, List<Layer> decoder) {
        if (in.isUnitRangeImage()) {
            decoder.add(new Sigmoid());
        }
    }
}
