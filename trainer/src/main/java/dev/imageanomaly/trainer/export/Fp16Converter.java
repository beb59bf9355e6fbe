package dev.imageanomaly.trainer.export;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.platform.Fp16Conversions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Converts a scoring graph's network to FP16, for GPUs (their tensor cores run FP16 at several
 * times the FP32 rate, and the weights take half the memory). Convolutions and fully connected
 * layers compute in FP16 on FP16 weights, and so do the activations, resizing and reshaping that
 * follow them; casts at the region's edges keep the graph's input and outputs FP32 and the score
 * arithmetic (reconstruction error, likelihoods, ensemble medians) in FP32, where the sum over
 * thousands of pixels keeps its precision.
 */
public final class Fp16Converter {

    /** The layers: always FP16, on every input (data, weight, bias). */
    private static final Set<String> LAYERS = Set.of("Conv", "Gemm");
    /** Ops that stay FP16 when their first input (the data; the rest are shapes and scales) is. */
    private static final Set<String> FOLLOWERS = Set.of("Relu", "LeakyRelu", "Sigmoid", "Resize", "Flatten", "Reshape",
            "DepthToSpace");
    /** Ops whose every input is data: FP16 when all of them are. */
    private static final Set<String> JOINS = Set.of("Concat");

    private final OnnxMl.GraphProto graph;
    private final Map<String, TensorProto> floatConstants = new HashMap<>();
    private final Set<String> graphOutputs = new HashSet<>();
    /** Tensors that hold FP16 values, and the FP16 (or FP32) copy made of a tensor at a region edge. */
    private final Set<String> half = new HashSet<>();
    private final Map<String, String> halfCopy = new HashMap<>();
    private final Map<String, String> floatCopy = new HashMap<>();
    private final List<NodeProto> nodes = new ArrayList<>();
    private final List<TensorProto> constants = new ArrayList<>();
    private int counter;

    private Fp16Converter(OnnxMl.GraphProto graph) {
        this.graph = graph;
        for (TensorProto t : graph.getInitializerList()) {
            if (t.getDataType() == TensorProto.DataType.FLOAT.getNumber()) {
                floatConstants.put(t.getName(), t);
            }
        }
        graph.getOutputList().forEach(o -> graphOutputs.add(o.getName()));
    }

    public static byte[] convert(byte[] model) {
        OnnxMl.ModelProto proto = OnnxGraph.parse(model);
        // Without a layer nothing would change, and an FP32 graph would go out labelled FP16.
        if (proto.getGraph().getNodeList().stream().noneMatch(n -> LAYERS.contains(n.getOpType()))) {
            throw new IllegalArgumentException("the graph has no convolution or fully connected layer to convert to FP16");
        }
        Fp16Converter c = new Fp16Converter(proto.getGraph());
        return proto.toBuilder().setGraph(c.rewrite()).build().toByteArray();
    }

    private OnnxMl.GraphProto rewrite() {
        for (NodeProto node : graph.getNodeList()) {
            boolean layer = LAYERS.contains(node.getOpType());
            boolean join = JOINS.contains(node.getOpType()) && half.containsAll(node.getInputList());
            boolean inHalf = layer || join || (FOLLOWERS.contains(node.getOpType()) && half.contains(node.getInput(0)));
            NodeProto.Builder b = node.toBuilder();
            for (int i = 0; i < b.getInputCount(); i++) {
                String in = b.getInput(i);
                if (in.isEmpty()) {
                    continue;
                }
                if (inHalf && (layer || join || i == 0)) {
                    b.setInput(i, asHalf(in));
                } else if (half.contains(in)) {
                    b.setInput(i, asFloat(in));
                }
            }
            if (!inHalf) {
                nodes.add(b.build());
                continue;
            }
            List<NodeProto> castsBack = new ArrayList<>();
            for (int o = 0; o < b.getOutputCount(); o++) {
                String out = b.getOutput(o);
                if (graphOutputs.contains(out)) {
                    // The graph promises FP32 under this name: compute under another, cast back to it.
                    String renamed = unique(out + "_fp16");
                    b.setOutput(o, renamed);
                    half.add(renamed);
                    castsBack.add(cast(renamed, out, TensorProto.DataType.FLOAT));
                } else {
                    half.add(out);
                }
            }
            nodes.add(b.build());
            nodes.addAll(castsBack);
        }
        Set<String> read = new HashSet<>();
        nodes.forEach(n -> read.addAll(n.getInputList()));
        OnnxMl.GraphProto.Builder g = graph.toBuilder().clearNode().addAllNode(nodes).clearInitializer();
        graph.getInitializerList().stream()
                .filter(t -> read.contains(t.getName()) || graphOutputs.contains(t.getName()))
                .forEach(g::addInitializer);
        constants.forEach(g::addInitializer);
        return g.build();
    }

    /** The tensor as FP16: itself, a converted copy of a constant, or a cast of a computed value. */
    private String asHalf(String tensor) {
        if (half.contains(tensor)) {
            return tensor;
        }
        return halfCopy.computeIfAbsent(tensor, t -> {
            String name = unique(t + "_fp16");
            TensorProto constant = floatConstants.get(t);
            if (constant != null) {
                float[] values = Tensors.readFloats(constant);
                short[] halves = new short[values.length];
                for (int i = 0; i < values.length; i++) {
                    halves[i] = Fp16Conversions.floatToFp16(values[i]);
                }
                constants.add(Tensors.halves(name, halves, Tensors.dims(constant)));
            } else {
                nodes.add(cast(t, name, TensorProto.DataType.FLOAT16));
            }
            half.add(name);
            return name;
        });
    }

    private String asFloat(String tensor) {
        return floatCopy.computeIfAbsent(tensor, t -> {
            String name = unique(t + "_fp32");
            nodes.add(cast(t, name, TensorProto.DataType.FLOAT));
            return name;
        });
    }

    private NodeProto cast(String from, String to, TensorProto.DataType type) {
        return NodeProto.newBuilder().setOpType("Cast").setName(unique("cast")).addInput(from).addOutput(to)
                .addAttribute(OnnxGraph.integer("to", type.getNumber())).build();
    }

    private String unique(String hint) {
        return "fp16_" + hint + "_" + counter++;
    }
}
