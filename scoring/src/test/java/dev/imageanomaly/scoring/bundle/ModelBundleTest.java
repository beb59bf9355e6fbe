package dev.imageanomaly.scoring.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imageanomaly.scoring.TinyOnnxModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bundle on disk is either exactly what was written, or refused with a message naming what is wrong. */
class ModelBundleTest {

    @TempDir
    Path root;

    private byte[] onnx;

    @BeforeEach
    void tinyModel() {
        onnx = TinyOnnxModel.meanSquare(1, 2, 2);
    }

    static Manifest manifest() {
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("dataFingerprint", "sha256:abc");
        training.put("samples", 600);
        training.put("learningRate", 0.001);
        return new Manifest(Manifest.FORMAT_VERSION, "tiny", "v1", "ae", Instant.parse("2024-05-01T12:34:56.789Z"),
                InputSpec.image(1, 2, 2), TinyOnnxModel.OUTPUTS, TinyOnnxModel.SCORE, "mean of squared pixels",
                new Threshold(0.25, "target-fpr", 0.01, 100),
                new ScoreStats(100, 0.1, 0.05, 0.0, 0.1, 0.2, 0.24, 0.3, null), training, Map.of("auroc", 0.99), null);
    }

    @Test
    void aWrittenBundleLoadsBackEqual() throws IOException {
        ModelBundle written = ModelBundle.write(root, manifest(), onnx);

        assertThat(written.directory()).isEqualTo(root.resolve("tiny").resolve("v1"));
        assertThat(written.directory().resolve(ModelBundle.MODEL_FILE)).exists();
        assertThat(written.directory().resolve(ModelBundle.MANIFEST_FILE)).exists();
        assertThat(written.manifest().onnxSha256()).isEqualTo(ModelBundle.sha256(onnx)).hasSize(64);

        ModelBundle loaded = ModelBundle.load(written.directory());
        assertThat(loaded.manifest()).isEqualTo(written.manifest());
        assertThat(loaded.onnxModel()).isEqualTo(onnx);
        assertThat(loaded.directory()).isEqualTo(written.directory());
    }

    @Test
    void withManifestKeepsTheModelAndItsHash() throws IOException {
        ModelBundle written = ModelBundle.write(root, manifest(), onnx);
        written.withManifest(written.manifest().withMetrics(Map.of("auroc", 0.5)));

        ModelBundle loaded = ModelBundle.load(written.directory());
        assertThat(loaded.manifest().metrics()).containsEntry("auroc", 0.5);
        assertThat(loaded.manifest().onnxSha256()).isEqualTo(written.manifest().onnxSha256());
    }

    @Test
    void aModelFileChangedByOneByteIsRefusedNamingTheHashField() throws IOException {
        ModelBundle written = ModelBundle.write(root, manifest(), onnx);
        Path model = written.directory().resolve(ModelBundle.MODEL_FILE);
        byte[] tampered = Files.readAllBytes(model);
        tampered[tampered.length / 2] ^= 1;
        Files.write(model, tampered);

        assertThatThrownBy(() -> ModelBundle.load(written.directory()))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("onnxSha256")
                .hasMessageContaining(ModelBundle.sha256(tampered));
    }

    @Test
    void aTruncatedModelFileIsRefused() throws IOException {
        ModelBundle written = ModelBundle.write(root, manifest(), onnx);
        Path model = written.directory().resolve(ModelBundle.MODEL_FILE);
        Files.write(model, java.util.Arrays.copyOf(onnx, onnx.length - 1));

        assertThatThrownBy(() -> ModelBundle.load(written.directory()))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("onnxSha256")
                .hasMessageContaining("copied incompletely");
    }

    @Test
    void aMissingModelFileIsRefusedClearly() throws IOException {
        ModelBundle written = ModelBundle.write(root, manifest(), onnx);
        Files.delete(written.directory().resolve(ModelBundle.MODEL_FILE));

        assertThatThrownBy(() -> ModelBundle.load(written.directory()))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("has no model.onnx");
    }

    @Test
    void aMissingManifestIsRefusedClearly() throws IOException {
        ModelBundle written = ModelBundle.write(root, manifest(), onnx);
        Files.delete(written.directory().resolve(ModelBundle.MANIFEST_FILE));

        assertThatThrownBy(() -> ModelBundle.load(written.directory()))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("has no manifest.json");
    }

    @Test
    void aManifestMissingAFieldIsRefusedNamingIt() throws IOException {
        Path dir = writeThenEdit(json -> json.remove("scoreOutput"));

        assertThatThrownBy(() -> ModelBundle.load(dir))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("'scoreOutput'");
    }

    @Test
    void aBundleMadeBeforeScoreQuantilesWereRecordedStillLoadsWithoutThem() throws IOException {
        Path dir = writeThenEdit(json -> ((ObjectNode) json.get("scoreStats")).remove("quantiles"));

        ScoreStats stats = ModelBundle.load(dir).manifest().scoreStats();

        assertThat(stats.quantiles()).isNull();
        assertThat(stats.hasQuantiles()).isFalse();
        assertThat(stats.p99()).isEqualTo(0.24);
    }

    @Test
    void scoreQuantilesOfHeldOutScoresRoundTripThroughTheManifest() throws IOException {
        float[] scores = new float[1000];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = i / 1000f;
        }
        ScoreStats stats = ScoreStats.of(scores);
        Manifest m = manifest();
        Manifest withStats = new Manifest(m.formatVersion(), m.name(), m.version(), m.kind(), m.createdAt(), m.input(),
                m.outputs(), m.scoreOutput(), m.scoreDefinition(), m.threshold(), stats, m.training(), m.metrics(), null);

        ScoreStats loaded = ModelBundle.load(ModelBundle.write(root, withStats, onnx).directory()).manifest().scoreStats();

        assertThat(loaded.hasQuantiles()).isTrue();
        assertThat(loaded.quantiles()).hasSize(ScoreStats.QUANTILE_COUNT).isSorted();
        assertThat(loaded.quantiles().get(100)).isCloseTo(0.4995, org.assertj.core.api.Assertions.within(1e-6));
    }

    @Test
    void aManifestMissingANestedFieldIsRefusedNamingIt() throws IOException {
        Path dir = writeThenEdit(json -> ((ObjectNode) json.get("threshold")).remove("value"));

        assertThatThrownBy(() -> ModelBundle.load(dir))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("threshold.value");
    }

    @Test
    void aManifestFieldOfTheWrongTypeIsRefusedNamingIt() throws IOException {
        Path dir = writeThenEdit(json -> ((ObjectNode) json.get("input")).put("channels", "grey"));

        assertThatThrownBy(() -> ModelBundle.load(dir))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("'input.channels'");
    }

    @Test
    void aManifestWithAnObjectWhereAListBelongsIsRefusedNamingIt() throws IOException {
        Path dir = writeThenEdit(json -> json.putObject("outputs").put("score", true));

        assertThatThrownBy(() -> ModelBundle.load(dir))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("'outputs'");
    }

    @Test
    void aManifestThatIsNotJsonIsRefused() throws IOException {
        ModelBundle written = ModelBundle.write(root, manifest(), onnx);
        Path file = written.directory().resolve(ModelBundle.MANIFEST_FILE);
        String text = Files.readString(file);
        Files.writeString(file, text.substring(0, text.length() / 2));

        assertThatThrownBy(() -> ModelBundle.load(written.directory()))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("not valid JSON")
                .hasMessageContaining(file.toString());
    }

    @Test
    void aThresholdRateOutsideZeroToOneIsRefusedNamingIt() throws IOException {
        Path dir = writeThenEdit(json -> ((ObjectNode) json.get("threshold")).put("rate", 1.5));

        assertThatThrownBy(() -> ModelBundle.load(dir))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("'threshold.rate'")
                .hasMessageContaining("1.5");
    }

    @Test
    void aScoreOutputTheGraphDoesNotListIsRefused() throws IOException {
        Path dir = writeThenEdit(json -> json.put("scoreOutput", "probability"));

        assertThatThrownBy(() -> ModelBundle.load(dir))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("'scoreOutput'");
    }

    @Test
    void aManifestWithFieldsFromANewerTrainerStillLoads() throws IOException {
        ModelBundle written = ModelBundle.write(root, manifest(), onnx);
        Path file = written.directory().resolve(ModelBundle.MANIFEST_FILE);
        Files.writeString(file, Files.readString(file).replaceFirst("\\{", "{\"addedLater\": {\"x\": 1},"));

        assertThat(ModelBundle.load(written.directory()).manifest()).isEqualTo(written.manifest());
    }

    @Test
    void anUnknownFormatVersionIsRefused() throws IOException {
        Path dir = writeThenEdit(json -> json.put("formatVersion", 99));

        assertThatThrownBy(() -> ModelBundle.load(dir))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("'formatVersion'")
                .hasMessageContaining("99");
    }

    @Test
    void aHashThatIsNotHexIsRefusedNamingIt() throws IOException {
        Path dir = writeThenEdit(json -> json.put("onnxSha256", "not-a-hash"));

        assertThatThrownBy(() -> ModelBundle.load(dir))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("'onnxSha256'");
    }

    @Test
    void writingAnInvalidManifestFailsBeforeAnythingIsWritten() {
        Manifest m = manifest();
        Manifest badRate = new Manifest(m.formatVersion(), m.name(), m.version(), m.kind(), m.createdAt(), m.input(),
                m.outputs(), m.scoreOutput(), m.scoreDefinition(), new Threshold(0.25, "target-fpr", 0, 10),
                m.scoreStats(), m.training(), m.metrics(), null);

        assertThatThrownBy(() -> ModelBundle.write(root, badRate, onnx))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("'threshold.rate'");
        assertThat(root.resolve("tiny")).doesNotExist();
    }

    @Test
    void inputSpecChannelsMustBeOneOrThree() {
        InputSpec two = new InputSpec(InputSpec.NCHW, 2, 28, 28, List.of(0.0, 1.0), List.of(0.0, 0.0),
                List.of(1.0, 1.0));
        assertThatThrownBy(two::validate).isInstanceOf(ManifestException.class).hasMessageContaining("input.channels");
    }

    private Path writeThenEdit(Consumer<ObjectNode> edit) throws IOException {
        ModelBundle written = ModelBundle.write(root, manifest(), onnx);
        Path file = written.directory().resolve(ModelBundle.MANIFEST_FILE);
        ObjectNode json = (ObjectNode) ModelBundle.json().readTree(Files.readString(file));
        edit.accept(json);
        Files.writeString(file, ModelBundle.json().writeValueAsString(json));
        return written.directory();
    }
}
