package dev.imageanomaly.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.scoring.bundle.Manifest;
import dev.imageanomaly.scoring.bundle.ManifestException;
import dev.imageanomaly.scoring.bundle.ModelBundle;
import dev.imageanomaly.scoring.bundle.ScoreStats;
import dev.imageanomaly.scoring.bundle.Threshold;
import dev.imageanomaly.scoring.engine.EngineOptions;
import dev.imageanomaly.scoring.engine.ExecutionProvider;
import dev.imageanomaly.scoring.image.DecodedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bundle on disk scores decoded images end to end: preprocess with its spec, run the graph, hold against its threshold. */
class ImageAnomalyDetectorTest {

    @Test
    void scoresImagesThroughTheBundleAndCallsThoseAboveTheThresholdAnomalous(@TempDir Path root) throws Exception {
        // Graph score = mean of squared inputs; input is pixels / 255 on a 2x2 grey image.
        Manifest manifest = new Manifest(Manifest.FORMAT_VERSION, "tiny", "v1", "ae", Instant.now(),
                InputSpec.image(1, 2, 2), TinyOnnxModel.OUTPUTS, TinyOnnxModel.SCORE, "mean of squares",
                new Threshold(0.25, "target-fpr", 0.01, 100), ScoreStats.of(new float[] {0.1f, 0.2f}), Map.of(),
                Map.of(), null);
        Path dir = ModelBundle.write(root, manifest, TinyOnnxModel.meanSquare(1, 2, 2)).directory();

        DecodedImage dark = new DecodedImage(2, 2, 1, new byte[] {0, 0, 0, 0});
        DecodedImage bright = new DecodedImage(2, 2, 1, new byte[] {(byte) 255, (byte) 255, (byte) 255, (byte) 255});
        // A 4x4 RGB image, mid grey: converted to grey and resized to 2x2 by the bundle's spec
        byte[] grey4x4 = new byte[4 * 4 * 3];
        java.util.Arrays.fill(grey4x4, (byte) 102);
        DecodedImage mid = new DecodedImage(4, 4, 3, grey4x4);

        try (ImageAnomalyDetector detector = ImageAnomalyDetector.load(dir,
                EngineOptions.cpu().withProvider(ExecutionProvider.AUTO))) {
            assertThat(detector.threshold()).isEqualTo(0.25);
            float[] scores = detector.decisionFunction(List.of(dark, bright, mid));
            assertThat(scores).containsExactly(new float[] {0f, 1f, (102 / 255f) * (102 / 255f)}, within(1e-5f));

            Prediction[] predictions = detector.predict(detector.preprocess(List.of(dark, bright, mid)), 3);
            assertThat(predictions).extracting(Prediction::anomalous).containsExactly(false, true, false);
            assertThat(predictions[1].threshold()).isEqualTo(0.25);

            Map<String, float[]> doubled = detector.outputs(detector.preprocess(List.of(bright)), 1,
                    List.of(TinyOnnxModel.DOUBLED));
            assertThat(doubled.get(TinyOnnxModel.DOUBLED)).containsExactly(new float[] {2f, 2f, 2f, 2f}, within(1e-6f));
        }
    }

    @Test
    void aScoreEqualToTheThresholdIsNormal() {
        assertThat(Prediction.of(0.5, 0.5).anomalous()).isFalse();
        assertThat(Prediction.of(0.5000001, 0.5).anomalous()).isTrue();
    }

    @Test
    void aTamperedBundleNeverReachesTheRuntime(@TempDir Path root) throws Exception {
        Manifest manifest = new Manifest(Manifest.FORMAT_VERSION, "tiny", "v1", "ae", Instant.now(),
                InputSpec.image(1, 2, 2), TinyOnnxModel.OUTPUTS, TinyOnnxModel.SCORE, "mean of squares",
                new Threshold(0.25, "target-fpr", 0.01, 100), null, Map.of(), Map.of(), null);
        Path dir = ModelBundle.write(root, manifest, TinyOnnxModel.meanSquare(1, 2, 2)).directory();
        Files.write(dir.resolve(ModelBundle.MODEL_FILE), TinyOnnxModel.meanSquare(1, 2, 3));

        assertThatThrownBy(() -> ImageAnomalyDetector.load(dir, EngineOptions.cpu()))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("onnxSha256");
    }
}
