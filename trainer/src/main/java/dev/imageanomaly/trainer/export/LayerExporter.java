package dev.imageanomaly.trainer.export;

import static dev.imageanomaly.trainer.export.OnnxGraph.integer;
import static dev.imageanomaly.trainer.export.OnnxGraph.ints;
import static dev.imageanomaly.trainer.export.OnnxGraph.real;
import static dev.imageanomaly.trainer.export.OnnxGraph.string;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import dev.imageanomaly.trainer.model.Layer;
import dev.imageanomaly.trainer.model.MaskedLinear;
import java.util.List;

/** Writes a trained DJL sequence as ONNX nodes, reading each layer's weights from its child block. */
public final class LayerExporter {

    private LayerExporter() {}

    /** Appends the layers to the graph and returns the name of the last output. */
    public static String export(OnnxGraph g, List<Layer> layers, SequentialBlock trained, String input) {
        List<Block> children = trained.getChildren().values();
        if (children.size() != layers.size()) {
            throw new IllegalStateException("block has " + children.size() + " children for " + layers.size() + " layers");
        }
        String x = input;
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i) instanceof Layer.Upsample up && i + 1 < layers.size()
                    && layers.get(i + 1) instanceof Layer.Conv conv && SubPixelConv.applies(conv)) {
                Block convBlock = children.get(i + 1);
                x = SubPixelConv.export(g, up.factor(), conv, parameter(convBlock, "weight").toFloatArray(),
                        parameter(convBlock, "bias").toFloatArray(), x);
                i++;
            } else {
                x = export(g, layers.get(i), children.get(i), x);
            }
        }
        return x;
    }

    private static String export(OnnxGraph g, Layer layer, Block block, String x) {
        if (layer instanceof Layer.Dense) {
            return g.node("Gemm", List.of(x, weight(g, block), bias(g, block)), List.of(integer("transB", 1)), null);
        } else if (layer instanceof Layer.MaskedDense) {
            MaskedLinear masked = (MaskedLinear) block;
            return g.node("Gemm", List.of(x, tensor(g, "weight", masked.maskedWeight()), tensor(g, "bias", masked.bias())),
                    List.of(integer("transB", 1)), null);
        } else if (layer instanceof Layer.Conv c) {
            return g.node("Conv", List.of(x, weight(g, block), bias(g, block)), List.of(
                    ints("kernel_shape", c.kernel(), c.kernel()), ints("strides", c.stride(), c.stride()),
                    ints("pads", c.padding(), c.padding(), c.padding(), c.padding())), null);
        } else if (layer instanceof Layer.Upsample u) {
            // "asymmetric" + "floor" makes output pixel i copy input pixel floor(i / factor): repeat-interleave.
            String scales = g.floats("scales", new float[] {1, 1, u.factor(), u.factor()}, 4);
            return g.node("Resize", List.of(x, "", scales), List.of(string("mode", "nearest"),
                    string("coordinate_transformation_mode", "asymmetric"), string("nearest_mode", "floor")), null);
        } else if (layer instanceof Layer.Relu) {
            return g.node("Relu", x);
        } else if (layer instanceof Layer.LeakyRelu l) {
            return g.node("LeakyRelu", List.of(x), List.of(real("alpha", l.alpha())), null);
        } else if (layer instanceof Layer.Sigmoid) {
            return g.node("Sigmoid", x);
        } else if (layer instanceof Layer.Flatten) {
            return g.node("Flatten", List.of(x), List.of(integer("axis", 1)), null);
        } else if (layer instanceof Layer.Unflatten u) {
            return g.node("Reshape", x, g.longs("shape", -1, u.channels(), u.height(), u.width()));
        }
        throw new IllegalArgumentException("no ONNX export for " + layer);
    }

    private static String weight(OnnxGraph g, Block block) {
        return tensor(g, "weight", parameter(block, "weight"));
    }

    private static String bias(OnnxGraph g, Block block) {
        return tensor(g, "bias", parameter(block, "bias"));
    }

    private static NDArray parameter(Block block, String name) {
        return block.getParameters().get(name).getArray();
    }

    static String tensor(OnnxGraph g, String hint, NDArray array) {
        return g.floats(hint, array.toFloatArray(), array.getShape().getShape());
    }
}
