package dev.imageanomaly.trainer.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imageanomaly.scoring.bundle.GraphNames;
import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.scoring.bundle.ManifestException;
import dev.imageanomaly.scoring.bundle.ModelBundle;
import dev.imageanomaly.scoring.image.DecodedImage;
import dev.imageanomaly.trainer.ShippedData;
import dev.imageanomaly.trainer.TrainingJob;
import dev.imageanomaly.trainer.export.GeneratorFile;
import dev.imageanomaly.trainer.kinds.autoencoder.AutoencoderKinds;
import dev.imageanomaly.trainer.kinds.vae.VaeKinds;
import dev.imageanomaly.trainer.kinds.wgan.WganKind;
import dev.imageanomaly.trainer.train.ModelKind;
import dev.imageanomaly.trainer.train.TrainingConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerateTest {

    @Test
    void aVaeBundleCarriesAVerifiedGeneratorThatSamplesImagesInTheInputRange(@TempDir Path root) throws Exception {
        ModelBundle bundle = train(VaeKinds.VAE, root);

        float[] images = new Generator(bundle).sample(16, 3);

        assertThat(images).hasSize(16 * 28 * 28);
        for (float v : images) {
            assertThat(v).isBetween(0f, 1f);
        }
        assertThat(new Generator(bundle).sample(16, 3)).as("seeded").containsExactly(images);
    }

    @Test
    void aWganBundleGeneratesImagesInTheInputRangeFromItsGenerator(@TempDir Path root) throws Exception {
        ModelBundle bundle = train(WganKind.WGAN, root);

        float[] images = new Generator(bundle).sample(16, 3);

        assertThat(images).hasSize(16 * 28 * 28);
        for (float v : images) {
            assertThat(v).isBetween(0f, 1f);
        }
        assertThat(new Generator(bundle).sample(16, 4)).as("other codes, other images").isNotEqualTo(images);
    }

    @Test
    void aChangedGeneratorFileIsRefusedNamingTheHashField(@TempDir Path root) throws Exception {
        ModelBundle bundle = train(VaeKinds.VAE, root);
        Files.write(bundle.directory().resolve(GraphNames.GENERATOR_FILE), new byte[] {1, 2, 3});

        assertThatThrownBy(() -> new Generator(bundle)).isInstanceOf(ManifestException.class)
                .hasMessageContaining("training." + GeneratorFile.SHA256_FACT);
    }

    @Test
    void aNonGenerativeBundleIsRefusedSayingWhichKindsCanGenerate(@TempDir Path root) throws Exception {
        ModelBundle bundle = train(AutoencoderKinds.AE, root);

        assertThatThrownBy(() -> new Generator(bundle)).isInstanceOf(ManifestException.class)
                .hasMessageContaining("kind ae").hasMessageContaining("only generative kinds");
    }

    @Test
    void theGridHasOneTilePerImageWithGapsAndUndoesTheNormalization() {
        InputSpec spec = new InputSpec(InputSpec.NCHW, 1, 2, 2, java.util.List.of(0.0, 1.0), java.util.List.of(0.5),
                java.util.List.of(0.5));
        float[] twoImages = {-1, -1, -1, -1, 1, 1, 1, 1};

        DecodedImage grid = ImageGrid.tile(twoImages, 2, spec, 2);

        assertThat(grid.width()).isEqualTo(2 * 2 + 3 * 2);
        assertThat(grid.height()).isEqualTo(2 + 2 * 2);
        assertThat(grid.at(2, 2, 0)).as("first image: -1 * 0.5 + 0.5 = 0 -> black").isZero();
        assertThat(grid.at(6, 2, 0)).as("second image: 1 * 0.5 + 0.5 = 1 -> white").isEqualTo(255);
        assertThat(grid.at(0, 0, 0)).as("gap").isZero();
    }

    private static ModelBundle train(ModelKind kind, Path root) throws Exception {
        return new TrainingJob(null).run(ShippedData.mnist10k().first(500), new TrainingJob.Request("gen-" + kind.id(),
                "v1", root, TrainingConfig.defaults(kind).withEpochs(1), 0.2, 0.05));
    }
}
