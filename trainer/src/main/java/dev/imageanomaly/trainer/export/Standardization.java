package dev.imageanomaly.trainer.export;

/**
 * How one member's score enters an ensemble's combination: {@code (score - mean) / std}, with the
 * mean and standard deviation of that member's scores on reference images, so that members whose
 * scores live on different scales count alike. The same rule runs here (reference scores) and as
 * graph nodes ({@link #apply(OnnxGraph, String)}).
 */
public record Standardization(double mean, double std) {

    /** A floor under the spread, for a member that scores every reference image alike. */
    private static final double MIN_STD = 1e-12;

    public static Standardization of(float[] scores) {
        double sum = 0;
        for (float s : scores) {
            sum += s;
        }
        double mean = sum / scores.length;
        double sq = 0;
        for (float s : scores) {
            sq += (s - mean) * (s - mean);
        }
        return new Standardization(mean, Math.max(Math.sqrt(sq / scores.length), MIN_STD));
    }

    public double apply(double score) {
        return (score - mean) / std;
    }

    /** The same as nodes of {@code g}; returns the standardized tensor's name. */
    public String apply(OnnxGraph g, String score) {
        return g.node("Div", g.node("Sub", score, g.scalar((float) mean)), g.scalar((float) std));
    }
}
