package dev.imageanomaly.trainer.kinds.vae;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.imageanomaly.scoring.bundle.GraphNames;
import dev.imageanomaly.scoring.engine.EngineOptions;
import dev.imageanomaly.scoring.engine.OnnxScoringEngine;
import dev.imageanomaly.trainer.ShippedData;
import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.export.ExportedModel;
import dev.imageanomaly.trainer.kinds.ModelKinds;
import dev.imageanomaly.trainer.kinds.vae.VaeKinds;
import dev.imageanomaly.trainer.train.TrainedModel;
import dev.imageanomaly.trainer.train.TrainingConfig;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The VAE's reconstruction-probability score is a function of the image alone: no fresh noise per call. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VaeScoreTest {

    private static final long[] SAMPLE = {1, 28, 28};
    private TrainedModel vae;
    private ExportedModel exported;
    private SampleSet digits;

    @BeforeAll
    void trainAVaeForTwoEpochsOnRealDigits() {
        SampleSet mnist = ShippedData.mnist10k();
        vae = ModelKinds.fit(mnist.first(1000), mnist.where(i -> i >= 1000 && i < 1200),
                TrainingConfig.defaults(VaeKinds.VAE).withEpochs(2), null, null);
        exported = vae.export("vae-determinism");
        digits = mnist.where(i -> i >= 9000 && i < 9032);
    }

    @AfterAll
    void close() {
        vae.close();
    }

    @Test
    void theSameImagesScoreIdenticallyInTwoSeparateSessions() {
        float[] first = score(digits.data(), digits.count());
        float[] second = score(digits.data(), digits.count());

        assertThat(second).containsExactly(first);
        assertThat(new java.util.HashSet<>(Arrays.asList(box(first)))).as("scores differ between images").hasSizeGreaterThan(1);
    }

    @Test
    void anImageScoresTheSameAloneAsInABatch() {
        float[] batch = score(digits.data(), digits.count());
        int n = digits.spec().sampleSize();
        for (int i = 0; i < 4; i++) {
            float alone = score(Arrays.copyOfRange(digits.data(), i * n, (i + 1) * n), 1)[0];
            assertThat(alone).as("image %d", i).isCloseTo(batch[i], within(1e-5f));
        }
    }

    @Test
    void theScoreIsTheReconstructionProbabilityAndTheOtherTermsAreOutputsToo() {
        assertThat(exported.scoreOutput()).isEqualTo(GraphNames.SCORE);
        assertThat(exported.outputs()).contains(VaeExporter.RECONSTRUCTION_ERROR, VaeExporter.KL, GraphNames.LATENT);
        assertThat(exported.generator()).as("a VAE can generate").isNotNull();
    }

    private float[] score(float[] images, int count) {
        try (OnnxScoringEngine ort = OnnxScoringEngine.open(exported.model(), SAMPLE, EngineOptions.cpu())) {
            return ort.run(images, count, List.of(GraphNames.SCORE)).get(GraphNames.SCORE);
        }
    }

    private static Float[] box(float[] values) {
        Float[] boxed = new Float[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = values[i];
        }
        return boxed;
    }
}
