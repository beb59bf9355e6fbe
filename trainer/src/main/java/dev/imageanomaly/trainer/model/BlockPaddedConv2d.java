package dev.imageanomaly.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A convolution whose filters are not a multiple of {@link #FILTER_BLOCK}, run as one that is: its
 * filters are padded with zero filters and the extra output channels dropped, so the result and the
 * gradients of its own weights are those of the plain convolution.
 *
 * <p>Why: PyTorch runs CPU convolutions through oneDNN, which lays filters out in blocks of 16 (8 with
 * AVX2) and pads a short last block. On an AMD EPYC with AVX-512 the padded part of the output
 * gradient was not zeroed before the backward-data pass: the input gradient of a 1-filter 3x3
 * convolution over 32 channels came out NaN in some runs (up to a quarter of its elements), and
 * {@code conv-ae} trained to a NaN loss from its first epoch. With a whole block, oneDNN pads
 * nothing. {@code ONEDNN_VERBOSE=1} shows the padded layouts ({@code f32:p:blocked:aBcd16b}).
 *
 * <p>Its parameters are {@code weight [filters, inputs, k, k]} and {@code bias [filters]}, as
 * {@link Conv2d}'s, so the exporters read it as they read one.
 */
public final class BlockPaddedConv2d extends AbstractBlock {

    /** oneDNN's largest filter block on x86 (AVX-512); a multiple of it is a multiple of AVX2's 8 too. */
    static final int FILTER_BLOCK = 16;

    private final Layer.Conv conv;
    private final Parameter weight;
    private final Parameter bias;

    public BlockPaddedConv2d(Layer.Conv conv) {
        this.conv = conv;
        this.weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT).build());
        this.bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS).build());
    }

    /** Whether a convolution of this many filters needs the padding. */
    static boolean needed(int filters) {
        return filters % FILTER_BLOCK != 0;
    }

    @Override
    public void prepare(Shape[] inputShapes) {
        weight.setShape(new Shape(conv.filters(), inputShapes[0].get(1), conv.kernel(), conv.kernel()));
        bias.setShape(new Shape(conv.filters()));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray w = ps.getValue(weight, x.getDevice(), training);
        NDArray b = ps.getValue(bias, x.getDevice(), training);
        long extra = FILTER_BLOCK - conv.filters() % FILTER_BLOCK;
        Shape filterShape = w.getShape().slice(1);
        NDArray paddedWeight = w.concat(x.getManager().zeros(new Shape(extra).addAll(filterShape), w.getDataType()), 0);
        NDArray paddedBias = b.concat(x.getManager().zeros(new Shape(extra), b.getDataType()), 0);
        NDArray y = Conv2d.conv2d(x, paddedWeight, paddedBias, new Shape(conv.stride(), conv.stride()),
                new Shape(conv.padding(), conv.padding()), new Shape(1, 1), 1).singletonOrThrow();
        return new NDList(y.get(":, 0:" + conv.filters()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {new Shape(in.get(0), conv.filters(), outputSide(in.get(2)), outputSide(in.get(3)))};
    }

    private long outputSide(long inputSide) {
        return (inputSide + 2L * conv.padding() - conv.kernel()) / conv.stride() + 1;
    }
}
