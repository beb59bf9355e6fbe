package dev.imageanomaly.scoring;

import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.scoring.bundle.Manifest;
import dev.imageanomaly.scoring.bundle.ModelBundle;
import dev.imageanomaly.scoring.bundle.ScoreStats;
import dev.imageanomaly.scoring.bundle.Threshold;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * A real model bundle around {@link TinyOnnxModel} for tests of code that scores: the score of an
 * image is the mean of its squared pixel values scaled to [0, 1], so a black image scores 0 and a
 * white one 1, and a test can choose which side of the threshold an image falls on by its brightness.
 */
public final class TinyBundle {

    private TinyBundle() {}

    public static ModelBundle write(Path root, String name, String version, InputSpec input, double threshold) {
        Manifest manifest = new Manifest(Manifest.FORMAT_VERSION, name, version, "tiny-mean-square",
                Instant.parse("2026-01-01T00:00:00Z"), input, TinyOnnxModel.OUTPUTS, TinyOnnxModel.SCORE,
                "mean of squared pixels in [0, 1]", new Threshold(threshold, "target-fpr", 0.01, 100),
                new ScoreStats(100, 0.1, 0.05, 0.0, 0.1, 0.2, 0.24, 0.3), Map.of(), Map.of(), null);
        try {
            return ModelBundle.write(root, manifest,
                    TinyOnnxModel.meanSquare(input.channels(), input.height(), input.width()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
