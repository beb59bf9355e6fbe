package dev.imageanomaly.trainer.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageanomaly.scoring.bundle.GraphNames;
import dev.imageanomaly.scoring.bundle.Manifest;
import dev.imageanomaly.scoring.bundle.ModelBundle;
import dev.imageanomaly.trainer.ShippedData;
import dev.imageanomaly.trainer.TrainingJob;
import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.export.OnnxGraph;
import dev.imageanomaly.trainer.kinds.autoencoder.AutoencoderKinds;
import dev.imageanomaly.trainer.train.LearningRateSchedule;
import dev.imageanomaly.trainer.train.TrainingConfig;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML reports of a real (tiny) training on MNIST digits and of its evaluation against
 * Fashion-MNIST articles: every section is there, every chart and gallery it references is a PNG that
 * decodes, and a section the graph cannot feed says why instead of vanishing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportTest {

    private static final Pattern IMG = Pattern.compile("<img src=\"([^\"]+)\"");

    Path work;
    ModelBundle bundle;
    Path trainingReport;
    Path evaluationReport;

    /** A dense autoencoder, 2 epochs on 1,000 digits: a few seconds, enough for every chart to have data. */
    @BeforeAll
    void trainAndEvaluateATinyModel(@TempDir Path work) throws IOException {
        this.work = work;
        SampleSet digits = ShippedData.mnist10k();
        TrainingConfig d = TrainingConfig.defaults(AutoencoderKinds.AE);
        TrainingConfig config = new TrainingConfig(AutoencoderKinds.AE, 2, 32, 3e-3f, LearningRateSchedule.COSINE, 16, 64, 0,
                0.3f, 42, d.vae(), d.ensemble(), d.gan(), d.neighbours(), d.forest(), d.memberKinds(), 0);
        bundle = new TrainingJob(System.out, true).run(digits.first(1000),
                new TrainingJob.Request("report-test", "v1", work.resolve("models"), config, 0.1, 0.01));
        trainingReport = bundle.directory().resolve(TrainingJob.REPORT_DIR).resolve(HtmlReport.INDEX);
        try (ReportGatherer gatherer = ReportGatherer.open(bundle)) {
            evaluationReport = HtmlReport.write(gatherer.evaluation(digits.where(i -> i >= 9000 && i < 9300),
                    ShippedData.fashionTest().first(300)), work.resolve("evaluation"));
        }
    }

    @Test
    void trainingWritesItsReportIntoTheBundleWithEverySection() throws IOException {
        String html = Files.readString(trainingReport);

        assertThat(html).contains("<h1>report-test v1 (ae): training report</h1>");
        assertThat(sectionIds(html)).containsExactly("training", "scores", "detection", "most-anomalous",
                "reconstructions", "latent", "generated");
        assertThat(images(html)).containsExactly("loss.png", "score-drift.png", "score-histogram.png",
                "most-anomalous.png", "reconstructions-1.png", "reconstructions-2.png", "latent-pca.png",
                "latent-tsne.png");
        assertThat(html).contains("Most anomalous validation images").contains("Typical validation images");
    }

    @Test
    void trainingDataHasNoLabelsSoTheDetectionSectionSaysWhereToGetIt() throws IOException {
        String detection = section(Files.readString(trainingReport), "detection");

        assertThat(detection).contains("class=\"omitted\"").contains("evaluate --normal");
        assertThat(images(detection)).isEmpty();
    }

    @Test
    void evaluationAddsRocPrecisionRecallScoresPerClassAndTheConfusionMatrix() throws IOException {
        String html = Files.readString(evaluationReport);

        assertThat(images(section(html, "detection"))).containsExactly("roc.png", "precision-recall.png",
                "scores-per-class.png", "confusion.png");
        assertThat(html).contains("evaluated on").contains("300 normal and 300 anomalous images")
                .contains("Normal images (a seeded random sample)").contains("Anomalous images (a seeded random sample)")
                .contains("Coloured by label");
        assertThat(images(html)).contains("loss.png", "score-histogram.png", "most-anomalous.png",
                "reconstructions-1.png", "reconstructions-2.png", "latent-pca.png", "latent-tsne.png");
    }

    @Test
    void everyImageEitherReportReferencesIsAPngThatDecodes() throws IOException {
        for (Path index : List.of(trainingReport, evaluationReport)) {
            List<String> files = images(Files.readString(index));
            assertThat(files).as(index.toString()).isNotEmpty();
            for (String file : files) {
                assertThat(file).as("no external resource").doesNotContain(":").doesNotStartWith("/");
                BufferedImage image = ImageIO.read(index.resolveSibling(file).toFile());
                assertThat(image).as(file + " decodes").isNotNull();
                assertThat(image.getWidth()).as(file).isGreaterThan(100);
                assertThat(image.getHeight()).as(file).isGreaterThan(50);
            }
        }
    }

    @Test
    void sectionsWhoseGraphOutputIsMissingAreOmittedWithTheReason() throws IOException {
        ModelBundle scoreOnly = ModelBundle.write(work.resolve("score-only"),
                withOutputs(bundle.manifest(), List.of(GraphNames.SCORE)), bundle.onnxModel());
        SampleSet digits = ShippedData.mnist10k().first(200);

        Path index;
        try (ReportGatherer gatherer = ReportGatherer.open(scoreOnly)) {
            index = HtmlReport.write(gatherer.training(digits.first(150), digits.where(i -> i >= 150)),
                    work.resolve("score-only-report"));
        }

        String html = Files.readString(index);
        assertThat(section(html, "reconstructions")).contains("Not shown: the graph has no 'reconstruction' output.");
        assertThat(section(html, "latent")).contains("Not shown: the graph has no 'latent' output.");
        assertThat(images(html)).containsExactly("score-histogram.png", "most-anomalous.png");
        assertThat(section(html, "training")).contains("has no training-metrics.jsonl");
    }

    @Test
    void aGeneratorBesideTheModelAddsAnEightByEightGridOfSamples() throws IOException {
        ModelBundle withGenerator = copyOf(bundle, "with-generator");
        Files.write(withGenerator.directory().resolve(GraphNames.GENERATOR_FILE), tinyGenerator(4, 28));

        Path index;
        try (ReportGatherer gatherer = ReportGatherer.open(withGenerator)) {
            SampleSet digits = ShippedData.mnist10k().first(100);
            index = HtmlReport.write(gatherer.training(digits.first(80), digits.where(i -> i >= 80)),
                    work.resolve("generator-report"));
        }

        String generated = section(Files.readString(index), "generated");
        assertThat(images(generated)).containsExactly("generated.png");
        assertThat(generated).contains("64 images").contains("latent codes of 4 dimensions");
        BufferedImage grid = ImageIO.read(index.resolveSibling("generated.png").toFile());
        int tile = 28 * 3;
        assertThat(grid.getWidth()).isEqualTo(ImageTiles.GAP + 8 * (tile + ImageTiles.GAP));
        assertThat(grid.getHeight()).isEqualTo(ImageTiles.GAP + 8 * (tile + ImageTiles.GAP));
    }

    @Test
    void aGeneratorOfTheWrongImageSizeIsNamedNotDrawn() throws IOException {
        ModelBundle withGenerator = copyOf(bundle, "wrong-generator");
        Files.write(withGenerator.directory().resolve(GraphNames.GENERATOR_FILE), tinyGenerator(4, 14));

        var samples = GeneratorSamples.draw(withGenerator.directory(), withGenerator.manifest().input(), 64, 1);

        assertThat(samples.present()).isFalse();
        assertThat(samples.whyOmitted()).contains("[64, 1, 14, 14]").contains("[64, 1, 28, 28]");
    }

    @Test
    void withoutAGeneratorTheSectionSaysSo() throws IOException {
        assertThat(section(Files.readString(trainingReport), "generated"))
                .contains("Not shown: this model kind has no generator (no generator.onnx in the bundle).");
    }

    /** Headless Chromium renders the report; skipped where it is not installed (CI), see scripts/report-screenshot.sh. */
    @Test
    void headlessChromiumRendersTheReportToAScreenshot() throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        Assumptions.assumeTrue(Files.isExecutable(chromium), "no " + chromium + " here");
        Path script = Path.of("..", "scripts", "report-screenshot.sh").toAbsolutePath().normalize();
        Path screenshot = work.resolve("evaluation-report.png");

        Process run = new ProcessBuilder("bash", script.toString(), evaluationReport.toString(), screenshot.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("chromium.log").toFile()).start();

        assertThat(run.waitFor(120, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        assertThat(run.exitValue()).as(Files.readString(work.resolve("chromium.log"))).isZero();
        BufferedImage shot = ImageIO.read(screenshot.toFile());
        assertThat(shot.getWidth()).isEqualTo(1400);
        assertThat(shot.getHeight()).isGreaterThan(2000);
    }

    static List<String> images(String html) {
        List<String> files = new ArrayList<>();
        Matcher m = IMG.matcher(html);
        while (m.find()) {
            files.add(m.group(1));
        }
        return files;
    }

    static List<String> sectionIds(String html) {
        List<String> ids = new ArrayList<>();
        Matcher m = Pattern.compile("<section id=\"([^\"]+)\">").matcher(html);
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    static String section(String html, String id) {
        int start = html.indexOf("<section id=\"" + id + "\">");
        assertThat(start).as("section " + id).isNotNegative();
        return html.substring(start, html.indexOf("</section>", start));
    }

    private ModelBundle copyOf(ModelBundle original, String root) throws IOException {
        return ModelBundle.write(work.resolve(root), original.manifest(), original.onnxModel());
    }

    private static Manifest withOutputs(Manifest m, List<String> outputs) {
        return new Manifest(m.formatVersion(), m.name(), m.version(), m.kind(), m.createdAt(), m.input(), outputs,
                m.scoreOutput(), m.scoreDefinition(), m.threshold(), m.scoreStats(), m.training(), m.metrics(),
                m.onnxSha256());
    }

    /** A generator by the bundle contract: latent [N, L] -> Gemm -> Sigmoid -> image [N, 1, size, size]. */
    static byte[] tinyGenerator(int latentSize, int size) {
        Random random = new Random(5);
        float[] weights = new float[latentSize * size * size];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) random.nextGaussian();
        }
        OnnxGraph g = new OnnxGraph("generator");
        String z = g.input(GraphNames.GENERATOR_INPUT, latentSize);
        String dense = g.node("Gemm", z, g.floats("w", weights, latentSize, size * size),
                g.floats("b", new float[size * size], size * size));
        String pixels = g.node("Sigmoid", dense);
        g.node("Reshape", List.of(pixels, g.longs("shape", -1, 1, size, size)), List.of(), GraphNames.GENERATOR_OUTPUT);
        g.output(GraphNames.GENERATOR_OUTPUT, 1, size, size);
        return g.toBytes("report-test");
    }
}
