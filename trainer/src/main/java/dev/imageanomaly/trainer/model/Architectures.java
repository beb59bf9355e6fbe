package dev.imageanomaly.trainer.model;

import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.trainer.model.Layer.Conv;
import dev.imageanomaly.trainer.model.Layer.Dense;
import dev.imageanomaly.trainer.model.Layer.Flatten;
import dev.imageanomaly.trainer.model.Layer.Relu;
import dev.imageanomaly.trainer.model.Layer.Sigmoid;
import dev.imageanomaly.trainer.model.Layer.Unflatten;
import dev.imageanomaly.trainer.model.Layer.Upsample;
import java.util.ArrayList;
import java.util.List;

/**
 * The two layer-list shapes the kinds build on, sized to the input: a dense autoencoder and a
 * convolutional one. Each kind's package shapes them further (a VAE doubles the code, a RandNet
 * member masks connections, a WGAN uses the halves as encoder and generator).
 */
public final class Architectures {

    private Architectures() {}

    /**
     * @param hidden widths of the hidden layers on each side of the code, outermost first
     * @param latent size of the code
     */
    public static Architecture dense(InputSpec in, List<Integer> hidden, int latent) {
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
    public static Architecture conv(InputSpec in, int latent) {
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

    public static void requireSidesDivisibleBy4(InputSpec in) {
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
