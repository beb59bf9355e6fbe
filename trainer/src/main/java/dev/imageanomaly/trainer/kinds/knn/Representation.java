package dev.imageanomaly.trainer.kinds.knn;

import static dev.imageanomaly.trainer.export.OnnxGraph.integer;

import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.trainer.export.OnnxGraph;
import java.util.ArrayList;
import java.util.List;

/**
 * What a sample becomes before distances are measured: an image's pixels raised to
 * {@code pixelExponent}, blurred, flattened, and divided by its length raised to
 * {@code lengthExponent}. A pixel exponent below 1 lifts faint values towards the solid ones
 * ({@code 0.1 -> 0.45} at 0.35), so thin strokes, seams and texture weigh more against large areas
 * of even ink or cloth. At length exponent 0 the brightness stays as it is; at 1 every image has unit
 * length and distances compare shapes only; in between brightness still counts, compressed
 * ({@code |x| -> |x|^(1 - exponent)}). All three are priors about images; feature vectors
 * (standardized table rows, whose distance from the others is the point) are compared as they are.
 * The same steps run here (codebook, reference) and as graph nodes.
 *
 * <p>Pixels are in [0, 1], as every image spec the trainer writes has them ({@link
 * InputSpec#isUnitRangeImage()}): a power of a negative value is not a number.
 */
record Representation(double pixelExponent, GaussianBlur blur, double lengthExponent) {

    /** Added to every length, so an all-zero image stays all zero instead of dividing by zero. */
    static final float LENGTH_FLOOR = 1e-6f;

    /** Compared as they are: no power, no blur, no scaling. */
    static final Representation AS_IS = new Representation(1, GaussianBlur.NONE, 0);

    Representation {
        if (!(pixelExponent > 0 && pixelExponent <= 1)) {
            throw new IllegalArgumentException("the pixel exponent must be in (0, 1], was " + pixelExponent);
        }
        if (lengthExponent < 0 || lengthExponent > 1) {
            throw new IllegalArgumentException("the length exponent must be in [0, 1], was " + lengthExponent);
        }
    }

    /** Images as asked; feature vectors as they are. */
    static Representation of(InputSpec spec, double pixelExponent, GaussianBlur blur, double lengthExponent) {
        if (spec.isFeatures()) {
            return AS_IS;
        }
        if (pixelExponent != 1 && !spec.isUnitRangeImage()) {
            throw new IllegalArgumentException("a pixel exponent needs images in [0, 1] without normalization; "
                    + "this input is scaled to " + spec.valueRange() + " with mean " + spec.mean() + " and std "
                    + spec.std());
        }
        return new Representation(pixelExponent, blur, lengthExponent);
    }

    /** {@code count} samples back to back, as {@code spec} lays them out, into their representations (new array). */
    float[] apply(float[] samples, int count, InputSpec spec) {
        float[] powered = samples;
        if (pixelExponent != 1) {
            powered = new float[count * spec.sampleSize()];
            for (int i = 0; i < powered.length; i++) {
                powered[i] = (float) Math.pow(samples[i], pixelExponent);
            }
        }
        float[] out = blur.apply(powered, count * spec.channels(), spec.height(), spec.width());
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
        String powered = pixelExponent == 1 ? samples : g.node("Pow", samples, g.scalar((float) pixelExponent));
        String flat = g.node("Flatten", List.of(blur.apply(g, powered, spec.channels())), List.of(integer("axis", 1)),
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
        List<String> steps = new ArrayList<>();
        if (pixelExponent != 1) {
            steps.add("pixels raised to the power " + pixelExponent);
        }
        if (!blur.isNone()) {
            steps.add("blurred by a Gaussian of sigma " + blur.sigma() + " pixels");
        }
        if (lengthExponent != 0) {
            steps.add(lengthExponent == 1 ? "scaled to unit length"
                    : "divided by their length to the power " + lengthExponent);
        }
        return String.join(", then ", steps);
    }
}
