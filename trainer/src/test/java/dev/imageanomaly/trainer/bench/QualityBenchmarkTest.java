package dev.imageanomaly.trainer.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageanomaly.trainer.ShippedData;
import dev.imageanomaly.trainer.kinds.autoencoder.AutoencoderKinds;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
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
}
