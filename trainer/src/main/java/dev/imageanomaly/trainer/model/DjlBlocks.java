package dev.imageanomaly.trainer.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import java.util.List;

/** Builds DJL blocks from layer descriptions, one child block per layer (the exporter relies on that). */
public final class DjlBlocks {

    private DjlBlocks() {}

    /** An autoencoder block whose two children are the encoder and the decoder. */
    public static SequentialBlock autoencoder(Architecture arch) {
        return new SequentialBlock().add(sequence(arch.encoder())).add(sequence(arch.decoder()));
    }

    public static SequentialBlock sequence(List<Layer> layers) {
        SequentialBlock seq = new SequentialBlock();
        layers.forEach(l -> seq.add(block(l)));
        return seq;
    }

    static Block block(Layer layer) {
        if (layer instanceof Layer.Dense d) {
            return Linear.builder().setUnits(d.units()).build();
        } else if (layer instanceof Layer.MaskedDense d) {
            return new MaskedLinear(d);
        } else if (layer instanceof Layer.Conv c && BlockPaddedConv2d.needed(c.filters())) {
            return new BlockPaddedConv2d(c);
        } else if (layer instanceof Layer.Conv c) {
            return Conv2d.builder().setFilters(c.filters()).setKernelShape(new Shape(c.kernel(), c.kernel()))
                    .optStride(new Shape(c.stride(), c.stride())).optPadding(new Shape(c.padding(), c.padding()))
                    .build();
        } else if (layer instanceof Layer.Upsample u) {
            return new LambdaBlock(x -> new NDList(x.singletonOrThrow().repeat(2, u.factor()).repeat(3, u.factor())),
                    "upsample");
        } else if (layer instanceof Layer.Relu) {
            return Activation.reluBlock();
        } else if (layer instanceof Layer.LeakyRelu l) {
            return Activation.leakyReluBlock(l.alpha());
        } else if (layer instanceof Layer.Sigmoid) {
            return new LambdaBlock(Activation::sigmoid, "sigmoid");
        } else if (layer instanceof Layer.Flatten) {
            return Blocks.batchFlattenBlock();
        } else if (layer instanceof Layer.Unflatten u) {
            return new LambdaBlock(x -> new NDList(x.singletonOrThrow()
                    .reshape(new Shape(-1, u.channels(), u.height(), u.width()))), "unflatten");
        }
        throw new IllegalArgumentException("no DJL block for " + layer);
    }
}
