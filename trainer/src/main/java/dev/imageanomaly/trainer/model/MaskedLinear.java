package dev.imageanomaly.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Random;

/**
 * A fully connected layer with a fixed random subset of its connections removed: the weight is
 * multiplied by a 0/1 mask drawn once from a seed. The removed weights still exist and get
 * gradients, but never reach the output, so they are inert; the export writes the masked weight.
 */
public final class MaskedLinear extends AbstractBlock {

    private final int units;
    private final float dropRate;
    private final long seed;
    private final Parameter weight;
    private final Parameter bias;
    private float[] mask;

    public MaskedLinear(Layer.MaskedDense layer) {
        this.units = layer.units();
        this.dropRate = layer.dropRate();
        this.seed = layer.maskSeed();
        this.weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT).build());
        this.bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS).build());
    }

    @Override
    public void prepare(Shape[] inputShapes) {
        long inputs = inputShapes[0].get(inputShapes[0].dimension() - 1);
        weight.setShape(new Shape(units, inputs));
        bias.setShape(new Shape(units));
        mask = mask(units * (int) inputs, dropRate, seed);
    }

    /** 1 keeps a connection, 0 drops it; a seed gives the same mask on every run. */
    static float[] mask(int size, float dropRate, long seed) {
        Random random = new Random(seed);
        float[] mask = new float[size];
        for (int i = 0; i < size; i++) {
            mask[i] = random.nextFloat() < dropRate ? 0f : 1f;
        }
        return mask;
    }

    /** The weight as the layer applies it, {@code [units, inputs]}. */
    public NDArray maskedWeight() {
        NDArray w = weight.getArray();
        return w.mul(w.getManager().create(mask, w.getShape()));
    }

    public NDArray bias() {
        return bias.getArray();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray w = ps.getValue(weight, x.getDevice(), training);
        NDArray b = ps.getValue(bias, x.getDevice(), training);
        return Linear.linear(x, w.mul(x.getManager().create(mask, w.getShape())), b);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), units)};
    }
}
