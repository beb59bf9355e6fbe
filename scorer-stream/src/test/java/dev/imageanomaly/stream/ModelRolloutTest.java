package dev.imageanomaly.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imageanomaly.scoring.TinyBundle;
import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.scoring.bundle.ModelBundle;
import dev.imageanomaly.scoring.bundle.ModelFolder;
import dev.imageanomaly.scoring.bundle.ModelFolder.RolloutPlan;
import dev.imageanomaly.scoring.bundle.ScoreStats;
import dev.imageanomaly.scoring.engine.EngineOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Following a model folder while running: the newest version (or the pinned one) is taken after
 * its checks, a version that fails one is refused once and the serving one goes on, and the plan
 * pins, rolls back and sets a shadow. Polls are called by hand.
 */
class ModelRolloutTest {

    private static final InputSpec INPUT = InputSpec.image(1, 28, 28);

    @TempDir
    Path root;
    private final ScorerMetrics metrics = new ScorerMetrics();
    private ModelRollout rollout;

    @AfterEach
    void close() {
        if (rollout != null) {
            rollout.close();
        }
    }

    private Path version(String version, int minute) {
        return version(version, minute, INPUT);
    }

    private Path version(String version, int minute, InputSpec input) {
        return TinyBundle.write(root, "digits", version, input, 0.25, ScoreStats.of(new float[] {0.1f, 0.2f}),
                Instant.parse("2026-01-01T00:00:00Z").plusSeconds(60L * minute)).directory();
    }

    private ModelRollout follow() {
        rollout = ModelRollout.start(root.resolve("digits"), null, EngineOptions.cpu(), Duration.ofHours(1), metrics);
        return rollout;
    }

    private String live() {
        return rollout.serving().live().manifest().version();
    }

    private double refusals(String reason) {
        return metrics.modelRefusals.labelValues(reason).get();
    }

    @Test
    void aVersionFolderPinsTheScorerToIt() {
        Path v1 = version("v1", 0);
        version("v2", 1);

        rollout = ModelRollout.start(v1, null, EngineOptions.cpu(), Duration.ofHours(1), metrics);
        rollout.poll();

        assertThat(rollout.following()).isFalse();
        assertThat(live()).isEqualTo("v1");
    }

    @Test
    void aModelFolderServesItsNewestVersionAndTakesANewerOneWhenItAppears() {
        version("v1", 0);
        follow();
        assertThat(live()).isEqualTo("v1");

        version("v2", 1);
        rollout.poll();

        assertThat(live()).isEqualTo("v2");
        assertThat(metrics.modelRollouts.get()).isEqualTo(1);
    }

    @Test
    void aVersionWhoseModelFileWasTamperedWithIsRefusedOnceAndTheServingOneGoesOn() throws IOException {
        version("v1", 0);
        follow();
        Path v2 = version("v2", 1);
        byte[] model = Files.readAllBytes(v2.resolve(ModelBundle.MODEL_FILE));
        model[model.length / 2] ^= 1;
        Files.write(v2.resolve(ModelBundle.MODEL_FILE), model);

        rollout.poll();
        rollout.poll();

        assertThat(live()).isEqualTo("v1");
        assertThat(refusals("hash")).as("refused once, not at every poll").isEqualTo(1);
        assertThat(rollout.describeJson()).contains("v2: SHA-256 of");
    }

    @Test
    void aVersionForAnotherInputSizeIsRefused() {
        version("v1", 0);
        follow();
        version("v2", 1, InputSpec.image(1, 32, 32));

        rollout.poll();

        assertThat(live()).isEqualTo("v1");
        assertThat(refusals("input")).isEqualTo(1);
    }

    @Test
    void aRefusedVersionIsTriedAgainOnceItsFilesAreFixed() throws IOException {
        version("v1", 0);
        follow();
        Path v2 = version("v2", 1);
        byte[] good = Files.readAllBytes(v2.resolve(ModelBundle.MODEL_FILE));
        Files.write(v2.resolve(ModelBundle.MODEL_FILE), new byte[] {1, 2, 3});
        rollout.poll();
        assertThat(live()).isEqualTo("v1");

        Files.write(v2.resolve(ModelBundle.MODEL_FILE), good);
        rollout.poll();

        assertThat(live()).isEqualTo("v2");
    }

    @Test
    void pinningThePreviousVersionRollsBackAndFollowingAgainTakesTheNewest() {
        version("v1", 0);
        version("v2", 1);
        follow();
        ModelFolder folder = new ModelFolder(root.resolve("digits"));

        folder.writePlan(new RolloutPlan("v1", null));
        rollout.poll();
        assertThat(live()).isEqualTo("v1");

        folder.writePlan(RolloutPlan.FOLLOW_NEWEST);
        rollout.poll();
        assertThat(live()).isEqualTo("v2");
    }

    @Test
    void thePlanSetsAndClearsTheShadow() {
        version("v1", 0);
        version("v2", 1);
        ModelFolder folder = new ModelFolder(root.resolve("digits"));
        folder.writePlan(new RolloutPlan("v1", "v2"));
        follow();

        assertThat(live()).isEqualTo("v1");
        assertThat(rollout.serving().shadow().manifest().version()).isEqualTo("v2");

        folder.writePlan(new RolloutPlan("v1", null));
        rollout.poll();
        assertThat(rollout.serving().shadow()).isNull();
    }

    @Test
    void aPinToAVersionThatDoesNotExistIsRefusedAndTheServingOneGoesOn() {
        version("v1", 0);
        follow();

        new ModelFolder(root.resolve("digits")).writePlan(new RolloutPlan("v9", null));
        rollout.poll();

        assertThat(live()).isEqualTo("v1");
        assertThat(refusals("missing")).isEqualTo(1);
    }

    @Test
    void aFolderWithNothingServableFailsTheStartNamingWhy() throws IOException {
        Path v1 = version("v1", 0);
        Files.write(v1.resolve(ModelBundle.MODEL_FILE), new byte[] {0});

        assertThatThrownBy(this::follow)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no version the scorer can serve")
                .hasMessageContaining("v1: SHA-256");
    }
}
