package dev.imageanomaly.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-epoch telemetry as tools read it: JSON lines, and CSV with a header row beside them. */
class EpochMetricsLogTest {

    static final EpochMetrics FIRST = new EpochMetrics(1, 0.05, 0.06, 0.12, 1e-3, 1.5, 4800, true);
    static final EpochMetrics SECOND = new EpochMetrics(2, 0.03, 0.061, 0.2, 5e-4, 1.25, 5760, false);

    @Test
    void theCsvHasAHeaderRowAndOneRowPerEpochInTheSameOrder(@TempDir Path dir) throws IOException {
        Path jsonl = dir.resolve("training-metrics.jsonl");
        try (EpochMetricsLog log = EpochMetricsLog.open(jsonl)) {
            log.append(FIRST);
            log.append(SECOND);
        }

        List<String> csv = Files.readAllLines(dir.resolve("training-metrics.csv"));
        assertThat(csv).containsExactly(
                "epoch,trainLoss,validationLoss,trainValidationKs,learningRate,seconds,imagesPerSecond,best",
                "1,0.05,0.06,0.12,0.001,1.5,4800.0,true",
                "2,0.03,0.061,0.2,5.0E-4,1.25,5760.0,false");
    }

    @Test
    void eachEpochIsOnDiskAsSoonAsItIsAppended(@TempDir Path dir) throws IOException {
        Path jsonl = dir.resolve("training-metrics.jsonl");
        try (EpochMetricsLog log = EpochMetricsLog.open(jsonl)) {
            log.append(FIRST);

            assertThat(Files.readAllLines(jsonl)).hasSize(1);
            assertThat(Files.readAllLines(EpochMetricsLog.csvBeside(jsonl))).hasSize(2);
        }
    }

    @Test
    void numbersUseADecimalPointWhateverTheLocale(@TempDir Path dir) throws IOException {
        Locale before = Locale.getDefault();
        Locale.setDefault(Locale.GERMANY);
        try (EpochMetricsLog log = EpochMetricsLog.open(dir.resolve("m.jsonl"))) {
            log.append(FIRST);
        } finally {
            Locale.setDefault(before);
        }

        assertThat(Files.readAllLines(dir.resolve("m.csv")).get(1)).startsWith("1,0.05,0.06,");
    }

    @Test
    void jsonLinesReadBackAsTheSameMetrics(@TempDir Path dir) throws IOException {
        Path jsonl = dir.resolve("training-metrics.jsonl");
        try (EpochMetricsLog log = EpochMetricsLog.open(jsonl)) {
            log.append(FIRST);
            log.append(SECOND);
        }

        assertThat(EpochMetricsLog.read(jsonl)).containsExactly(FIRST, SECOND);
    }

    @Test
    void aLogFromBeforeTheDriftStatisticReadsItAsNanNotZero(@TempDir Path dir) throws IOException {
        Path old = dir.resolve("training-metrics.jsonl");
        Files.writeString(old, "{\"epoch\":1,\"trainLoss\":0.05,\"validationLoss\":0.06,\"learningRate\":0.001,"
                + "\"seconds\":1.5,\"imagesPerSecond\":4800.0,\"best\":true}\n");

        EpochMetrics read = EpochMetricsLog.read(old).get(0);

        assertThat(read.trainValidationKs()).isNaN();
        assertThat(read.validationLoss()).isEqualTo(0.06);
    }

    @Test
    void aNanDriftSurvivesBothFormats(@TempDir Path dir) throws IOException {
        Path jsonl = dir.resolve("m.jsonl");
        EpochMetrics diverged = new EpochMetrics(3, Double.NaN, Double.NaN, Double.NaN, 1e-3, 1, 1, false);
        try (EpochMetricsLog log = EpochMetricsLog.open(jsonl)) {
            log.append(diverged);
        }

        assertThat(Files.readAllLines(dir.resolve("m.csv")).get(1)).startsWith("3,NaN,NaN,NaN,");
        assertThat(EpochMetricsLog.read(jsonl).get(0).trainValidationKs()).isNaN();
    }
}
