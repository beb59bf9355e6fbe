package dev.imageanomaly.trainer.kinds.ensemble;

import dev.imageanomaly.trainer.train.ModelKind;

/**
 * Several kinds trained on the same images ({@code --member-kinds}), their scores standardized on
 * the held-out normal images and averaged inside one graph. Kinds that look at an image differently
 * miss different anomalies. Images only, since its default members include {@code transform}.
 */
public final class EnsembleKind {

    public static final ModelKind ENSEMBLE = new ModelKind("ensemble", false, 128,
            (train, validation, config, console, metricsLog) -> {
                config.validate();
                return new KindEnsembleTrainer(console, metricsLog).fit(train, validation, config);
            });

    private EnsembleKind() {}
}
