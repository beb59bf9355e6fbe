package dev.imageanomaly.trainer.export;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.util.List;

/**
 * A small builder over the ONNX protobuf classes: named tensors in, nodes, named tensors out. Node
 * and tensor names are made unique by a counter, so callers never collide.
 */
public final class OnnxGraph {

    public static final int OPSET = 17;
    /** ONNX's classical machine-learning operators (tree ensembles), imported when a node uses them. */
    public static final String ML_DOMAIN = "ai.onnx.ml";
    private static final int ML_OPSET = 3;
    /** IR version 8 goes with opset 17 and is read by every ONNX Runtime since 1.10. */
    private static final long IR_VERSION = 8;
    public static final String BATCH = "N";
    public static final String PRODUCER = "image-anomaly-trainer";

    private final OnnxMl.GraphProto.Builder graph;
    private final String prefix;
    private int counter;

    public OnnxGraph(String name) {
        this(OnnxMl.GraphProto.newBuilder().setName(name), "");
    }

    private OnnxGraph(OnnxMl.GraphProto.Builder graph, String prefix) {
        this.graph = graph;
        this.prefix = prefix;
    }

    /**
     * Continues an exported graph: its nodes, initializers and outputs stay; new names carry
     * {@code prefix} so they cannot collide with the names already there.
     */
    public static OnnxGraph extending(byte[] model, String prefix) {
        return new OnnxGraph(parse(model).getGraph().toBuilder(), prefix);
    }

    static OnnxMl.ModelProto parse(byte[] model) {
        try {
            return OnnxMl.ModelProto.parseFrom(model);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not an ONNX model: " + e.getMessage(), e);
        }
    }

    /**
     * Continues a graph assembled elsewhere (an ensemble joins its members' graphs); new names
     * carry {@code prefix}.
     */
    public static OnnxGraph continuing(OnnxMl.GraphProto.Builder graph, String prefix) {
        return new OnnxGraph(graph, prefix);
    }

    /** A float input whose first dimension is the symbolic batch size. */
    public String input(String name, long... sampleDims) {
        graph.addInput(valueInfo(name, sampleDims));
        return name;
    }

    public void output(String name, long... sampleDims) {
        graph.addOutput(valueInfo(name, sampleDims));
    }

    public String floats(String hint, float[] values, long... dims) {
        String name = unique(hint);
        graph.addInitializer(Tensors.floats(name, values, dims));
        return name;
    }

    public String longs(String hint, long... values) {
        String name = unique(hint);
        graph.addInitializer(OnnxMl.TensorProto.newBuilder().setName(name)
                .setDataType(OnnxMl.TensorProto.DataType.INT64.getNumber())
                .addDims(values.length).addAllInt64Data(box(values)).build());
        return name;
    }

    /** Adds a node with one output and returns that output's name (or {@code outputName} when given). */
    public String node(String op, List<String> inputs, List<OnnxMl.AttributeProto> attributes, String outputName) {
        String out = outputName != null ? outputName : unique(op.toLowerCase());
        add(op, "", inputs, attributes, List.of(out));
        return out;
    }

    /** Adds a node with several outputs (TopK, Split) and returns their names in order. */
    public List<String> nodeWithOutputs(String op, List<String> inputs, List<OnnxMl.AttributeProto> attributes,
            int outputs) {
        List<String> names = java.util.stream.IntStream.range(0, outputs).mapToObj(i -> unique(op.toLowerCase()))
                .toList();
        add(op, "", inputs, attributes, names);
        return names;
    }

    /** Adds a node of {@link #ML_DOMAIN} with one output and returns that output's name. */
    public String mlNode(String op, List<String> inputs, List<OnnxMl.AttributeProto> attributes) {
        String out = unique(op.toLowerCase());
        add(op, ML_DOMAIN, inputs, attributes, List.of(out));
        return out;
    }

    /** The one place nodes are made; the default domain is left unset, as ONNX writes it. */
    private void add(String op, String domain, List<String> inputs, List<OnnxMl.AttributeProto> attributes,
            List<String> outputs) {
        OnnxMl.NodeProto.Builder node = OnnxMl.NodeProto.newBuilder().setOpType(op).setName(unique(op + "_node"))
                .addAllInput(inputs).addAllOutput(outputs).addAllAttribute(attributes);
        if (!domain.isEmpty()) {
            node.setDomain(domain);
        }
        graph.addNode(node.build());
    }

    public String node(String op, String... inputs) {
        return node(op, List.of(inputs), List.of(), null);
    }

    /** A float constant, broadcast wherever it is used. */
    public String scalar(float value) {
        return floats("const", new float[] {value});
    }

    /** {@code x[start:end]} along one axis. */
    public String slice(String x, long axis, long start, long end) {
        return node("Slice", x, longs("starts", start), longs("ends", end), longs("axes", axis));
    }

    public String unsqueeze(String x, long axis) {
        return node("Unsqueeze", x, longs("axes", axis));
    }

    public String clip(String x, float min, float max) {
        return node("Clip", x, scalar(min), scalar(max));
    }

    public static OnnxMl.AttributeProto ints(String name, long... values) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INTS)
                .addAllInts(box(values)).build();
    }

    public static OnnxMl.AttributeProto integer(String name, long value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INT)
                .setI(value).build();
    }

    public static OnnxMl.AttributeProto string(String name, String value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(value)).build();
    }

    public static OnnxMl.AttributeProto strings(String name, List<String> values) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.STRINGS)
                .addAllStrings(values.stream().map(ByteString::copyFromUtf8).toList()).build();
    }

    public static OnnxMl.AttributeProto reals(String name, float[] values) {
        OnnxMl.AttributeProto.Builder a = OnnxMl.AttributeProto.newBuilder().setName(name)
                .setType(OnnxMl.AttributeProto.AttributeType.FLOATS);
        for (float v : values) {
            a.addFloats(v);
        }
        return a.build();
    }

    public static OnnxMl.AttributeProto real(String name, float value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.FLOAT)
                .setF(value).build();
    }

    public byte[] toBytes(String producer) {
        OnnxMl.ModelProto.Builder model = OnnxMl.ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName(producer)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET));
        // A graph joined from others (an ensemble) may hold ML nodes this builder did not add itself.
        if (graph.getNodeList().stream().anyMatch(n -> n.getDomain().equals(ML_DOMAIN))) {
            model.addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain(ML_DOMAIN).setVersion(ML_OPSET));
        }
        return model.setGraph(graph).build().toByteArray();
    }

    private String unique(String hint) {
        return prefix + hint + "_" + counter++;
    }

    private static OnnxMl.ValueInfoProto valueInfo(String name, long... sampleDims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH));
        for (long d : sampleDims) {
            shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name)
                .setType(OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()).setShape(shape)))
                .build();
    }

    private static List<Long> box(long[] values) {
        return java.util.Arrays.stream(values).boxed().toList();
    }
}
