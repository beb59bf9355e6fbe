package dev.imageanomaly.trainer.kinds.iforest;

import static dev.imageanomaly.scoring.bundle.GraphNames.INPUT;
import static dev.imageanomaly.scoring.bundle.GraphNames.SCORE;
import static dev.imageanomaly.trainer.export.OnnxGraph.integer;
import static dev.imageanomaly.trainer.export.OnnxGraph.ints;
import static dev.imageanomaly.trainer.export.OnnxGraph.reals;
import static dev.imageanomaly.trainer.export.OnnxGraph.string;
import static dev.imageanomaly.trainer.export.OnnxGraph.strings;

import ai.onnx.proto.OnnxMl.AttributeProto;
import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.trainer.export.ExportedModel;
import dev.imageanomaly.trainer.export.OnnxGraph;
import java.util.ArrayList;
import java.util.List;

/**
 * Exports an isolation forest as one graph: the flattened sample goes through ONNX's
 * {@code TreeEnsembleRegressor} ({@code ai.onnx.ml}), whose leaves carry path lengths and whose
 * average over the trees is the mean path length; {@code 2^(-mean / c)} is the score. ONNX Runtime
 * walks the trees in native code, in parallel over the batch.
 *
 * <p>Output: {@code score [N]}.
 */
final class IsolationForestExporter {

    static final List<String> OUTPUTS = List.of(SCORE);

    private IsolationForestExporter() {}

    static String scoreDefinition(IsolationForest forest) {
        return "isolation forest score 2^(-mean path length / c(" + forest.sampleSize() + ")) over "
                + forest.trees().size() + " trees, each grown on " + forest.sampleSize() + " training samples";
    }

    static ExportedModel export(String name, IsolationForest forest) {
        InputSpec in = forest.spec();
        OnnxGraph g = new OnnxGraph(name);
        String x = g.input(INPUT, in.channels(), in.height(), in.width());
        String flat = g.node("Flatten", List.of(x), List.of(integer("axis", 1)), null);
        String meanPathLength = g.mlNode("TreeEnsembleRegressor", List.of(flat), attributes(forest));
        String exponent = g.node("Mul", meanPathLength, g.scalar((float) (-Math.log(2) / forest.normalizer())));
        g.node("Squeeze", List.of(g.node("Exp", exponent), g.longs("axes", 1)), List.of(), SCORE);
        g.output(SCORE);
        return new ExportedModel(g.toBytes(OnnxGraph.PRODUCER), OUTPUTS, SCORE, scoreDefinition(forest), null);
    }

    /** Every node of every tree, and a target (its path length) on every leaf: the operator's flat layout. */
    private static List<AttributeProto> attributes(IsolationForest forest) {
        int total = 0;
        int leaves = 0;
        for (IsolationTree tree : forest.trees()) {
            total += tree.nodes();
            leaves += tree.leaves();
        }
        long[] treeIds = new long[total];
        long[] nodeIds = new long[total];
        long[] featureIds = new long[total];
        long[] trueIds = new long[total];
        long[] falseIds = new long[total];
        float[] values = new float[total];
        List<String> modes = new ArrayList<>(total);
        long[] leafTrees = new long[leaves];
        long[] leafNodes = new long[leaves];
        float[] leafPathLengths = new float[leaves];
        int i = 0;
        int l = 0;
        for (int t = 0; t < forest.trees().size(); t++) {
            IsolationTree tree = forest.trees().get(t);
            for (int n = 0; n < tree.nodes(); n++, i++) {
                treeIds[i] = t;
                nodeIds[i] = n;
                if (tree.isLeaf(n)) {
                    modes.add("LEAF");
                    leafTrees[l] = t;
                    leafNodes[l] = n;
                    leafPathLengths[l++] = tree.pathLength()[n];
                } else {
                    // BRANCH_LT: true when the value is below the threshold, as IsolationTree sends samples left.
                    modes.add("BRANCH_LT");
                    featureIds[i] = tree.feature()[n];
                    values[i] = tree.threshold()[n];
                    trueIds[i] = tree.left()[n];
                    falseIds[i] = tree.right()[n];
                }
            }
        }
        return List.of(
                integer("n_targets", 1), string("aggregate_function", "AVERAGE"), string("post_transform", "NONE"),
                ints("nodes_treeids", treeIds), ints("nodes_nodeids", nodeIds), ints("nodes_featureids", featureIds),
                strings("nodes_modes", modes), reals("nodes_values", values),
                ints("nodes_truenodeids", trueIds), ints("nodes_falsenodeids", falseIds),
                ints("target_treeids", leafTrees), ints("target_nodeids", leafNodes),
                ints("target_ids", new long[leaves]), reals("target_weights", leafPathLengths));
    }
}
