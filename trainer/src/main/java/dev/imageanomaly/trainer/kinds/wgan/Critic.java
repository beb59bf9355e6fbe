package dev.imageanomaly.trainer.kinds.wgan;

import ai.djl.nn.SequentialBlock;
import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.trainer.model.Architectures;
import dev.imageanomaly.trainer.model.DjlBlocks;
import dev.imageanomaly.trainer.model.Layer.Conv;
import dev.imageanomaly.trainer.model.Layer.Dense;
import dev.imageanomaly.trainer.model.Layer.Flatten;
import dev.imageanomaly.trainer.model.Layer.LeakyRelu;
import dev.imageanomaly.trainer.model.Layer;
import java.util.List;

/**
 * A WGAN critic as two layer lists: {@code features} maps an image to the feature vector f(x)
 * that f-AnoGAN compares between an image and its reconstruction; {@code head} maps f(x) to the
 * critic's scalar score.
 */
record Critic(List<Layer> features, List<Layer> head) {

    /** Negative slope of the critic's leaky ReLUs, as in DCGAN's discriminator. */
    private static final float SLOPE = 0.2f;

    /**
     * The WGAN critic: two stride-2 convolutions with leaky ReLUs, flattened into the features
     * whose distance f-AnoGAN adds to the score, then one linear unit. No output activation: a
     * Wasserstein critic scores without bounds.
     */
    static Critic of(InputSpec in) {
        Architectures.requireSidesDivisibleBy4(in);
        return new Critic(List.of(
                new Conv(32, 3, 2, 1), new LeakyRelu(SLOPE),
                new Conv(64, 3, 2, 1), new LeakyRelu(SLOPE),
                new Flatten()),
                List.of(new Dense(1)));
    }

    /** A block whose two children are the feature layers and the scoring head. */
    SequentialBlock block() {
        return new SequentialBlock().add(DjlBlocks.sequence(features)).add(DjlBlocks.sequence(head));
    }
}
