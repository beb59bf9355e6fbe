package dev.imageanomaly.trainer.train;

import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.loss.L2Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

/** DJL's trainer setup, the same for every network the kinds train. */
public final class DjlTraining {

    private DjlTraining() {}

    /**
     * Xavier-initialized weights and the given optimizer. Each kind computes its loss by hand in its
     * step; DJL insists on a loss all the same, so it gets an L2 loss it never uses.
     */
    public static DefaultTrainingConfig withOptimizer(Optimizer optimizer) {
        return new DefaultTrainingConfig(new L2Loss())
                .optInitializer(new XavierInitializer(), Parameter.Type.WEIGHT)
                .optOptimizer(optimizer);
    }

    public static DefaultTrainingConfig adam(Tracker learningRate) {
        return withOptimizer(Optimizer.adam().optLearningRateTracker(learningRate).build());
    }
}
