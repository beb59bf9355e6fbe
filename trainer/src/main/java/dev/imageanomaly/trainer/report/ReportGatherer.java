package dev.imageanomaly.trainer.report;

import dev.imageanomaly.scoring.ImageAnomalyDetector;
import dev.imageanomaly.scoring.bundle.GraphNames;
import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.scoring.bundle.Manifest;
import dev.imageanomaly.scoring.bundle.ModelBundle;
import dev.imageanomaly.scoring.bundle.Threshold;
import dev.imageanomaly.scoring.engine.EngineOptions;
import dev.imageanomaly.trainer.TrainingJob;
import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.data.Splits;
import dev.imageanomaly.trainer.eval.DetectionMetrics;
import dev.imageanomaly.trainer.report.ReportData.ClassScores;
import dev.imageanomaly.trainer.report.ReportData.Example;
import dev.imageanomaly.trainer.report.ReportData.Gallery;
import dev.imageanomaly.trainer.report.ReportData.Labelled;
import dev.imageanomaly.trainer.report.ReportData.LatentView;
import dev.imageanomaly.trainer.train.EpochMetrics;
import dev.imageanomaly.trainer.train.EpochMetricsLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * Gathers what a report shows by running the bundle's exported graph through {@link ImageAnomalyDetector},
 * as production scores: scores and latent codes of every image, reconstructions of the few shown,
 * samples from the generator when the bundle has one. A section whose graph output is missing (a
 * model kind without reconstruction or latent code) is omitted with the reason.
 */
public final class ReportGatherer implements AutoCloseable {

    static final int GALLERY_SIZE = 24;
    static final int RECONSTRUCTIONS = 8;
    /** Latent views show at most this many images: enough to see structure, few enough for exact t-SNE. */
    static final int LATENT_POINTS = 2000;
    static final int GENERATED = 64;
    private static final int SCORE_GROUPS = 5;
    /** Most classes per set drawn as separate boxes; more would be unreadable. */
    private static final int MAX_CLASSES = 20;
    /** Samples and projections are seeded: the same bundle and data give the same report. */
    private static final long SEED = 42;

    private final ModelBundle bundle;
    private final Manifest manifest;
    private final ImageAnomalyDetector detector;

    private ReportGatherer(ModelBundle bundle) {
        this.bundle = bundle;
        this.manifest = bundle.manifest();
        this.detector = ImageAnomalyDetector.open(bundle, EngineOptions.cpu());
    }

    public static ReportGatherer open(ModelBundle bundle) {
        return new ReportGatherer(bundle);
    }

    /** What training shows: both splits' scores, the most anomalous validation images, the latent space by score. */
    public ReportData training(SampleSet train, SampleSet validation) {
        ScoredImages trainScored = score("train", train);
        ScoredImages validationScored = score("validation", validation);
        int[] ranked = validationScored.rankedByScore();
        return new ReportData(title("training report"), facts(Map.of()), manifest.input(), history(),
                List.of(trainScored, validationScored), manifest.threshold().value(), thresholdLabel(),
                Section.omitted("training images carry no anomaly labels; `evaluate --normal ... --anomalous ...` "
                        + "writes a report with ROC, precision-recall, scores per class and the confusion matrix"),
                gallery("Most anomalous validation images", validationScored,
                        Arrays.copyOf(ranked, Math.min(GALLERY_SIZE, ranked.length)), i -> "validation", false),
                reconstructions(
                        gallery("Typical validation images (a seeded random sample)", validationScored,
                                randomSample(validationScored.count(), RECONSTRUCTIONS), i -> "validation", true),
                        gallery("Most anomalous validation images", validationScored,
                                Arrays.copyOf(ranked, Math.min(RECONSTRUCTIONS, ranked.length)), i -> "validation",
                                true)),
                latentByScore(List.of(trainScored, validationScored)), generated());
    }

    /** What labelled data shows on top: detection quality, scores per class, galleries of both kinds. */
    public ReportData evaluation(SampleSet normals, SampleSet anomalies) {
        ScoredImages normal = score("normal", normals);
        ScoredImages anomalous = score("anomalous", anomalies);
        ScoredImages both = join("all", normal, anomalous);
        int[] truth = IntStream.range(0, both.count()).map(i -> i < normal.count() ? 0 : 1).toArray();
        IntFunction<String> label = i -> truth[i] == 1 ? "anomalous" : "normal";
        int[] ranked = both.rankedByScore();
        DetectionMetrics atThreshold = DetectionMetrics.of(both.scores(), truth, manifest.threshold().value());
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("evaluated on", String.format("%,d normal and %,d anomalous images", normal.count(), anomalous.count()));
        extra.put("AUROC / average precision", String.format("%.4f / %.4f", atThreshold.auroc(), atThreshold.auprc()));
        extra.put("at the threshold", String.format("precision %.4f, recall %.4f, false-positive rate %.4f",
                atThreshold.precision(), atThreshold.recall(), atThreshold.falsePositiveRate()));
        return new ReportData(title("evaluation report"), facts(extra), manifest.input(), history(),
                List.of(normal, anomalous), manifest.threshold().value(), thresholdLabel(),
                Section.of(new Labelled(both.scores(), truth, perClass(normal, anomalous), atThreshold)),
                gallery("Most anomalous images, normal and anomalous together", both,
                        Arrays.copyOf(ranked, Math.min(GALLERY_SIZE, ranked.length)), label, false),
                reconstructions(
                        gallery("Normal images (a seeded random sample)", normal,
                                randomSample(normal.count(), RECONSTRUCTIONS), i -> "normal", true),
                        gallery("Anomalous images (a seeded random sample)", anomalous,
                                randomSample(anomalous.count(), RECONSTRUCTIONS), i -> "anomalous", true)),
                latentByGroup(both, "label", List.of("normal", "anomalous"), truth), generated());
    }

    /**
     * What an unlabelled set shows (find-anomalies): its score distribution against the threshold, the
     * highest-scoring images, and the latent space split by flagged or not.
     *
     * @param assumption how the threshold was chosen, in words, for the facts table
     * @param top how many of the highest-scoring images the gallery shows
     */
    public ReportData unlabelled(SampleSet images, String assumption, int top) {
        ScoredImages all = score("images", images);
        double threshold = manifest.threshold().value();
        int[] flagged = IntStream.range(0, all.count())
                .map(i -> manifest.threshold().isAnomalous(all.scores()[i]) ? 1 : 0).toArray();
        IntFunction<String> label = i -> flagged[i] == 1 ? "flagged" : "not flagged";
        int[] ranked = all.rankedByScore();
        int[] unflagged = IntStream.range(0, all.count()).filter(i -> flagged[i] == 0).toArray();
        int[] typical = Arrays.stream(randomSample(unflagged.length, RECONSTRUCTIONS)).map(i -> unflagged[i]).toArray();
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("assumed contamination", assumption);
        extra.put("flagged", String.format("%,d of %,d images", Arrays.stream(flagged).sum(), all.count()));
        return new ReportData(title("anomalies in an unlabelled set"), facts(extra),
                manifest.input(), history(), List.of(all), threshold, thresholdLabel(),
                Section.omitted("the images carry no labels, so there is no ROC, precision-recall or confusion matrix; "
                        + "the ranking is in the CSV beside this report"),
                gallery("Most anomalous images", all, Arrays.copyOf(ranked, Math.min(top, ranked.length)), label,
                        false),
                reconstructions(
                        gallery("Typical images (a seeded random sample of those not flagged)", all, typical, label, true),
                        gallery("Most anomalous images", all, Arrays.copyOf(ranked, Math.min(RECONSTRUCTIONS,
                                ranked.length)), label, true)),
                latentByGroup(all, "flagged", List.of("not flagged", "flagged"), flagged), generated());
    }

    ScoredImages score(String name, SampleSet images) {
        if (!images.spec().equals(manifest.input())) {
            throw new IllegalArgumentException(name + " images were preprocessed for " + images.spec()
                    + " but the bundle expects " + manifest.input());
        }
        List<String> outputs = hasLatent() ? List.of(manifest.scoreOutput(), GraphNames.LATENT)
                : List.of(manifest.scoreOutput());
        Map<String, float[]> out = detector.outputs(images.data(), images.count(), outputs);
        float[] latents = out.get(GraphNames.LATENT);
        return new ScoredImages(name, images, out.get(manifest.scoreOutput()), latents,
                latents == null ? 0 : latents.length / images.count());
    }

    private boolean hasLatent() {
        return manifest.outputs().contains(GraphNames.LATENT);
    }

    private boolean hasReconstruction() {
        return manifest.outputs().contains(GraphNames.RECONSTRUCTION);
    }

    private String title(String what) {
        return manifest.name() + " " + manifest.version() + " (" + manifest.kind() + "): " + what;
    }

    private Map<String, String> facts(Map<String, String> extra) {
        InputSpec in = manifest.input();
        Threshold t = manifest.threshold();
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("model", manifest.name() + " " + manifest.version() + ", kind " + manifest.kind());
        facts.put("created", String.valueOf(manifest.createdAt()));
        facts.put("input", in.channels() + " x " + in.height() + " x " + in.width() + ", values in " + in.valueRange());
        facts.put("score", manifest.scoreDefinition() + " (graph output '" + manifest.scoreOutput() + "')");
        facts.put("threshold", String.format("%.6g (%s %s, over %,d scores)", t.value(), t.method(), t.rate(),
                t.calibrationSamples()));
        facts.put("graph outputs", String.join(", ", manifest.outputs()));
        if (manifest.training() != null) {
            manifest.training().forEach((k, v) -> facts.put("training: " + k, String.valueOf(v)));
        }
        facts.putAll(extra);
        return facts;
    }

    private String thresholdLabel() {
        Threshold t = manifest.threshold();
        return String.format("threshold (%s %s)", t.method(), t.rate());
    }

    private Section<List<EpochMetrics>> history() {
        Path log = bundle.directory().resolve(TrainingJob.METRICS_LOG);
        if (!Files.exists(log)) {
            return Section.omitted("the bundle has no " + TrainingJob.METRICS_LOG);
        }
        try {
            List<EpochMetrics> history = EpochMetricsLog.read(log);
            return history.isEmpty() ? Section.omitted(TrainingJob.METRICS_LOG + " has no epochs") : Section.of(history);
        } catch (IOException | RuntimeException e) {
            return Section.omitted(TrainingJob.METRICS_LOG + " could not be read: " + e.getMessage());
        }
    }

    /** Images at the given indices; with {@code reconstructed}, each with its reconstruction from the graph. */
    private Gallery gallery(String title, ScoredImages set, int[] indices, IntFunction<String> label,
            boolean reconstructed) {
        SampleSet shown = set.images().subset(indices);
        float[] reconstructions = reconstructed && hasReconstruction()
                ? detector.outputs(shown.data(), shown.count(), List.of(GraphNames.RECONSTRUCTION))
                        .get(GraphNames.RECONSTRUCTION)
                : null;
        int n = shown.spec().sampleSize();
        List<Example> examples = new ArrayList<>();
        for (int k = 0; k < indices.length; k++) {
            int i = indices[k];
            examples.add(new Example(set.images().ids()[i], label.apply(i), set.scores()[i], shown.sample(k),
                    reconstructions == null ? null : Arrays.copyOfRange(reconstructions, k * n, (k + 1) * n)));
        }
        return new Gallery(title, examples);
    }

    private Section<List<Gallery>> reconstructions(Gallery... galleries) {
        if (!hasReconstruction()) {
            return Section.omitted("the graph has no '" + GraphNames.RECONSTRUCTION + "' output");
        }
        return Section.of(List.of(galleries));
    }

    /** Box per class of each set when the images carry class labels, else one box per set. */
    private static List<ClassScores> perClass(ScoredImages... sets) {
        List<ClassScores> boxes = new ArrayList<>();
        for (ScoredImages set : sets) {
            int[] labels = set.images().labels();
            TreeSet<Integer> classes = new TreeSet<>();
            Arrays.stream(labels).forEach(classes::add);
            if (!set.images().labelled() || classes.size() > MAX_CLASSES || classes.size() < 2) {
                boxes.add(new ClassScores(set.name(), set.scores()));
                continue;
            }
            for (int c : classes) {
                float[] scores = new float[(int) Arrays.stream(labels).filter(l -> l == c).count()];
                int k = 0;
                for (int i = 0; i < set.count(); i++) {
                    if (labels[i] == c) {
                        scores[k++] = set.scores()[i];
                    }
                }
                boxes.add(new ClassScores(set.name() + " " + c, scores));
            }
        }
        return boxes;
    }

    private Section<LatentView> latentByScore(List<ScoredImages> sets) {
        ScoredImages all = sets.get(0);
        for (ScoredImages s : sets.subList(1, sets.size())) {
            all = join("all", all, s);
        }
        Section<int[]> shown = latentSample(all);
        if (!shown.present()) {
            return Section.omitted(shown.whyOmitted());
        }
        float[] scores = new float[shown.content().length];
        for (int k = 0; k < scores.length; k++) {
            scores[k] = all.scores()[shown.content()[k]];
        }
        float[] sorted = scores.clone();
        Arrays.sort(sorted);
        List<String> groups = new ArrayList<>();
        float[] upper = new float[SCORE_GROUPS];
        for (int g = 0; g < SCORE_GROUPS; g++) {
            float low = sorted[sorted.length * g / SCORE_GROUPS];
            upper[g] = sorted[Math.min(sorted.length - 1, sorted.length * (g + 1) / SCORE_GROUPS)];
            groups.add(String.format("score %.3g-%.3g", low, upper[g]));
        }
        int[] groupOf = new int[scores.length];
        for (int k = 0; k < scores.length; k++) {
            int g = 0;
            while (g < SCORE_GROUPS - 1 && scores[k] > upper[g]) {
                g++;
            }
            groupOf[k] = g;
        }
        return latentView(all, shown.content(), "score (fifths, light = low)", groups, groupOf);
    }

    private Section<LatentView> latentByGroup(ScoredImages set, String by, List<String> groups, int[] groupOfImage) {
        Section<int[]> shown = latentSample(set);
        if (!shown.present()) {
            return Section.omitted(shown.whyOmitted());
        }
        int[] groupOf = Arrays.stream(shown.content()).map(i -> groupOfImage[i]).toArray();
        return latentView(set, shown.content(), by, groups, groupOf);
    }

    /** The images a latent view shows: all of them, or a seeded sample of {@value #LATENT_POINTS}. */
    private Section<int[]> latentSample(ScoredImages set) {
        if (!hasLatent()) {
            return Section.omitted("the graph has no '" + GraphNames.LATENT + "' output");
        }
        if (set.latentSize() < 2) {
            return Section.omitted("the latent code has " + set.latentSize() + " dimension; the score histogram shows it");
        }
        return Section.of(set.count() <= LATENT_POINTS ? IntStream.range(0, set.count()).toArray()
                : randomSample(set.count(), LATENT_POINTS));
    }

    private Section<LatentView> latentView(ScoredImages set, int[] shown, String colouredBy, List<String> groups,
            int[] groupOf) {
        int dims = set.latentSize();
        float[] rows = new float[shown.length * dims];
        for (int k = 0; k < shown.length; k++) {
            System.arraycopy(set.latents(), shown[k] * dims, rows, k * dims, dims);
        }
        Pca.Projection pca = Pca.project(rows, shown.length, dims, 2);
        Section<double[][]> tsne = shown.length < TSne.MIN_POINTS
                ? Section.omitted("t-SNE needs at least " + TSne.MIN_POINTS + " images, there are " + shown.length)
                : Section.of(TSne.embed(rows, shown.length, dims, SEED));
        String note = shown.length == set.count()
                ? String.format("all %,d images", set.count())
                : String.format("a seeded random sample of %,d of the %,d images", shown.length, set.count());
        return Section.of(new LatentView(colouredBy, groups, groupOf, pca.points(), pca.explained(), tsne, note));
    }

    private Section<ReportData.Generated> generated() {
        return GeneratorSamples.draw(bundle.directory(), manifest.input(), GENERATED, SEED);
    }

    private static ScoredImages join(String name, ScoredImages a, ScoredImages b) {
        float[] scores = Arrays.copyOf(a.scores(), a.count() + b.count());
        System.arraycopy(b.scores(), 0, scores, a.count(), b.count());
        float[] latents = null;
        if (a.latents() != null && b.latents() != null) {
            latents = Arrays.copyOf(a.latents(), a.latents().length + b.latents().length);
            System.arraycopy(b.latents(), 0, latents, a.latents().length, b.latents().length);
        }
        return new ScoredImages(name, a.images().concat(b.images()), scores, latents, a.latentSize());
    }

    /** {@code k} distinct indices below {@code n} (all of them when {@code n <= k}), seeded. */
    private static int[] randomSample(int n, int k) {
        return Arrays.copyOf(Splits.permutation(n, new Random(SEED)), Math.min(n, k));
    }

    @Override
    public void close() {
        detector.close();
    }
}
