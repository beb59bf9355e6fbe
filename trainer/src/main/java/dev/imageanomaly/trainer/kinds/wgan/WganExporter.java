package dev.imageanomaly.trainer.kinds.wgan;

import static dev.imageanomaly.scoring.bundle.GraphNames.LATENT;
import static dev.imageanomaly.scoring.bundle.GraphNames.RECONSTRUCTION;
import static dev.imageanomaly.scoring.bundle.GraphNames.SCORE;
import static dev.imageanomaly.trainer.export.OnnxGraph.integer;
import static dev.imageanomaly.trainer.export.OnnxGraph.ints;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import dev.imageanomaly.scoring.bundle.GraphNames;
import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.trainer.export.ExportedModel;
import dev.imageanomaly.trainer.export.LayerExporter;
import dev.imageanomaly.trainer.export.OnnxGraph;
import dev.imageanomaly.trainer.model.Architecture;
import java.util.List;

/**
 * Exports a trained f-AnoGAN (encoder, generator, critic features) as one graph whose score is
 * Schlegl et al.'s {@code A(x) = A_R(x) + kappa * A_D(x)}: the mean squared image residual
 * {@code x - G(E(x))} plus kappa times the mean squared residual of the critic's features
 * {@code f(x) - f(G(E(x)))}. The critic's features of x and of its reconstruction come from one pass
 * over both, stacked along the batch axis.
 *
 * <p>Outputs: {@code score [N]}, {@code reconstruction [N, C, H, W]}, {@code latent [N, L]} (the
 * code E(x)), {@code residual [N]} and {@code feature_residual [N]}. The generator graph maps codes
 * from N(0, I), the prior the GAN was trained on, to images.
 */
final class WganExporter {

    public static final String RESIDUAL = "residual";
    public static final String FEATURE_RESIDUAL = "feature_residual";
    public static final List<String> OUTPUTS = List.of(SCORE, RECONSTRUCTION, LATENT, RESIDUAL, FEATURE_RESIDUAL);

    /** The trained networks the graph is made of. */
    record Networks(Architecture architecture, Critic critic, SequentialBlock encoder,
            SequentialBlock generator, SequentialBlock criticFeatures) {}

    private WganExporter() {}

    static ExportedModel export(String name, Networks nets, InputSpec in, float kappa) {
        long c = in.channels();
        long h = in.height();
        long w = in.width();
        OnnxGraph g = new OnnxGraph(name);
        String x = g.input(GraphNames.INPUT, c, h, w);
        String code = LayerExporter.export(g, nets.architecture().encoder(), nets.encoder(), x);
        g.node("Identity", List.of(code), List.of(), LATENT);
        String recon = LayerExporter.export(g, nets.architecture().decoder(), nets.generator(), LATENT);
        g.node("Identity", List.of(recon), List.of(), RECONSTRUCTION);

        String diff = g.node("Sub", x, RECONSTRUCTION);
        g.node("ReduceMean", List.of(g.node("Mul", diff, diff)), List.of(ints("axes", 1, 2, 3), integer("keepdims", 0)),
                RESIDUAL);

        String both = g.node("Concat", List.of(x, RECONSTRUCTION), List.of(integer("axis", 0)), null);
        String features = LayerExporter.export(g, nets.critic().features(), nets.criticFeatures(), both);
        long featureSize = nets.criticFeatures().getOutputShapes(new Shape[] {new Shape(1, c, h, w)})[0].get(1);
        String halves = g.node("Reshape", features, g.longs("shape", 2, -1, featureSize));
        String featureDiff = g.node("Sub", g.slice(halves, 0, 0, 1), g.slice(halves, 0, 1, 2));
        g.node("ReduceMean", List.of(g.node("Mul", featureDiff, featureDiff)),
                List.of(ints("axes", 0, 2), integer("keepdims", 0)), FEATURE_RESIDUAL);

        g.node("Add", List.of(RESIDUAL, g.node("Mul", FEATURE_RESIDUAL, g.scalar(kappa))), List.of(),
                SCORE);

        g.output(SCORE);
        g.output(RECONSTRUCTION, c, h, w);
        g.output(LATENT, nets.architecture().latentSize());
        g.output(RESIDUAL);
        g.output(FEATURE_RESIDUAL);
        return new ExportedModel(g.toBytes(OnnxGraph.PRODUCER), OUTPUTS, SCORE, scoreDefinition(kappa),
                generator(name, nets, in));
    }

    private static String scoreDefinition(float kappa) {
        return "f-AnoGAN: mean squared residual x - G(E(x)) plus " + kappa
                + " times the mean squared residual of the critic's features f(x) - f(G(E(x)))";
    }

    private static byte[] generator(String name, Networks nets, InputSpec in) {
        OnnxGraph g = new OnnxGraph(name + "-generator");
        String z = g.input(GraphNames.GENERATOR_INPUT, nets.architecture().latentSize());
        String image = LayerExporter.export(g, nets.architecture().decoder(), nets.generator(), z);
        g.node("Identity", List.of(image), List.of(), GraphNames.GENERATOR_OUTPUT);
        g.output(GraphNames.GENERATOR_OUTPUT, in.channels(), in.height(), in.width());
        return g.toBytes(OnnxGraph.PRODUCER);
    }
}
