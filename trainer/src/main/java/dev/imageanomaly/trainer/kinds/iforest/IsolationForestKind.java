package dev.imageanomaly.trainer.kinds.iforest;

import dev.imageanomaly.trainer.train.ModelKind;

/**
 * Isolation forest (Liu, Ting and Zhou 2008): random axis-aligned splits isolate a sample that is
 * few and different in fewer steps than a normal one. Nothing is learned by gradient; the trees
 * travel inside the graph. Dense: feature vectors and flattened images alike. Where anomalies are
 * among the training rows, it holds up where distances do not (contaminated shuttle: 0.998 against
 * {@code knn}'s 0.729, README). The batch size is only how many samples are scored at a time.
 */
public final class IsolationForestKind {

    public static final ModelKind IFOREST = new ModelKind("iforest", true, 256,
            (train, validation, config, console, metricsLog) -> {
                config.validate();
                return new IsolationForestTrainer(console, metricsLog).fit(train, validation, config);
            });

    private IsolationForestKind() {}
}
