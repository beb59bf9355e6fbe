package dev.imageanomaly.trainer.kinds.ensemble;

import static dev.imageanomaly.trainer.export.OnnxGraph.integer;
import static dev.imageanomaly.trainer.export.OnnxGraph.ints;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.imageanomaly.scoring.bundle.GraphNames;
import dev.imageanomaly.trainer.export.ExportedModel;
import dev.imageanomaly.trainer.export.OnnxGraph;
import dev.imageanomaly.trainer.export.Standardization;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Joins the exported graphs of several trained kinds into one: every member reads the same input,
 * each member's score is standardized by its mean and standard deviation on held-out normal images,
 * and the score is the mean of the standardized scores. Each member's names get a prefix so they
 * cannot collide; the input keeps its name.
 *
 * <p>Outputs: {@code score [N]} and {@code member_scores [N, M]} (the standardized member scores).
 */
final class EnsembleExporter {

    static final String MEMBER_SCORES = "member_scores";
    static final List<String> OUTPUTS = List.of(GraphNames.SCORE, MEMBER_SCORES);

    private EnsembleExporter() {}

    static ExportedModel export(String name, List<ExportedModel> members, List<String> memberNames,
            List<Standardization> standardizations) {
        OnnxMl.GraphProto.Builder joined = OnnxMl.GraphProto.newBuilder().setName(name);
        List<String> scores = new ArrayList<>();
        for (int m = 0; m < members.size(); m++) {
            String prefix = "m" + m + "_" + memberNames.get(m).replaceAll("[^A-Za-z0-9]", "_") + "_";
            OnnxMl.GraphProto member = graph(members.get(m).model());
            if (m == 0) {
                joined.addInput(member.getInput(0));
            }
            UnaryOperator<String> rename = n -> n.isEmpty() || n.equals(GraphNames.INPUT) ? n : prefix + n;
            for (OnnxMl.TensorProto t : member.getInitializerList()) {
                joined.addInitializer(t.toBuilder().setName(rename.apply(t.getName())));
            }
            for (OnnxMl.NodeProto node : member.getNodeList()) {
                OnnxMl.NodeProto.Builder renamed = node.toBuilder().setName(prefix + node.getName()).clearInput()
                        .clearOutput();
                node.getInputList().forEach(i -> renamed.addInput(rename.apply(i)));
                node.getOutputList().forEach(o -> renamed.addOutput(rename.apply(o)));
                joined.addNode(renamed);
            }
            scores.add(rename.apply(members.get(m).scoreOutput()));
        }
        OnnxGraph g = OnnxGraph.continuing(joined, "ensemble_");
        List<String> standardized = new ArrayList<>();
        for (int m = 0; m < scores.size(); m++) {
            standardized.add(g.unsqueeze(standardizations.get(m).apply(g, scores.get(m)), 1));
        }
        g.node("Concat", standardized, List.of(integer("axis", 1)), MEMBER_SCORES);
        g.node("ReduceMean", List.of(MEMBER_SCORES), List.of(ints("axes", 1), integer("keepdims", 0)), GraphNames.SCORE);
        g.output(GraphNames.SCORE);
        g.output(MEMBER_SCORES, members.size());
        String definition = "mean of the members' scores, each standardized by its mean and standard deviation on "
                + "held-out normal images: " + String.join("; ", describe(members, memberNames));
        return new ExportedModel(g.toBytes(OnnxGraph.PRODUCER), OUTPUTS, GraphNames.SCORE, definition, null);
    }

    private static List<String> describe(List<ExportedModel> members, List<String> names) {
        List<String> parts = new ArrayList<>();
        for (int m = 0; m < members.size(); m++) {
            parts.add(names.get(m) + " (" + members.get(m).scoreDefinition() + ")");
        }
        return parts;
    }

    private static OnnxMl.GraphProto graph(byte[] model) {
        try {
            return OnnxMl.ModelProto.parseFrom(model).getGraph();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not an ONNX model: " + e.getMessage(), e);
        }
    }
}
