package dev.imageanomaly.trainer.kinds.transform;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;

/**
 * The network that learns which transformation was applied: three 3x3 convolution stages with batch
 * normalisation (the first two halve the image by max pooling), a global average over the image
 * that gives the {@link #FEATURES}-value feature vector, and a linear layer to one logit per
 * transformation. Small on purpose: it scores each image once per transformation.
 */
final class TransformClassifier {

    /** Channels of the three convolution stages; the last is the size of the feature vector. */
    static final int[] CHANNELS = {16, 32, 64};
    static final int FEATURES = CHANNELS[CHANNELS.length - 1];
    static final int KERNEL = 3;
    static final float BATCH_NORM_EPSILON = 1e-5f;

    private TransformClassifier() {}

    /**
     * A block of two children, the feature extractor and the head. Inside the extractor each stage is
     * (convolution, batch norm, ReLU[, max pool]); the exporter walks the same structure.
     */
    static SequentialBlock build(int transformations) {
        SequentialBlock features = new SequentialBlock();
        for (int stage = 0; stage < CHANNELS.length; stage++) {
            features.add(Conv2d.builder().setFilters(CHANNELS[stage]).setKernelShape(new Shape(KERNEL, KERNEL))
                    .optPadding(new Shape(KERNEL / 2, KERNEL / 2)).build());
            features.add(BatchNorm.builder().optEpsilon(BATCH_NORM_EPSILON).build());
            features.add(Activation.reluBlock());
            if (pooled(stage)) {
                features.add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
            }
        }
        features.add(globalAverage());
        return new SequentialBlock().add(features).add(Linear.builder().setUnits(transformations).build());
    }

    static boolean pooled(int stage) {
        return stage < CHANNELS.length - 1;
    }

    private static Block globalAverage() {
        // DJL's PyTorch engine reduces one axis at a time.
        return new LambdaBlock(x -> new NDList(x.singletonOrThrow().mean(new int[] {3}).mean(new int[] {2})),
                "global-average");
    }
}
