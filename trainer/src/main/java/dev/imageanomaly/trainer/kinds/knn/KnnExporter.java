package dev.imageanomaly.trainer.kinds.knn;

import static dev.imageanomaly.scoring.bundle.GraphNames.INPUT;
import static dev.imageanomaly.scoring.bundle.GraphNames.SCORE;
import static dev.imageanomaly.trainer.export.OnnxGraph.integer;
import static dev.imageanomaly.trainer.export.OnnxGraph.ints;
import static dev.imageanomaly.trainer.export.OnnxGraph.real;

import ai.onnx.proto.OnnxMl;
import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.trainer.export.ExportedModel;
import dev.imageanomaly.trainer.export.OnnxGraph;
import java.util.List;

/**
 * Exports a codebook as one graph that scores each sample by its mean distance to its nearest
 * codebook samples, itself excepted when it is one of them. A sample first takes its
 * {@link Representation}, as the codebook did (a blur is a grouped Conv). The squared distances to
 * all {@code M} samples come from one matrix product, {@code |x|^2 - 2 x.c + |c|^2} (the codebook
 * and its squared norms are constants of the graph; Gemm takes the codebook as it is stored, a sample
 * a row, transposed, and the -2 as its alpha); TopK picks the
 * {@code k + 1} smallest, Where drops the first when it is the sample itself, and the score is the
 * mean of the square roots of the {@code k} left. With a {@link LocalSubspace}, TopK's indices pick
 * the nearest samples out of the same stored codebook, and the score is the geometric mean of that
 * mean and the distance to their flat. A batch of N costs one {@code [N, D] x [D, M]} product, which
 * ONNX Runtime runs as a GEMM, and, with the subspace, per sample the {@code S x S} dot products of
 * its {@code S} nearest and a few {@code S x S} products.
 *
 * <p>Output: {@code score [N]}.
 */
final class KnnExporter {

    static final List<String> OUTPUTS = List.of(SCORE);

    private KnnExporter() {}

    static String scoreDefinition(int neighbours, Codebook codebook) {
        String prepared = codebook.representation().describe();
        String subspace = codebook.subspace().describe();
        return "mean Euclidean distance to the " + neighbours + " nearest of " + codebook.count()
                + " training samples kept in the graph (not counting the sample itself)"
                + (subspace.isEmpty() ? "" : "; its " + subspace) + (prepared.isEmpty() ? "" : "; all " + prepared);
    }

    static ExportedModel export(String name, Codebook codebook, int wantedNeighbours) {
        InputSpec in = codebook.spec();
        int m = codebook.count();
        int d = codebook.width();
        int k = codebook.neighbours(wantedNeighbours);
        float[] squaredNorms = new float[m];
        for (int c = 0; c < m; c++) {
            double norm = 0;
            for (int j = 0; j < d; j++) {
                float v = codebook.samples()[c * d + j];
                norm += (double) v * v;
            }
            squaredNorms[c] = (float) norm;
        }
        OnnxGraph g = new OnnxGraph(name);
        String x = g.input(INPUT, in.channels(), in.height(), in.width());
        String flat = codebook.representation().apply(g, x, in);
        String samples = g.floats("codebook", codebook.samples(), m, d);
        String crossTerms = g.node("Gemm", List.of(flat, samples), List.of(integer("transB", 1), real("alpha", -2)),
                null);
        String queryNorms = g.node("ReduceSum", List.of(g.node("Mul", flat, flat), g.longs("axes", 1)),
                List.of(integer("keepdims", 1)), null);
        String squared = g.node("Add", g.node("Add", crossTerms, queryNorms),
                g.floats("codebook_squared_norms", squaredNorms, 1, m));
        // Rounding can leave a tiny negative where a sample meets itself; a distance is never below zero.
        String nonNegative = g.node("Relu", squared);
        int candidates = codebook.candidates(wantedNeighbours);
        List<String> top = g.nodeWithOutputs("TopK", List.of(g.node("Neg", nonNegative), g.longs("k", candidates)),
                List.of(integer("axis", 1), integer("largest", 1)), 2);
        String nearest = g.node("Neg", top.get(0));
        LocalSubspace subspace = codebook.subspace();
        String nearestIndices = subspace.isNone() ? null : g.slice(top.get(1), 1, 0, subspace.neighbours());
        if (codebook.spare(wantedNeighbours)) {
            // The query itself, when it is in the codebook, is not its own neighbour (see Codebook).
            String itself = g.node("LessOrEqual", g.slice(nearest, 1, 0, 1),
                    g.node("Mul", queryNorms, g.scalar((float) Codebook.SELF_MATCH)));
            if (nearestIndices != null) {
                nearestIndices = g.node("Where", itself, g.slice(top.get(1), 1, 1, subspace.neighbours() + 1),
                        nearestIndices);
            }
            nearest = g.node("Where", itself, g.slice(nearest, 1, 1, k + 1), g.slice(nearest, 1, 0, k));
        } else {
            nearest = g.slice(nearest, 1, 0, k);
        }
        String distances = g.node("Sqrt", nearest);
        List<OnnxMl.AttributeProto> meanOverNeighbours = List.of(ints("axes", 1), integer("keepdims", 0));
        if (subspace.isNone()) {
            g.node("ReduceMean", List.of(distances), meanOverNeighbours, SCORE);
        } else {
            String mean = g.node("ReduceMean", List.of(distances), meanOverNeighbours, null);
            String flatDistance = subspace.distance(g, queryNorms, crossTerms, nearestIndices, samples);
            g.node("Sqrt", List.of(g.node("Mul", mean, flatDistance)), List.of(), SCORE);
        }
        g.output(SCORE);
        return new ExportedModel(g.toBytes(OnnxGraph.PRODUCER), OUTPUTS, SCORE, scoreDefinition(k, codebook),
                null);
    }
}
