package dev.imageanomaly.trainer.kinds.knn;

import dev.imageanomaly.trainer.train.ModelKind;

/**
 * Nearest-neighbour distance: a sample is as anomalous as it is far from the normal samples it is
 * nearest to. Nothing is learned by gradient; the normal samples themselves, a seeded subsample of
 * them, travel inside the graph as its codebook. Dense: images and feature vectors alike. The batch
 * size is only how many samples are scored at a time.
 */
public final class KnnKind {

    public static final ModelKind KNN = new ModelKind("knn", true, 256,
            (train, validation, config, console, metricsLog) -> {
                config.validate();
                return new KnnTrainer(console, metricsLog).fit(train, validation, config);
            });

    private KnnKind() {}
}
