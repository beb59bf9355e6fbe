package dev.imageanomaly.scoring;

import ai.onnx.proto.OnnxMl;
import java.util.List;

/**
 * A real, hand-built ONNX graph for tests: input {@code [N, C, H, W]}, outputs {@code score [N]} =
 * mean of squared pixels per sample, and {@code doubled [N, C, H, W]} = input + input. Small enough
 * to check every number by hand, real enough that ONNX Runtime parses and runs it.
 */
public final class TinyOnnxModel {

    public static final String INPUT = "input";
    public static final String SCORE = "score";
    public static final String DOUBLED = "doubled";
    public static final List<String> OUTPUTS = List.of(SCORE, DOUBLED);

    private TinyOnnxModel() {}

    public static byte[] meanSquare(int channels, int height, int width) {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("tiny");
        g.addInput(valueInfo(INPUT, channels, height, width));
        g.addNode(node("Mul", List.of(INPUT, INPUT), "squared"));
        g.addNode(node("ReduceMean", List.of("squared"), SCORE)
                .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("axes")
                        .setType(OnnxMl.AttributeProto.AttributeType.INTS).addAllInts(List.of(1L, 2L, 3L)))
                .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("keepdims")
                        .setType(OnnxMl.AttributeProto.AttributeType.INT).setI(0)));
        g.addNode(node("Add", List.of(INPUT, INPUT), DOUBLED));
        g.addOutput(valueInfo(SCORE));
        g.addOutput(valueInfo(DOUBLED, channels, height, width));
        return OnnxMl.ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("scoring-tests")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .setGraph(g)
                .build().toByteArray();
    }

    /** The score the graph must produce for one sample: mean of squares. */
    public static float expectedScore(float[] batch, int sample, int sampleSize) {
        double sum = 0;
        for (int j = 0; j < sampleSize; j++) {
            double v = batch[sample * sampleSize + j];
            sum += v * v;
        }
        return (float) (sum / sampleSize);
    }

    private static OnnxMl.NodeProto.Builder node(String op, List<String> inputs, String output) {
        return OnnxMl.NodeProto.newBuilder().setOpType(op).setName(op + "_" + output).addAllInput(inputs)
                .addOutput(output);
    }

    private static OnnxMl.ValueInfoProto valueInfo(String name, long... sampleDims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
        for (long d : sampleDims) {
            shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name)
                .setType(OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()).setShape(shape)))
                .build();
    }
}
