package dev.imageanomaly.trainer.kinds.knn;

import static dev.imageanomaly.trainer.export.OnnxGraph.integer;

import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.trainer.export.OnnxGraph;
import java.util.List;

/**
 * What a sample becomes before distances are measured: an image blurred, flattened, and divided by
 * its length raised to {@code lengthExponent}. At 0 the pixels stay as they are; at 1 every image
 * has unit length and distances compare shapes only, not how much ink or light there is; in between
 * brightness still counts, compressed ({@code |x| -> |x|^(1 - exponent)}). Both are priors about
 * images; feature vectors (standardized table rows, whose distance from the others is the point)
 * are compared as they are. The same steps run here (codebook, reference) and as graph nodes.
 */
record Representation(GaussianBlur blur, double lengthExponent) {

    /** Added to every length, so an all-zero image stays all zero instead of dividing by zero. */
    static final float LENGTH_FLOOR = 1e-6f;

    Representation {
        if (lengthExponent < 0 || lengthExponent > 1) {
            throw new IllegalArgumentException("the length exponent must be in [0, 1], was " + lengthExponent);
        }
    }

    /** Images as asked; feature vectors as they are. */
    static Representation of(InputSpec spec, GaussianBlur blur, double lengthExponent) {
        return spec.isFeatures() ? new Representation(GaussianBlur.NONE, 0) : new Representation(blur, lengthExponent);
    }

    /** {@code count} samples back to back, as {@code spec} lays them out, into their representations (new array). */
    float[] apply(float[] samples, int count, InputSpec spec) {
        float[] out = blur.apply(samples, count * spec.channels(), spec.height(), spec.width());
        if (out == samples) {
            out = samples.clone();
        }
        if (lengthExponent > 0) {
            int width = spec.sampleSize();
            for (int i = 0; i < count; i++) {
                double sq = 0;
                for (int j = 0; j < width; j++) {
                    sq += (double) out[i * width + j] * out[i * width + j];
                }
                float scale = (float) (1 / Math.pow(Math.sqrt(sq) + LENGTH_FLOOR, lengthExponent));
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
        if (lengthExponent == 0) {
            return flat;
        }
        String squared = g.node("ReduceSum", List.of(g.node("Mul", flat, flat), g.longs("axes", 1)),
                List.of(integer("keepdims", 1)), null);
        String length = g.node("Add", g.node("Sqrt", squared), g.scalar(LENGTH_FLOOR));
        return g.node("Div", flat, g.node("Pow", length, g.scalar((float) lengthExponent)));
    }

    String describe() {
        String blurred = blur.isNone() ? "" : "blurred by a Gaussian of sigma " + blur.sigma() + " pixels";
        String scaled = lengthExponent == 0 ? "" : lengthExponent == 1 ? "scaled to unit length"
                : "divided by their length to the power " + lengthExponent;
        return blurred.isEmpty() || scaled.isEmpty() ? blurred + scaled : blurred + ", then " + scaled;
    }
}
