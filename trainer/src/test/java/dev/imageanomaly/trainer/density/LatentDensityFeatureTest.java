package dev.imageanomaly.trainer.density;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.imageanomaly.scoring.bundle.GraphNames;
import dev.imageanomaly.scoring.bundle.ModelBundle;
import dev.imageanomaly.scoring.engine.EngineOptions;
import dev.imageanomaly.scoring.engine.OnnxScoringEngine;
import dev.imageanomaly.trainer.ShippedData;
import dev.imageanomaly.trainer.TrainingJob;
import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.export.ExportedModel;
import dev.imageanomaly.trainer.kinds.ModelKinds;
import dev.imageanomaly.trainer.kinds.autoencoder.AutoencoderKinds;
import dev.imageanomaly.trainer.kinds.randnet.RandNetKind;
import dev.imageanomaly.trainer.train.TrainedModel;
import dev.imageanomaly.trainer.train.TrainingConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LatentDensityFeatureTest {

    @Test
    void theGraphsDensityAndCombinedScoreMatchTheMixtureComputedInJava() {
        SampleSet digits = ShippedData.mnist10k();
        SampleSet train = digits.first(1000);
        try (TrainedModel ae = ModelKinds.fit(train, digits.where(i -> i >= 1000 && i < 1200),
                TrainingConfig.defaults(AutoencoderKinds.DEEP_AE).withEpochs(2), null, null)) {
            LatentDensityFeature.Result result = LatentDensityFeature.attach(ae.export("density"), train, 3, 5);
            ExportedModel model = result.model();
            assertThat(model.scoreOutput()).isEqualTo(LatentDensityFeature.COMBINED);

            SampleSet probe = digits.where(i -> i >= 9000 && i < 9016).concat(ShippedData.fashionTest().first(16));
            Map<String, float[]> out;
            try (OnnxScoringEngine ort = OnnxScoringEngine.open(model.model(), new long[] {1, 28, 28},
                    EngineOptions.cpu())) {
                out = ort.run(probe.data(), probe.count(), List.of(GraphNames.SCORE,
                        GraphNames.LATENT, LatentDensityFeature.DENSITY, LatentDensityFeature.COMBINED));
            }
            float[] codes = out.get(GraphNames.LATENT);
            int d = codes.length / probe.count();
            for (int i = 0; i < probe.count(); i++) {
                double density = -result.mixture().logDensity(codes, i * d);
                double expected = result.combined(out.get(GraphNames.SCORE)[i], density);
                assertThat(out.get(LatentDensityFeature.DENSITY)[i]).as("density %d", i)
                        .isCloseTo((float) density, within((float) (1e-4 * Math.max(1, Math.abs(density)))));
                assertThat(out.get(LatentDensityFeature.COMBINED)[i]).as("combined %d", i)
                        .isCloseTo((float) expected, within((float) (1e-4 * Math.max(1, Math.abs(expected)))));
            }
        }
    }

    @Test
    void aBundleTrainedWithADensityFeatureIsThresholdedOnTheCombinedScoreAndSaysHow(@TempDir Path root)
            throws Exception {
        TrainingConfig config = TrainingConfig.defaults(AutoencoderKinds.DEEP_AE).withEpochs(2).withDensityComponents(4);

        ModelBundle bundle = new TrainingJob(null).run(ShippedData.mnist10k().first(800),
                new TrainingJob.Request("dense", "v1", root, config, 0.2, 0.05));

        assertThat(bundle.manifest().scoreOutput()).isEqualTo(LatentDensityFeature.COMBINED);
        assertThat(bundle.manifest().outputs()).contains(LatentDensityFeature.DENSITY, GraphNames.SCORE);
        @SuppressWarnings("unchecked")
        Map<String, Object> combination = (Map<String, Object>) bundle.manifest().training().get("scoreCombination");
        assertThat(combination).containsKeys("features", "rule", "densityModel");
        assertThat(ModelBundle.load(bundle.directory()).manifest().training()).containsKey("scoreCombination");
    }

    @Test
    void aKindWithoutALatentCodeIsRefused() {
        SampleSet digits = ShippedData.mnist10k().first(300);
        try (TrainedModel randnet = ModelKinds.fit(digits, digits.first(50), TrainingConfig.defaults(RandNetKind.RANDNET)
                .withEpochs(1), null, null)) {
            assertThatThrownBy(() -> LatentDensityFeature.attach(randnet.export("r"), digits, 2, 1))
                    .hasMessageContaining("no latent code");
        }
    }

    @Test
    void theMixtureFindsTwoWellSeparatedClusters() {
        java.util.Random random = new java.util.Random(3);
        int n = 400;
        float[] points = new float[n * 2];
        for (int i = 0; i < n; i++) {
            double cx = i < n / 2 ? -5 : 5;
            points[2 * i] = (float) (cx + random.nextGaussian() * 0.5);
            points[2 * i + 1] = (float) (random.nextGaussian() * 0.5);
        }

        GaussianMixture gmm = GaussianMixture.fit(points, n, 2, 2, 1);

        double[] centres = {gmm.means()[0][0], gmm.means()[1][0]};
        java.util.Arrays.sort(centres);
        assertThat(centres[0]).isCloseTo(-5, within(0.2));
        assertThat(centres[1]).isCloseTo(5, within(0.2));
        assertThat(gmm.weights()[0]).isCloseTo(0.5, within(0.05));
        assertThat(gmm.logDensity(new float[] {0, 0}, 0)).as("between the clusters is unlikely")
                .isLessThan(gmm.logDensity(new float[] {5, 0}, 0) - 10);
    }
}
