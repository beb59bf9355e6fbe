package dev.imageanomaly.trainer.export;

import java.util.List;

/**
 * What an exporter hands to the bundle writer.
 *
 * @param model the scoring graph: input {@code [N, C, H, W]}, one output per name in {@code outputs}
 * @param scoreOutput the output that holds the anomaly score (higher is more anomalous)
 * @param generator for generative kinds, a graph from {@code latent [N, L]} (prior N(0, I)) to
 *     {@code image [N, C, H, W]}; null for the others
 */
public record ExportedModel(byte[] model, List<String> outputs, String scoreOutput, String scoreDefinition,
        byte[] generator) {

    public ExportedModel {
        outputs = List.copyOf(outputs);
        if (!outputs.contains(scoreOutput)) {
            throw new IllegalArgumentException("score output " + scoreOutput + " is not among " + outputs);
        }
    }
}
