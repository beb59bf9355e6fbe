package dev.imageanomaly.trainer.tabular;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.imageanomaly.scoring.ImageAnomalyDetector;
import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.scoring.bundle.ModelBundle;
import dev.imageanomaly.scoring.engine.EngineOptions;
import dev.imageanomaly.trainer.ShippedData;
import dev.imageanomaly.trainer.TrainingJob;
import dev.imageanomaly.trainer.data.CsvTable;
import dev.imageanomaly.trainer.data.FeatureTables;
import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.eval.DetectionMetrics;
import dev.imageanomaly.trainer.eval.Evaluation;
import dev.imageanomaly.trainer.eval.TabularProtocol;
import dev.imageanomaly.trainer.kinds.ModelKinds;
import dev.imageanomaly.trainer.kinds.autoencoder.AutoencoderKinds;
import dev.imageanomaly.trainer.report.HtmlReport;
import dev.imageanomaly.trainer.train.ModelKind;
import dev.imageanomaly.trainer.train.TrainingConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The dense kinds train on CSV feature vectors; the bundle carries the per-column standardization. */
class TabularModelsTest {

    private static SampleSet breastCancerTable() throws Exception {
        return FeatureTables.raw(CsvTable.read(ShippedData.path("tabular/breastw.csv")), "breastw");
    }

    static Stream<ModelKind> denseKinds() {
        return ModelKinds.all().stream().filter(ModelKind::dense);
    }

    @ParameterizedTest
    @MethodSource("denseKinds")
    void everyDenseKindFindsTheMalignantTumoursOfTheWisconsinTable(ModelKind kind, @TempDir Path root) throws Exception {
        TabularProtocol protocol = TabularProtocol.split(breastCancerTable(), 1);

        ModelBundle bundle = train(kind, protocol.train(), root);

        try (ImageAnomalyDetector detector = ImageAnomalyDetector.open(bundle, EngineOptions.cpu())) {
            DetectionMetrics m = Evaluation.evaluate(detector, protocol.test());
            System.out.println(kind.id() + " breastw: " + m.summary());
            assertThat(m.auroc()).isGreaterThan(0.9);
        }
    }

    @Test
    void theManifestCarriesTheTrainingRowsColumnStatisticsAndTheDetectorAppliesThemToRawRows(@TempDir Path root)
            throws Exception {
        SampleSet raw = breastCancerTable();
        TabularProtocol protocol = TabularProtocol.split(raw, 1);
        ModelBundle bundle = train(AutoencoderKinds.DEEP_AE, protocol.train(), root);

        InputSpec spec = bundle.manifest().input();
        assertThat(spec.isFeatures()).isTrue();
        assertThat(spec.width()).isEqualTo(9);
        assertThat(spec).isEqualTo(protocol.train().spec());
        float[] rawRows = raw.first(20).data();
        try (ImageAnomalyDetector detector = ImageAnomalyDetector.open(ModelBundle.load(bundle.directory()),
                EngineOptions.cpu())) {
            float[] fromRaw = detector.decisionFunctionOfFeatures(rawRows, 20);
            float[] fromStandardized = detector.decisionFunction(FeatureTables.standardize(raw.first(20), spec).data(), 20);
            for (int i = 0; i < 20; i++) {
                assertThat(fromRaw[i]).isCloseTo(fromStandardized[i], within(1e-6f));
            }
            assertThatThrownBy(() -> detector.decisionFunctionOfFeatures(new float[10], 1))
                    .hasMessageContaining("expected 1 rows of 9 features");
        }
    }

    @Test
    void theTrainingReportOfATableRanksRowsWithoutDrawingThemAsPictures(@TempDir Path root) throws Exception {
        TabularProtocol protocol = TabularProtocol.split(breastCancerTable(), 1);
        TrainingConfig config = TrainingConfig.defaults(AutoencoderKinds.DEEP_AE).withEpochs(2);

        ModelBundle bundle = new TrainingJob(null, true).run(protocol.train(),
                new TrainingJob.Request("breastw-report", "v1", root, config, 0.2, 0.05));

        Path index = bundle.directory().resolve(TrainingJob.REPORT_DIR).resolve(HtmlReport.INDEX);
        assertThat(index).exists();
        assertThat(Files.readString(index)).contains("9 features, standardized")
                .contains("<th>rank</th>").contains("rows of features, which are not pictures")
                .doesNotContain("most-anomalous.png");
    }

    @Test
    void aConvolutionalKindIsRefusedForFeatureVectorsNamingTheDenseKinds(@TempDir Path root) throws Exception {
        TabularProtocol protocol = TabularProtocol.split(breastCancerTable(), 1);

        assertThatThrownBy(() -> train(AutoencoderKinds.CONV_AE, protocol.train(), root))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conv-ae trains on images only").hasMessageContaining("deep-ae");
    }

    private static ModelBundle train(ModelKind kind, SampleSet rows, Path root) throws Exception {
        TrainingConfig config = TrainingConfig.defaults(kind).withEpochs(30);
        return new TrainingJob(null).run(rows, new TrainingJob.Request("breastw-" + kind.id(), "v1", root, config,
                0.2, 0.05));
    }
}
