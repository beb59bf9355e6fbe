package dev.imageanomaly.scoring.bundle;

/**
 * The names a bundle's graphs use, part of the bundle contract: every exporter writes them, and the
 * scorer, the reports and the generator read them. A kind may add outputs of its own (a VAE's
 * {@code kl}, a RandNet's {@code member_scores}); these are the ones shared by every kind that has them.
 */
public final class GraphNames {

    /** The scoring graph's one input, a float batch {@code [N, C, H, W]}. */
    public static final String INPUT = "input";
    /** The per-sample anomaly score {@code [N]} every kind outputs; higher is more anomalous. */
    public static final String SCORE = "score";
    /** The input as the model reproduces it, {@code [N, C, H, W]}, for kinds that reconstruct. */
    public static final String RECONSTRUCTION = "reconstruction";
    /** The latent code {@code [N, L]}, for kinds that have one. */
    public static final String LATENT = "latent";

    /** A generative kind's second graph, beside {@code model.onnx}. */
    public static final String GENERATOR_FILE = "generator.onnx";
    /** The generator's input, codes {@code [N, L]} from the prior N(0, I). */
    public static final String GENERATOR_INPUT = "latent";
    /** The generator's output, images {@code [N, C, H, W]} in the scoring graph's input space. */
    public static final String GENERATOR_OUTPUT = "image";

    private GraphNames() {}
}
