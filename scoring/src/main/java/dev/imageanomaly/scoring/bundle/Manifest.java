package dev.imageanomaly.scoring.bundle;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The {@code manifest.json} of a model bundle: what the model is, what it expects, how its score
 * is defined and thresholded, and where it came from.
 *
 * @param scoreOutput the graph output holding the per-sample score {@code [N]}
 * @param scoreDefinition a human-readable definition of the score (higher is more anomalous)
 * @param training data fingerprint, sizes, seed and hyperparameters
 * @param metrics evaluation and training metrics known at export time
 * @param onnxSha256 SHA-256 of {@code model.onnx}; the scorer refuses a bundle whose file differs
 */
public record Manifest(
        int formatVersion,
        String name,
        String version,
        String kind,
        Instant createdAt,
        InputSpec input,
        List<String> outputs,
        String scoreOutput,
        String scoreDefinition,
        Threshold threshold,
        ScoreStats scoreStats,
        Map<String, Object> training,
        Map<String, Object> metrics,
        String onnxSha256) {

    public static final int FORMAT_VERSION = 1;

    /** Checks every field the scorer relies on, naming the first one that is wrong. */
    public void validate() {
        ManifestException.require(formatVersion == FORMAT_VERSION, "formatVersion",
                "must be " + FORMAT_VERSION + ", was " + formatVersion);
        ManifestException.require(name != null && !name.isBlank(), "name", "is missing");
        ManifestException.require(version != null && !version.isBlank(), "version", "is missing");
        ManifestException.require(kind != null && !kind.isBlank(), "kind", "is missing");
        ManifestException.require(input != null, "input", "is missing");
        input.validate();
        ManifestException.require(outputs != null && !outputs.isEmpty(), "outputs", "is missing");
        ManifestException.require(scoreOutput != null && outputs.contains(scoreOutput), "scoreOutput",
                "must name one of outputs " + outputs);
        ManifestException.require(threshold != null, "threshold", "is missing");
        threshold.validate();
        ManifestException.require(onnxSha256 != null && onnxSha256.matches("[0-9a-f]{64}"), "onnxSha256",
                "must be a lowercase hex SHA-256");
    }

    public Manifest withMetrics(Map<String, Object> newMetrics) {
        return new Manifest(formatVersion, name, version, kind, createdAt, input, outputs, scoreOutput,
                scoreDefinition, threshold, scoreStats, training, newMetrics, onnxSha256);
    }
}
