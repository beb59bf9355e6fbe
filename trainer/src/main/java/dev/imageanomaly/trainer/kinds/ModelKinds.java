package dev.imageanomaly.trainer.kinds;

import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.kinds.autoencoder.AutoencoderKinds;
import dev.imageanomaly.trainer.kinds.ensemble.EnsembleKind;
import dev.imageanomaly.trainer.kinds.iforest.IsolationForestKind;
import dev.imageanomaly.trainer.kinds.knn.KnnKind;
import dev.imageanomaly.trainer.kinds.randnet.RandNetKind;
import dev.imageanomaly.trainer.kinds.transform.TransformKind;
import dev.imageanomaly.trainer.kinds.vae.VaeKinds;
import dev.imageanomaly.trainer.kinds.wgan.WganKind;
import dev.imageanomaly.trainer.train.ModelKind;
import dev.imageanomaly.trainer.train.TrainedModel;
import dev.imageanomaly.trainer.train.TrainingConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Every model kind the trainer offers, in the order help and benchmarks list them. A kind lives in
 * its own package under {@code kinds/} (network, trainer, exporter, loss); this list is the one
 * line that makes it known.
 */
public final class ModelKinds {

    private static final List<ModelKind> ALL = List.of(
            AutoencoderKinds.AE, AutoencoderKinds.DEEP_AE, AutoencoderKinds.CONV_AE, AutoencoderKinds.DENOISING_AE,
            VaeKinds.VAE, VaeKinds.CONV_VAE,
            RandNetKind.RANDNET,
            WganKind.WGAN,
            TransformKind.TRANSFORM,
            KnnKind.KNN,
            IsolationForestKind.IFOREST,
            EnsembleKind.ENSEMBLE);

    private ModelKinds() {}

    public static List<ModelKind> all() {
        return ALL;
    }

    public static ModelKind parse(String value) {
        for (ModelKind k : ALL) {
            if (k.id().equalsIgnoreCase(value.trim())) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown model kind '" + value + "'; expected one of " + ids(ALL));
    }

    /**
     * Trains the configured kind; refuses feature vectors for kinds that need images.
     *
     * @param console where progress goes (null for none)
     * @param metricsLog JSON-lines file that gets one line per epoch (null for none)
     */
    public static TrainedModel fit(SampleSet train, SampleSet validation, TrainingConfig config, PrintStream console,
            Path metricsLog) {
        if (train.spec().isFeatures() && !config.kind().dense()) {
            throw new IllegalArgumentException(config.kind().id() + " trains on images only; for feature vectors use "
                    + "one of the dense kinds: " + ids(ALL.stream().filter(ModelKind::dense).toList()));
        }
        return config.kind().fit(train, validation, config, console, metricsLog);
    }

    private static String ids(List<ModelKind> kinds) {
        return kinds.stream().map(ModelKind::id).collect(Collectors.joining(", "));
    }
}
