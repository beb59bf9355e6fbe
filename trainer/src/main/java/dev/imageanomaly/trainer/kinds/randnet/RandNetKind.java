package dev.imageanomaly.trainer.kinds.randnet;

import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.trainer.model.Architecture;
import dev.imageanomaly.trainer.model.Architectures;
import dev.imageanomaly.trainer.model.Layer.Dense;
import dev.imageanomaly.trainer.model.Layer;
import dev.imageanomaly.trainer.train.ModelKind;
import java.util.List;

/**
 * RandNet, an ensemble of randomly connected autoencoders. It starts from small batches of 32: its
 * batch size grows each epoch, and starting at the others' 128 leaves each member too few updates
 * to learn the data.
 */
public final class RandNetKind {

    public static final ModelKind RANDNET = new ModelKind("randnet", true, 32,
            (train, validation, config, console, metricsLog) -> new RandNetTrainer(console, metricsLog)
                    .fit(train, validation, config));

    private RandNetKind() {}

    /**
     * One member of the ensemble: an {@code ae} of the same size whose two dense layers each drop a
     * random share of their connections, with masks drawn from the member's seed.
     */
    static Architecture member(InputSpec in, int latent, float dropRate, long memberSeed) {
        Architecture ae = Architectures.dense(in, List.of(), latent);
        List<Layer> enc = masked(ae.encoder(), dropRate, memberSeed * 2);
        List<Layer> dec = masked(ae.decoder(), dropRate, memberSeed * 2 + 1);
        return new Architecture(enc, dec, latent);
    }

    private static List<Layer> masked(List<Layer> layers, float dropRate, long seed) {
        return layers.stream().map(l -> l instanceof Dense d ? (Layer) new Layer.MaskedDense(d.units(), dropRate, seed) : l)
                .toList();
    }
}
