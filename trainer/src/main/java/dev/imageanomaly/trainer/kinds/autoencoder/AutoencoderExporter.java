package dev.imageanomaly.trainer.kinds.autoencoder;

import static dev.imageanomaly.scoring.bundle.GraphNames.INPUT;
import static dev.imageanomaly.scoring.bundle.GraphNames.LATENT;
import static dev.imageanomaly.scoring.bundle.GraphNames.RECONSTRUCTION;
import static dev.imageanomaly.scoring.bundle.GraphNames.SCORE;
import static dev.imageanomaly.trainer.export.OnnxGraph.integer;
import static dev.imageanomaly.trainer.export.OnnxGraph.ints;

import ai.djl.nn.SequentialBlock;
import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.trainer.export.ExportedModel;
import dev.imageanomaly.trainer.export.LayerExporter;
import dev.imageanomaly.trainer.export.OnnxGraph;
import dev.imageanomaly.trainer.model.Architecture;
import java.util.List;

/**
 * Exports a trained autoencoder as one ONNX graph that computes the score itself: input
 * {@code [N, C, H, W]}, outputs {@code score [N]} (mean squared reconstruction error per sample),
 * {@code reconstruction [N, C, H, W]} and {@code latent [N, L]}. One ONNX Runtime call does all
 * the work, on the GPU when there is one.
 */
public final class AutoencoderExporter {

    public static final List<String> OUTPUTS = List.of(SCORE, RECONSTRUCTION, LATENT);
    public static final String SCORE_DEFINITION = "mean squared reconstruction error over all pixels";

    private AutoencoderExporter() {}

    /** @param trained the block built by {@code DjlBlocks.autoencoder(arch)}, after training */
    public static ExportedModel export(String name, Architecture arch, SequentialBlock trained, InputSpec in) {
        OnnxGraph g = new OnnxGraph(name);
        String x = g.input(INPUT, in.channels(), in.height(), in.width());
        SequentialBlock encoder = (SequentialBlock) trained.getChildren().get(0).getValue();
        SequentialBlock decoder = (SequentialBlock) trained.getChildren().get(1).getValue();
        String z = LayerExporter.export(g, arch.encoder(), encoder, x);
        g.node("Identity", List.of(z), List.of(), LATENT);
        String recon = LayerExporter.export(g, arch.decoder(), decoder, LATENT);
        g.node("Identity", List.of(recon), List.of(), RECONSTRUCTION);
        String diff = g.node("Sub", x, RECONSTRUCTION);
        String squared = g.node("Mul", diff, diff);
        g.node("ReduceMean", List.of(squared), List.of(ints("axes", 1, 2, 3), integer("keepdims", 0)), SCORE);
        g.output(SCORE);
        g.output(RECONSTRUCTION, in.channels(), in.height(), in.width());
        g.output(LATENT, arch.latentSize());
        return new ExportedModel(g.toBytes(OnnxGraph.PRODUCER), OUTPUTS, SCORE, SCORE_DEFINITION, null);
    }
}
