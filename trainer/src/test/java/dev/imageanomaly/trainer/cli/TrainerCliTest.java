package dev.imageanomaly.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imageanomaly.scoring.bundle.ModelBundle;
import dev.imageanomaly.scoring.image.HostileImages;
import dev.imageanomaly.trainer.ShippedData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The command line as a user meets it: exit codes, messages that name the problem, and a real train-score-evaluate run. */
class TrainerCliTest {

    static final String MNIST = ShippedData.path("mnist-10k-images-idx3-ubyte.gz").toString();
    static final String FASHION = ShippedData.path("fashion-mnist-test-images-idx3-ubyte.gz").toString();

    /** What one invocation printed and returned, and whether it closed standard output. */
    record Run(int exit, String out, String err, boolean closedStdout) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- out ---\n" + out + "\n--- err ---\n" + err;
        }
    }

    /**
     * Runs the CLI in-process. Commands print both through picocli's writers and System.out/err, so
     * both are captured.
     */
    static Run cli(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        Capture out = new Capture();
        Capture err = new Capture();
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            CommandLine cl = TrainerCli.commandLine();
            cl.setOut(new PrintWriter(o, true));
            cl.setErr(new PrintWriter(e, true));
            int exit = cl.execute(args);
            o.flush();
            e.flush();
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), out.closed);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** Bytes written, and whether someone closed the stream (a real System.out would be gone for good). */
    static final class Capture extends ByteArrayOutputStream {
        volatile boolean closed;

        @Override
        public void close() {
            closed = true;
        }
    }

    // ---- usage errors ----

    @Test
    void anUnknownFlagExitsNonZeroWithAUsageMessageNamingIt() {
        Run run = cli("train", "--data", MNIST, "--bogus");

        assertThat(run.exit()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("Unknown option: '--bogus'").contains("Usage: image-anomaly train");
    }

    @Test
    void aMistypedFlagIsNamedWithTheLikelyMeaning() {
        Run run = cli("train", "--data", MNIST, "--epochz", "3");

        assertThat(run.exit()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("'--epochz'").contains("Possible solutions: --epochs");
    }

    @Test
    void anUnknownSubcommandExitsNonZeroNamingIt() {
        Run run = cli("trian");

        assertThat(run.exit()).as(run.toString()).isNotZero();
        assertThat(run.err()).contains("trian");
    }

    @Test
    void anUnknownModelKindExits2NamingItAndTheValidKinds() {
        Run run = cli("train", "--data", MNIST, "--kind", "nope");

        assertThat(run.exit()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("unknown model kind 'nope'").contains("ae, deep-ae, conv-ae, denoising-ae");
        assertThat(run.err()).doesNotContain("\tat ");
    }

    @Test
    void anUnknownQuantizationExits2NamingTheValidPrecisionsBeforeAnyTraining() {
        Run run = cli("train", "--data", MNIST, "--kind", "conv-ae", "--quantize", "int4");

        assertThat(run.exit()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("unknown precision 'int4'").contains("fp32, int8, fp16")
                .contains("--quantize");
        assertThat(run.err()).doesNotContain("\tat ");
        assertThat(run.out()).doesNotContain("epoch");
    }

    @Test
    void anUnknownProviderExits2NamingTheValidOnes(@TempDir Path dir) {
        Run run = cli("score", "--bundle", dir.toString(), "--input", MNIST, "--provider", "gpu");

        assertThat(run.exit()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("'gpu'").contains("cpu, cuda, auto");
    }

    @Test
    void aFolderThatIsNoBundleIsReportedInOneLine(@TempDir Path dir) {
        Run run = cli("score", "--bundle", dir.toString(), "--input", MNIST, "--provider", "cpu");

        assertThat(run.exit()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).startsWith("error: ").contains("has no manifest.json");
    }

    @ParameterizedTest
    @ValueSource(strings = {"train", "score", "evaluate", "bench", "generate", "quality-bench", "find-anomalies"})
    void eachSubcommandsHelpExitsZeroAndShowsAnExample(String subcommand) {
        Run run = cli(subcommand, "--help");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("Usage: image-anomaly " + subcommand).contains("Example: " + subcommand);
    }

    @Test
    void topLevelHelpListsTheSubcommands() {
        Run run = cli("--help");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("train").contains("score").contains("evaluate").contains("bench")
                .contains("find-anomalies");
    }

    // ---- a real run: train, then score and evaluate the bundle ----

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class EndToEnd {

        Path work;
        Path bundle;
        Run train;

        /**
         * About two seconds of training. One epoch (5 steps) is not enough: the near-constant output of an
         * untrained AE reconstructs inky Fashion articles better than mostly-black digits (AUROC ~0.005).
         */
        @BeforeAll
        void trainASmallAutoencoderOnSixHundredDigits(@TempDir Path work) {
            this.work = work;
            train = cli("train", "--data", MNIST, "--range", "0:600", "--kind", "ae", "--epochs", "10",
                    "--batch-size", "32", "--lr", "0.003", "--latent", "16", "--out", work.resolve("models").toString(),
                    "--name", "e2e", "--version", "v1");
            bundle = work.resolve("models").resolve("e2e").resolve("v1");
        }

        @Test
        void trainWritesALoadableBundleCalibratedOnHeldOutImages() {
            assertThat(train.exit()).as(train.toString()).isZero();
            assertThat(train.out()).contains("training ae on 540 images (60 held out").contains(bundle.toString());

            ModelBundle loaded = ModelBundle.load(bundle);
            assertThat(loaded.manifest().kind()).isEqualTo("ae");
            assertThat(loaded.manifest().threshold().calibrationSamples()).isEqualTo(60);
            assertThat(loaded.manifest().threshold().rate()).isEqualTo(0.01);
            assertThat(loaded.manifest().training()).containsEntry("samples", 600);
            assertThat(train.out()).contains("training report written to " + bundle.resolve("report").resolve("index.html"));
        }

        @Test
        void trainLogsEachEpochAsJsonLinesAndCsvWithTheTrainValidationScoreDrift() throws IOException {
            List<String> csv = Files.readAllLines(bundle.resolve("training-metrics.csv"));
            List<String> jsonl = Files.readAllLines(bundle.resolve("training-metrics.jsonl"));

            assertThat(csv.get(0)).startsWith("epoch,trainLoss,validationLoss,trainValidationKs,");
            assertThat(csv).hasSize(jsonl.size() + 1);
            for (String line : jsonl) {
                double ks = new ObjectMapper().readTree(line).get("trainValidationKs").asDouble();
                assertThat(ks).as(line).isBetween(0.0, 1.0);
            }
            assertThat(train.out()).containsPattern("epoch 1/10: .* train/validation score KS 0\\.\\d{3},");
        }

        @Test
        void scoreAndFindAnomaliesReportEveryHostileFileByNameSkipItAndFinish(@TempDir Path folder) throws IOException {
            var digits = dev.imageanomaly.scoring.source.ImageSources.load(Path.of(MNIST), null);
            for (int i = 0; i < 60; i++) {
                Files.write(folder.resolve(String.format("digit-%02d.png", i)),
                        dev.imageanomaly.scoring.image.PngEncoder.encode(digits.images().get(i)));
            }
            List<HostileImages.Kind> hostile = HostileImages.files();
            for (HostileImages.Kind kind : hostile) {
                Files.write(folder.resolve(kind.fileName()), kind.bytes());
            }

            Run score = cli("score", "--bundle", bundle.toString(), "--input", folder.toString(), "--provider", "cpu");
            Run find = cli("find-anomalies", "--input", folder.toString(), "--kind", "ae", "--epochs", "2",
                    "--out", folder.resolve("strays").toString());

            assertThat(score.exit()).as(score.toString()).isZero();
            assertThat(score.out().lines().filter(l -> l.startsWith("digit-"))).hasSize(60);
            assertThat(score.err()).contains(hostile.size() + " unreadable files in " + folder + " were skipped");
            assertThat(find.exit()).as(find.toString()).isZero();
            assertThat(Files.readAllLines(folder.resolve("strays").resolve("ranking.csv"))).hasSize(61);
            for (HostileImages.Kind kind : hostile) {
                assertThat(score.err()).as(kind.fileName()).containsPattern("  " + java.util.regex.Pattern.quote(
                        kind.fileName()) + ": .+");
                assertThat(find.err() + find.out()).as(kind.fileName()).contains(kind.fileName() + ": ");
            }
        }

        @Test
        void scoreWritesCsvWithAHeaderAndOneLinePerImage() throws IOException {
            Path csv = work.resolve("scores.csv");
            Run run = cli("score", "--bundle", bundle.toString(), "--input", MNIST, "--range", "0:50",
                    "--out", csv.toString(), "--provider", "cpu");

            assertThat(run.exit()).as(run.toString()).isZero();
            assertThat(run.err()).contains("scored 50 images");
            List<String> lines = Files.readAllLines(csv);
            assertThat(lines).hasSize(51);
            assertThat(lines.get(0)).isEqualTo("id,score,verdict");
            assertThat(lines.get(1)).startsWith("mnist-10k-images-idx3-ubyte.gz#0,");
            for (String line : lines.subList(1, lines.size())) {
                String[] cells = line.split(",");
                assertThat(cells).as(line).hasSize(3);
                assertThat(Double.parseDouble(cells[1])).as(line).isFinite().isGreaterThanOrEqualTo(0);
                assertThat(cells[2]).as(line).isIn("normal", "anomaly");
            }
        }

        @Test
        void scoreWritesJsonLinesWithVerdictsAgainstTheBundleThreshold() throws IOException {
            Path jsonl = work.resolve("scores.jsonl");
            Run run = cli("score", "--bundle", bundle.toString(), "--input", FASHION, "--range", "0:40",
                    "--out", jsonl.toString(), "--provider", "cpu");

            assertThat(run.exit()).as(run.toString()).isZero();
            double threshold = ModelBundle.load(bundle).manifest().threshold().value();
            List<String> lines = Files.readAllLines(jsonl);
            assertThat(lines).hasSize(40);
            ObjectMapper json = new ObjectMapper();
            List<String> verdicts = new ArrayList<>();
            for (String line : lines) {
                JsonNode node = json.readTree(line);
                assertThat(node.get("id").asText()).startsWith("fashion-mnist-test-images-idx3-ubyte.gz#");
                assertThat(node.get("threshold").asDouble()).isEqualTo(threshold);
                double score = node.get("score").asDouble();
                String verdict = node.get("verdict").asText();
                assertThat(verdict).as(line).isEqualTo(score > threshold ? "anomaly" : "normal");
                verdicts.add(verdict);
            }
            assertThat(verdicts).as("fashion articles under a digit model").contains("anomaly");
        }

        @Test
        void scoreWithoutOutWritesCsvToStandardOutputAndLeavesItOpen() {
            Run run = cli("score", "--bundle", bundle.toString(), "--input", MNIST, "--range", "0:3", "--provider", "cpu");

            assertThat(run.exit()).as(run.toString()).isZero();
            assertThat(run.out().lines()).hasSize(4).first().isEqualTo("id,score,verdict");
            assertThat(run.closedStdout()).as("score closed System.out").isFalse();
        }

        @Test
        void evaluateReportsAurocForDigitsVersusFashion() throws IOException {
            Path metrics = work.resolve("metrics.json");
            Run run = cli("evaluate", "--bundle", bundle.toString(), "--normal", MNIST, "--normal-range", "600:900",
                    "--anomalous", FASHION, "--anomalous-range", "0:300", "--provider", "cpu", "--json", metrics.toString());

            assertThat(run.exit()).as(run.toString()).isZero();
            assertThat(run.out()).contains("e2e v1 (ae)").contains("AUROC").contains("(300 normal, 300 anomalous)");
            JsonNode m = new ObjectMapper().readTree(metrics.toFile());
            assertThat(m.get("normals").asInt()).isEqualTo(300);
            assertThat(m.get("anomalies").asInt()).isEqualTo(300);
            assertThat(m.get("auroc").asDouble()).as("two seconds of training tell digits from clothes").isGreaterThan(0.75);
            Path report = bundle.resolve("evaluation-report").resolve("index.html");
            assertThat(run.out()).contains("evaluation report written to " + report);
            assertThat(Files.readString(report)).contains("roc.png").contains("confusion.png");
        }

        @Test
        void evaluateWritesItsReportWhereAskedOrNotAtAll() throws IOException {
            Path elsewhere = work.resolve("elsewhere");
            Run asked = cli("evaluate", "--bundle", bundle.toString(), "--normal", MNIST, "--normal-range", "600:700",
                    "--anomalous", FASHION, "--anomalous-range", "0:100", "--provider", "cpu", "--report",
                    elsewhere.toString());
            Run none = cli("evaluate", "--bundle", bundle.toString(), "--normal", MNIST, "--normal-range", "600:700",
                    "--anomalous", FASHION, "--anomalous-range", "0:100", "--provider", "cpu", "--no-report");

            assertThat(asked.exit()).as(asked.toString()).isZero();
            assertThat(elsewhere.resolve("index.html")).isRegularFile();
            assertThat(none.exit()).as(none.toString()).isZero();
            assertThat(none.out()).doesNotContain("report written");
        }

        @Test
        void aBadRangeIsRefusedNamingTheValidBounds() {
            Run run = cli("score", "--bundle", bundle.toString(), "--input", MNIST, "--range", "5:2", "--provider", "cpu");

            assertThat(run.exit()).as(run.toString()).isEqualTo(2);
            assertThat(run.err()).contains("range '5:2'").contains("0 <= FROM < TO <= 10000");
        }

        @Test
        void benchPrintsAThroughputTable() {
            Run run = cli("bench", "--bundle", bundle.toString(), "--input", MNIST, "--batch-sizes", "1,8",
                    "--seconds", "0.2", "--provider", "cpu");

            assertThat(run.exit()).as(run.toString()).isZero();
            assertThat(run.out()).contains("| batch | images/s | ms/batch |").containsPattern("\\| 1 \\| \\d+ \\|")
                    .containsPattern("\\| 8 \\| \\d+ \\|");
        }

        @Test
        void trainQuantizeInt8WritesAnInt8BundleThatBenchComparesWithTheFp32OneInOneTable() {
            Run quantized = cli("train", "--data", MNIST, "--range", "0:600", "--kind", "ae", "--epochs", "2",
                    "--batch-size", "32", "--latent", "16", "--out", work.resolve("models").toString(),
                    "--name", "e2e", "--version", "int8", "--quantize", "int8", "--no-report");
            Path int8 = work.resolve("models").resolve("e2e").resolve("int8");
            Run bench = cli("bench", "--bundle", bundle.toString(), "--bundle", int8.toString(), "--input", MNIST,
                    "--range", "0:100", "--batch-sizes", "1,8", "--seconds", "0.2", "--provider", "cpu");

            assertThat(quantized.exit()).as(quantized.toString()).isZero();
            assertThat(ModelBundle.load(int8).manifest().training()).containsEntry("precision", "int8")
                    .containsEntry("int8CalibrationSamples", 540);
            assertThat(bench.exit()).as(bench.toString()).isZero();
            assertThat(bench.out()).contains("A: e2e v1 (ae, fp32)").contains("B: e2e int8 (ae, int8)")
                    .contains("| batch | A images/s | A ms/batch | B images/s | B ms/batch | B / A |")
                    .containsPattern("\\| 8 \\| \\d+ \\| [\\d.]+ \\| \\d+ \\| [\\d.]+ \\| [\\d.]+x \\|");
        }
    }

    // ---- tabular: a CSV table in, the same table scored ----

    @Test
    void aCsvTableTrainsOnItsInliersAndScoresEveryRowWithTheBundlesStandardization(@TempDir Path work)
            throws IOException {
        String table = ShippedData.path("tabular/breastw.csv").toString();
        Run train = cli("train", "--data", table, "--classes", "0", "--kind", "deep-ae", "--epochs", "20",
                "--out", work.toString(), "--name", "breastw", "--version", "v1");
        assertThat(train.exit()).as(train.toString()).isZero();
        assertThat(train.out()).contains("1x1x9 input");
        assertThat(ModelBundle.load(work.resolve("breastw/v1")).manifest().input().layout()).isEqualTo("features");

        Path scores = work.resolve("scores.csv");
        Run score = cli("score", "--bundle", work.resolve("breastw/v1").toString(), "--input", table,
                "--out", scores.toString(), "--provider", "cpu");

        assertThat(score.exit()).as(score.toString()).isZero();
        List<String> lines = Files.readAllLines(scores);
        assertThat(lines).hasSize(1 + 683);
        assertThat(lines.get(1)).startsWith("breastw.csv#0,");
    }

    @Test
    void anImageBundleRefusesACsvTableSayingSo(@TempDir Path work) {
        Run run = cli("train", "--data", ShippedData.path("tabular/breastw.csv").toString(), "--kind", "conv-ae",
                "--out", work.toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("conv-ae trains on images only");
    }
}
