package dev.imageanomaly.trainer.kinds.randnet;

import static dev.imageanomaly.scoring.bundle.GraphNames.RECONSTRUCTION;
import static dev.imageanomaly.scoring.bundle.GraphNames.SCORE;
import static dev.imageanomaly.trainer.export.OnnxGraph.integer;
import static dev.imageanomaly.trainer.export.OnnxGraph.ints;

import ai.djl.nn.SequentialBlock;
import dev.imageanomaly.scoring.bundle.GraphNames;
import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.trainer.export.ExportedModel;
import dev.imageanomaly.trainer.export.LayerExporter;
import dev.imageanomaly.trainer.export.OnnxGraph;
import dev.imageanomaly.trainer.export.Standardization;
import dev.imageanomaly.trainer.model.Architecture;
import java.util.ArrayList;
import java.util.List;

/**
 * Exports a RandNet ensemble as one graph: every member reconstructs the input, each member's mean
 * squared error is standardized by that member's training statistics, and the score is the median
 * over members. ONNX has no median, so it is the mean of the smallest of the upper half and the
 * largest of the lower half (TopK both ways), which is the middle value for an odd ensemble and the
 * mean of the two middle values for an even one.
 *
 * <p>Outputs: {@code score [N]}, {@code reconstruction [N, C, H, W]} (the members' mean
 * reconstruction) and {@code member_scores [N, M]} (each member's standardized error).
 */
final class RandNetExporter {

    public static final String MEMBER_SCORES = "member_scores";
    public static final List<String> OUTPUTS = List.of(SCORE, RECONSTRUCTION, MEMBER_SCORES);
    public static final String SCORE_DEFINITION = "median over ensemble members of each member's mean squared "
            + "reconstruction error, standardized by that member's training errors";

    private RandNetExporter() {}

    static ExportedModel export(String name, List<Architecture> archs, List<SequentialBlock> blocks,
            List<Standardization> stats, InputSpec in) {
        int members = archs.size();
        OnnxGraph g = new OnnxGraph(name);
        String x = g.input(GraphNames.INPUT, in.channels(), in.height(), in.width());
        List<String> standardized = new ArrayList<>();
        List<String> reconstructions = new ArrayList<>();
        for (int m = 0; m < members; m++) {
            SequentialBlock block = blocks.get(m);
            String code = LayerExporter.export(g, archs.get(m).encoder(),
                    (SequentialBlock) block.getChildren().get(0).getValue(), x);
            String recon = LayerExporter.export(g, archs.get(m).decoder(),
                    (SequentialBlock) block.getChildren().get(1).getValue(), code);
            reconstructions.add(recon);
            String diff = g.node("Sub", x, recon);
            String error = g.node("ReduceMean", List.of(g.node("Mul", diff, diff)),
                    List.of(ints("axes", 1, 2, 3), integer("keepdims", 0)), null);
            standardized.add(g.unsqueeze(stats.get(m).apply(g, error), 1));
        }
        String scores = g.node("Concat", standardized, List.of(integer("axis", 1)), MEMBER_SCORES);
        String half = g.longs("k", (members + 1) / 2);
        String upper = g.nodeWithOutputs("TopK", List.of(scores, half), List.of(integer("axis", 1),
                integer("largest", 1)), 2).get(0);
        String lower = g.nodeWithOutputs("TopK", List.of(scores, half), List.of(integer("axis", 1),
                integer("largest", 0)), 2).get(0);
        String middleHigh = g.node("ReduceMin", List.of(upper), List.of(ints("axes", 1), integer("keepdims", 0)), null);
        String middleLow = g.node("ReduceMax", List.of(lower), List.of(ints("axes", 1), integer("keepdims", 0)), null);
        g.node("Mul", List.of(g.node("Add", middleHigh, middleLow), g.scalar(0.5f)), List.of(), SCORE);
        g.node("Div", List.of(g.node("Sum", reconstructions.toArray(String[]::new)),
                g.scalar(members)), List.of(), RECONSTRUCTION);
        g.output(SCORE);
        g.output(RECONSTRUCTION, in.channels(), in.height(), in.width());
        g.output(MEMBER_SCORES, members);
        return new ExportedModel(g.toBytes(OnnxGraph.PRODUCER), OUTPUTS, SCORE, SCORE_DEFINITION, null);
    }
}
