package dev.imageanomaly.trainer.kinds.transform;

import dev.imageanomaly.trainer.train.EpochLoop;
import dev.imageanomaly.trainer.train.ModelKind;

/**
 * A classifier of geometric transformations (GEOM, Golan and El-Yaniv 2018; GOAD, Bergman and
 * Hoshen 2020), scored by how badly it recognises the transformations of an image. Images only:
 * it rotates them.
 */
public final class TransformKind {

    public static final ModelKind TRANSFORM = new ModelKind("transform", false, 128,
            (train, validation, config, console, metricsLog) -> {
                config.validate();
                return new TransformTrainer(new EpochLoop(console, metricsLog)).fit(train, validation, config);
            });

    private TransformKind() {}
}
