package dev.imageanomaly.trainer.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageanomaly.trainer.ShippedData;
import dev.imageanomaly.trainer.kinds.autoencoder.AutoencoderKinds;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QualityBenchmarkTest {

    @Test
    void theQuickBenchmarkMeasuresEveryProtocolAndWritesTheTables(@TempDir Path work) throws Exception {
        QualityBenchmark.Options options = new QualityBenchmark.Options(List.of(AutoencoderKinds.AE), 20, 20, List.of(1), 42,
                1, work, null, EnumSet.allOf(QualityBenchmark.Protocol.class));
        QualityBenchmark benchmark = new QualityBenchmark(options, System.out);

        List<QualityBenchmark.Row> rows = benchmark.run(BenchmarkData.quick(ShippedData.dir()));
        String markdown = benchmark.markdown(rows, "quick", "Peers not run.");

        assertThat(rows).hasSize(1);
        QualityBenchmark.Row ae = rows.get(0);
        assertThat(ae.mnistVersusFashion().auroc()).isBetween(0.5, 1.0);
        assertThat(ae.fashionOneClass()).hasSize(1);
        assertThat(ae.fashionOneClass()[0].auroc()).as("trousers are easy to tell from the rest").isGreaterThan(0.8);
        assertThat(ae.mnistOneClass()[0].auroc()).as("ones are easy to tell from the other digits").isGreaterThan(0.9);
        assertThat(ae.tabular()).containsOnlyKeys("breastw");
        assertThat(ae.unsupervisedTabular()).containsOnlyKeys("breastw");
        assertThat(ae.mnistVersusFashion().seconds()).isPositive();
        assertThat(ae.imagesPerSecond()).isPositive();
        assertThat(markdown).contains("| detector | MNIST vs Fashion |", "| ae |", "One-class Fashion-MNIST AUROC per class",
                "One-class MNIST AUROC per class", "| detector | breastw | mean |", "ADBench's unsupervised protocol")
                .doesNotContain("margin");
    }

    @Test
    void tablesOverSeveralSplitsGiveHowFarChanceMovesTheMargin(@TempDir Path work) {
        QualityBenchmark.Options options = new QualityBenchmark.Options(List.of(AutoencoderKinds.AE), 1, 1, List.of(1),
                42, 3, work, null, EnumSet.of(QualityBenchmark.Protocol.TABLES));
        QualityBenchmark.Row ours = tableRow("ae", false, 0.80, 0.85, 0.90);
        QualityBenchmark.Row weakPeer = tableRow("pca", true, 0.70, 0.70, 0.70);
        QualityBenchmark.Row bestPeer = tableRow("knn", true, 0.82, 0.84, 0.86);

        String markdown = new QualityBenchmark(options, null).markdown(List.of(ours, weakPeer, bestPeer), "t", "");

        // split by split against the best peer: -0.02, +0.01, +0.04; standard deviation 0.03, over root 3
        assertThat(markdown).contains("| **margin: best kind - best peer** | +0.0100 | +0.0100 |\n"
                + "| standard error of the margin over 3 splits (splits at or above) "
                + "| ±0.0173 (2/3) | ±0.0173 (2/3) |\n");
    }

    private static QualityBenchmark.Row tableRow(String detector, boolean peer, double... splits) {
        List<QualityBenchmark.Measurement> measured = Arrays.stream(splits)
                .mapToObj(auroc -> new QualityBenchmark.Measurement(auroc, 1.0)).toList();
        QualityBenchmark.Measurement[] noClass = {QualityBenchmark.Measurement.NONE};
        return new QualityBenchmark.Row(detector, peer, QualityBenchmark.Measurement.NONE, noClass, noClass,
                Map.of("glass", QualityBenchmark.Measurement.mean(measured)), Map.of(), Double.NaN);
    }
}
