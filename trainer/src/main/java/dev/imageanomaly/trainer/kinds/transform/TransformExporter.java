package dev.imageanomaly.trainer.kinds.transform;

import static dev.imageanomaly.trainer.export.OnnxGraph.integer;
import static dev.imageanomaly.trainer.export.OnnxGraph.ints;
import static dev.imageanomaly.trainer.export.OnnxGraph.real;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import dev.imageanomaly.scoring.bundle.GraphNames;
import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.trainer.export.ExportedModel;
import dev.imageanomaly.trainer.export.OnnxGraph;
import java.util.ArrayList;
import java.util.List;

/**
 * Exports a trained transformation classifier as one graph that transforms each input image every
 * way the classifier knows (flips, shifts and rotations are slices, pads and transposes), classifies
 * all of them in one batch, and scores each image by the mean negative log-likelihood the classifier
 * gives the transformations really applied. One call in, one score out, as for every kind.
 *
 * <p>Outputs: {@code score [N]} and {@code latent [N, F]}, the classifier's feature vector of the
 * untransformed image (so the latent-code features of other kinds apply here too).
 */
final class TransformExporter {

    static final List<String> OUTPUTS = List.of(GraphNames.SCORE, GraphNames.LATENT);
    static final String SCORE_DEFINITION = "mean over the geometric transformations of the classifier's negative "
            + "log-likelihood of the transformation applied (GEOM/GOAD-style transformation prediction)";

    private TransformExporter() {}

    static ExportedModel export(String name, SequentialBlock trained, List<Transformation> transformations,
            InputSpec in) {
        int t = transformations.size();
        int identity = transformations.indexOf(new Transformation(false, 0, 0, 0));
        if (identity < 0) {
            throw new IllegalArgumentException("the transformations must include the identity, for the latent output");
        }
        OnnxGraph g = new OnnxGraph(name);
        String x = g.input(GraphNames.INPUT, in.channels(), in.height(), in.width());
        List<String> transformed = new ArrayList<>();
        for (Transformation transformation : transformations) {
            transformed.add(transform(g, x, transformation, in.width()));
        }
        String stacked = g.node("Concat", transformed, List.of(integer("axis", 0)), null);

        String f = features(g, (SequentialBlock) trained.getChildren().get(0).getValue(), stacked);
        String byTransformation = g.node("Reshape", f, g.longs("shape", t, -1, TransformClassifier.FEATURES));
        g.node("Squeeze", List.of(g.slice(byTransformation, 0, identity, identity + 1), g.longs("axes", 0)), List.of(),
                GraphNames.LATENT);

        Linear head = (Linear) trained.getChildren().get(1).getValue();
        String logits = g.node("Gemm", List.of(f, tensor(g, "head_weight", head.getParameters().get("weight").getArray()),
                tensor(g, "head_bias", head.getParameters().get("bias").getArray())), List.of(integer("transB", 1)), null);
        String logLikelihoods = g.node("LogSoftmax", List.of(logits), List.of(integer("axis", 1)), null);
        String grid = g.node("Reshape", logLikelihoods, g.longs("shape", t, -1, t));
        float[] applied = new float[t * t];
        for (int k = 0; k < t; k++) {
            applied[k * t + k] = 1;
        }
        String picked = g.node("ReduceSum", List.of(g.node("Mul", grid, g.floats("applied", applied, t, 1, t)),
                g.longs("axes", 2)), List.of(integer("keepdims", 0)), null);
        String meanLogLikelihood = g.node("ReduceMean", List.of(picked), List.of(ints("axes", 0), integer("keepdims", 0)),
                null);
        g.node("Neg", List.of(meanLogLikelihood), List.of(), GraphNames.SCORE);
        g.output(GraphNames.SCORE);
        g.output(GraphNames.LATENT, TransformClassifier.FEATURES);
        return new ExportedModel(g.toBytes(OnnxGraph.PRODUCER), OUTPUTS, GraphNames.SCORE, SCORE_DEFINITION, null);
    }

    /** {@link Transformation#apply} as nodes: flip, then shift, then quarter turns. */
    private static String transform(OnnxGraph g, String x, Transformation t, int side) {
        String y = x;
        if (t.flip()) {
            y = reverse(g, y, 3);
        }
        y = shift(g, y, 3, t.dx(), side);
        y = shift(g, y, 2, t.dy(), side);
        for (int turn = 0; turn < t.quarterTurns(); turn++) {
            // A counter-clockwise quarter turn: out[y][x] = in[x][side-1-y], a transpose then a vertical flip.
            y = reverse(g, g.node("Transpose", List.of(y), List.of(ints("perm", 0, 1, 3, 2)), null), 2);
        }
        return y;
    }

    /** Moves the image by {@code by} pixels along an axis, shifting zeros in: pad one side, keep {@code side} pixels. */
    private static String shift(OnnxGraph g, String x, int axis, int by, int side) {
        if (by == 0) {
            return x;
        }
        long[] pads = new long[8];
        pads[by > 0 ? axis : 4 + axis] = Math.abs(by);
        String padded = g.node("Pad", x, g.longs("pads", pads));
        int start = by > 0 ? 0 : -by;
        return g.slice(padded, axis, start, start + side);
    }

    private static String reverse(OnnxGraph g, String x, int axis) {
        return g.node("Slice", x, g.longs("starts", -1), g.longs("ends", Long.MIN_VALUE), g.longs("axes", axis),
                g.longs("steps", -1));
    }

    /** The feature extractor, walked in the order {@link TransformClassifier#build} laid it out. */
    private static String features(OnnxGraph g, SequentialBlock features, String x) {
        List<Block> layers = features.getChildren().values();
        int k = TransformClassifier.KERNEL;
        int i = 0;
        String f = x;
        for (int stage = 0; stage < TransformClassifier.CHANNELS.length; stage++) {
            Block conv = layers.get(i++);
            f = g.node("Conv", List.of(f, param(g, conv, "weight"), param(g, conv, "bias")), List.of(
                    ints("kernel_shape", k, k), ints("pads", k / 2, k / 2, k / 2, k / 2)), null);
            Block norm = layers.get(i++);
            f = g.node("BatchNormalization", List.of(f, param(g, norm, "gamma"), param(g, norm, "beta"),
                    param(g, norm, "runningMean"), param(g, norm, "runningVar")),
                    List.of(real("epsilon", TransformClassifier.BATCH_NORM_EPSILON)), null);
            f = g.node("Relu", f);
            i++;
            if (TransformClassifier.pooled(stage)) {
                f = g.node("MaxPool", List.of(f), List.of(ints("kernel_shape", 2, 2), ints("strides", 2, 2)), null);
                i++;
            }
        }
        return g.node("ReduceMean", List.of(f), List.of(ints("axes", 2, 3), integer("keepdims", 0)), null);
    }

    private static String param(OnnxGraph g, Block layer, String name) {
        return tensor(g, name, layer.getParameters().get(name).getArray());
    }

    private static String tensor(OnnxGraph g, String hint, NDArray array) {
        return g.floats(hint, array.toFloatArray(), array.getShape().getShape());
    }
}
