package dev.imageanomaly.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageanomaly.scoring.ImageAnomalyDetector;
import dev.imageanomaly.scoring.bundle.ModelBundle;
import dev.imageanomaly.scoring.engine.EngineOptions;
import dev.imageanomaly.trainer.ShippedData;
import dev.imageanomaly.trainer.TrainingJob;
import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.kinds.autoencoder.AutoencoderKinds;
import dev.imageanomaly.trainer.kinds.randnet.RandNetKind;
import dev.imageanomaly.trainer.kinds.vae.VaeKinds;
import dev.imageanomaly.trainer.train.ModelKind;
import dev.imageanomaly.trainer.train.TrainingConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The convolutional kinds trained on real MNIST digits tell held-out digits from Fashion-MNIST
 * articles, measured through the exported bundle and ONNX Runtime as production would score them.
 */
class MnistVersusFashionTest {

    @Test
    void convAutoencoderSeparatesHeldOutDigitsFromFashionArticles(@TempDir Path bundles) throws Exception {
        assertSeparates(AutoencoderKinds.CONV_AE, 10, bundles);
    }

    /** Measured 0.9985 at 10 epochs (conv-ae: 0.9927); 8 epochs keep the test shorter. */
    @Test
    void convVaeSeparatesHeldOutDigitsFromFashionArticlesByReconstructionProbability(@TempDir Path bundles)
            throws Exception {
        assertSeparates(VaeKinds.CONV_VAE, 8, bundles);
    }

    @Test
    void aRandNetEnsembleSeparatesBetterThanASingleAutoencoderOfTheSameSize(@TempDir Path bundles) throws Exception {
        double single = auroc(AutoencoderKinds.AE, 10, bundles);
        double ensemble = auroc(RandNetKind.RANDNET, 10, bundles);

        System.out.printf("ae AUROC %.4f, randnet AUROC %.4f%n", single, ensemble);
        assertThat(ensemble).isGreaterThan(single);
    }

    private static double auroc(ModelKind kind, int epochs, Path bundles) throws Exception {
        SampleSet digits = ShippedData.mnist10k();
        ModelBundle bundle = new TrainingJob(null).run(digits.where(i -> i < 8000), new TrainingJob.Request(
                "mnist-" + kind.id(), "test", bundles, TrainingConfig.defaults(kind).withEpochs(epochs), 0.1, 0.01));
        try (ImageAnomalyDetector detector = ImageAnomalyDetector.load(bundle.directory(), EngineOptions.cpu())) {
            return Evaluation.evaluate(detector, Evaluation.normalVersusAnomalous(digits.where(i -> i >= 8000),
                    ShippedData.fashionTest().first(2000))).auroc();
        }
    }

    private static void assertSeparates(ModelKind kind, int epochs, Path bundles) throws Exception {
        SampleSet digits = ShippedData.mnist10k();
        SampleSet trainDigits = digits.where(i -> i < 8000);
        SampleSet heldOutDigits = digits.where(i -> i >= 8000);
        SampleSet fashion = ShippedData.fashionTest().first(2000);

        TrainingConfig config = TrainingConfig.defaults(kind).withEpochs(epochs);
        ModelBundle bundle = new TrainingJob(System.out).run(trainDigits,
                new TrainingJob.Request("mnist-" + kind.id(), "test", bundles, config, 0.1, 0.01));

        try (ImageAnomalyDetector detector = ImageAnomalyDetector.load(bundle.directory(), EngineOptions.cpu())) {
            DetectionMetrics m = Evaluation.evaluate(detector, Evaluation.normalVersusAnomalous(heldOutDigits, fashion));
            System.out.println(m.summary());
            assertThat(m.auroc()).isGreaterThanOrEqualTo(0.97);
            assertThat(m.falsePositiveRate()).as("false-positive rate near the 1 % calibration target")
                    .isLessThan(0.05);
        }
    }
}
