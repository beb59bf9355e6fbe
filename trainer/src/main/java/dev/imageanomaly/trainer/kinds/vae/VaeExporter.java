package dev.imageanomaly.trainer.kinds.vae;

import static dev.imageanomaly.scoring.bundle.GraphNames.LATENT;
import static dev.imageanomaly.scoring.bundle.GraphNames.RECONSTRUCTION;
import static dev.imageanomaly.scoring.bundle.GraphNames.SCORE;
import static dev.imageanomaly.trainer.export.OnnxGraph.integer;
import static dev.imageanomaly.trainer.export.OnnxGraph.ints;

import dev.imageanomaly.scoring.bundle.GraphNames;
import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.trainer.export.ExportedModel;
import dev.imageanomaly.trainer.export.LayerExporter;
import dev.imageanomaly.trainer.export.OnnxGraph;
import dev.imageanomaly.trainer.model.Architecture;
import java.util.List;

/**
 * Exports a trained VAE as one graph whose score is the reconstruction probability of An and Cho
 * (2015): the negative log-likelihood of x under the decoder's Gaussian, averaged over pixels and
 * over L latent samples {@code z_l = mu + sigma * eps_l}. The L noise vectors are constants of the
 * graph, so the score of an image is the same on every call. One decoder pass handles the L samples
 * and the mean code together (batched as {@code N * (L + 1)} codes).
 *
 * <p>Outputs: {@code score [N]}, {@code reconstruction [N, C, H, W]} (the decoder's mean at the
 * mean code), {@code latent [N, L]} (the mean code), {@code reconstruction_error [N]} (mean squared
 * error of that reconstruction) and {@code kl [N]} (the KL term of the code).
 */
public final class VaeExporter {

    public static final String RECONSTRUCTION_ERROR = "reconstruction_error";
    public static final String KL = "kl";
    public static final List<String> OUTPUTS = List.of(SCORE, RECONSTRUCTION, LATENT, RECONSTRUCTION_ERROR, KL);
    public static final String SCORE_DEFINITION = "reconstruction probability: negative Gaussian log-likelihood "
            + "per pixel, averaged over fixed latent samples";

    private VaeExporter() {}

    /** @param noise the L fixed standard-normal vectors, {@code [L * latent]} row-major */
    public static ExportedModel export(String name, Architecture arch, VaeBlock trained, InputSpec in, float[] noise) {
        int latent = arch.latentSize();
        int samples = noise.length / latent;
        long c = in.channels();
        long h = in.height();
        long w = in.width();

        OnnxGraph g = new OnnxGraph(name);
        String x = g.input(GraphNames.INPUT, c, h, w);
        String code = LayerExporter.export(g, arch.encoder(), trained.encoder(), x);
        String mu = g.node("Identity", List.of(g.slice(code, 1, 0, latent)), List.of(), LATENT);
        String logvar = g.clip(g.slice(code, 1, latent, 2L * latent), VaeBlock.CODE_LOGVAR_MIN,
                VaeBlock.CODE_LOGVAR_MAX);

        String sigma = g.node("Exp", g.node("Mul", logvar, g.scalar(0.5f)));
        String eps = g.floats("eps", noise, 1, samples, latent);
        String muRow = g.unsqueeze(mu, 1);
        String sampled = g.node("Add", muRow, g.node("Mul", g.unsqueeze(sigma, 1), eps));
        String codes = g.node("Concat", List.of(muRow, sampled), List.of(integer("axis", 1)), null);
        String flatCodes = g.node("Reshape", codes, g.longs("shape", -1, latent));
        String decoded = LayerExporter.export(g, arch.decoder(), trained.decoder(), flatCodes);
        String mean = g.slice(decoded, 1, 0, c);
        if (trained.sigmoidMean()) {
            mean = g.node("Sigmoid", mean);
        }
        String pixelLogvar = g.clip(g.slice(decoded, 1, c, 2 * c), VaeBlock.PIXEL_LOGVAR_MIN,
                VaeBlock.PIXEL_LOGVAR_MAX);
        String perSample = g.longs("shape", -1, samples + 1, c, h, w);
        String means = g.node("Reshape", mean, perSample);
        String logvars = g.node("Reshape", pixelLogvar, perSample);

        String recon = g.node("Squeeze", g.slice(means, 1, 0, 1), g.longs("axes", 1));
        g.node("Identity", List.of(recon), List.of(), RECONSTRUCTION);
        String xRow = g.unsqueeze(x, 1);
        String d = g.node("Sub", xRow, g.slice(means, 1, 1, samples + 1));
        String lv = g.slice(logvars, 1, 1, samples + 1);
        String nll = g.node("Mul", g.scalar(0.5f), g.node("Add", g.node("Add", g.node("Div", g.node("Mul", d, d),
                g.node("Exp", lv)), lv), g.scalar((float) VaeLoss.LOG_2PI)));
        g.node("ReduceMean", List.of(nll), List.of(ints("axes", 1, 2, 3, 4), integer("keepdims", 0)), SCORE);

        String err = g.node("Sub", x, RECONSTRUCTION);
        g.node("ReduceMean", List.of(g.node("Mul", err, err)), List.of(ints("axes", 1, 2, 3), integer("keepdims", 0)),
                RECONSTRUCTION_ERROR);
        String klTerms = g.node("Sub", g.node("Sub", g.node("Add", logvar, g.scalar(1f)), g.node("Mul", mu, mu)),
                g.node("Exp", logvar));
        String klSum = g.node("ReduceSum", List.of(klTerms, g.longs("axes", 1)), List.of(integer("keepdims", 0)), null);
        g.node("Mul", List.of(klSum, g.scalar(-0.5f)), List.of(), KL);

        g.output(SCORE);
        g.output(RECONSTRUCTION, c, h, w);
        g.output(LATENT, latent);
        g.output(RECONSTRUCTION_ERROR);
        g.output(KL);
        return new ExportedModel(g.toBytes(OnnxGraph.PRODUCER), OUTPUTS, SCORE, SCORE_DEFINITION,
                generator(name, arch, trained, in));
    }

    /** The decoder's mean from a code: samples from the prior become images. */
    private static byte[] generator(String name, Architecture arch, VaeBlock trained, InputSpec in) {
        OnnxGraph g = new OnnxGraph(name + "-generator");
        String z = g.input(GraphNames.GENERATOR_INPUT, arch.latentSize());
        String decoded = LayerExporter.export(g, arch.decoder(), trained.decoder(), z);
        String mean = g.slice(decoded, 1, 0, in.channels());
        g.node(trained.sigmoidMean() ? "Sigmoid" : "Identity", List.of(mean), List.of(), GraphNames.GENERATOR_OUTPUT);
        g.output(GraphNames.GENERATOR_OUTPUT, in.channels(), in.height(), in.width());
        return g.toBytes(OnnxGraph.PRODUCER);
    }
}
