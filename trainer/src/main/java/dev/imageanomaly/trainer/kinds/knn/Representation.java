package dev.imageanomaly.trainer.kinds.knn;

import static dev.imageanomaly.trainer.export.OnnxGraph.integer;

import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.trainer.export.OnnxGraph;
import java.util.List;

/**
 * What a sample becomes before distances are measured: an image blurred, flattened, and optionally
 * scaled to unit length, so that distances compare shapes rather than how much ink or light there
 * is. Both are priors about images; feature vectors (standardized table rows, whose distance from
 * the others is the point) are compared as they are. The same steps run here (codebook, reference)
 * and as graph nodes.
 */
record Representation(GaussianBlur blur, boolean unitLength) {

    /**
     * Keeps {@code (length + UNIT_LENGTH_FLOOR)} away from zero, so an all-zero sample stays all zero
     * instead of dividing by zero.
     */
    static final float UNIT_LENGTH_FLOOR = 1e-6f;

    /** Images as asked; feature vectors as they are. */
    static Representation of(InputSpec spec, GaussianBlur blur, boolean unitLength) {
        return spec.isFeatures() ? new Representation(GaussianBlur.NONE, false) : new Representation(blur, unitLength);
    }

    /** {@code count} samples back to back, as {@code spec} lays them out, into their representations (new array). */
    float[] apply(float[] samples, int count, InputSpec spec) {
        float[] out = blur.apply(samples, count * spec.channels(), spec.height(), spec.width());
        if (out == samples) {
            out = samples.clone();
        }
        if (unitLength) {
            int width = spec.sampleSize();
            for (int i = 0; i < count; i++) {
                double sq = 0;
                for (int j = 0; j < width; j++) {
                    sq += (double) out[i * width + j] * out[i * width + j];
                }
                float scale = (float) (1 / (Math.sqrt(sq) + UNIT_LENGTH_FLOOR));
                for (int j = 0; j < width; j++) {
                    out[i * width + j] *= scale;
                }
            }
        }
        return out;
    }

    /** The same as nodes: {@code [N, C, H, W]} in, {@code [N, C * H * W]} out. */
    String apply(OnnxGraph g, String samples, InputSpec spec) {
        String flat = g.node("Flatten", List.of(blur.apply(g, samples, spec.channels())), List.of(integer("axis", 1)),
                null);
        if (!unitLength) {
            return flat;
        }
        String squared = g.node("ReduceSum", List.of(g.node("Mul", flat, flat), g.longs("axes", 1)),
                List.of(integer("keepdims", 1)), null);
        return g.node("Div", flat, g.node("Add", g.node("Sqrt", squared), g.scalar(UNIT_LENGTH_FLOOR)));
    }

    String describe() {
        String blurred = blur.isNone() ? "" : "blurred by a Gaussian of sigma " + blur.sigma() + " pixels";
        String scaled = unitLength ? "scaled to unit length" : "";
        return blurred.isEmpty() || scaled.isEmpty() ? blurred + scaled : blurred + ", then " + scaled;
    }
}
