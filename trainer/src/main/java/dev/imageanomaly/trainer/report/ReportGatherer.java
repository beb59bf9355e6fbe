package dev.imageanomaly.trainer.report;

import dev.imageanomaly.scoring.ImageAnomalyDetector;
import dev.imageanomaly.scoring.bundle.GraphNames;
import dev.imageanomaly.scoring.bundle.Manifest;
import dev.imageanomaly.scoring.bundle.ModelBundle;
import dev.imageanomaly.scoring.engine.EngineOptions;
import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.eval.DetectionMetrics;
import dev.imageanomaly.trainer.report.ReportData.Labelled;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    static final int GENERATED = 64;

    private final ModelBundle bundle;
    private final Manifest manifest;
    private final ImageAnomalyDetector detector;
    private final BundleFacts about;
    private final Galleries galleries;
    private final LatentViews latentViews;

    private ReportGatherer(ModelBundle bundle) {
        this.bundle = bundle;
        this.manifest = bundle.manifest();
        this.detector = ImageAnomalyDetector.open(bundle, EngineOptions.cpu());
        this.about = new BundleFacts(bundle);
        this.galleries = new Galleries(detector);
        this.latentViews = new LatentViews(manifest);
    }

    public static ReportGatherer open(ModelBundle bundle) {
        return new ReportGatherer(bundle);
    }

    /** What training shows: both splits' scores, the most anomalous validation images, the latent space by score. */
    public ReportData training(SampleSet train, SampleSet validation) {
        ScoredImages trainScored = score("train", train);
        ScoredImages validationScored = score("validation", validation);
        int[] ranked = validationScored.rankedByScore();
        return new ReportData(about.title("training report"), about.facts(Map.of()), manifest.input(), about.history(),
                List.of(trainScored, validationScored), manifest.threshold().value(), about.thresholdLabel(),
                Section.omitted("training images carry no anomaly labels; `evaluate --normal ... --anomalous ...` "
                        + "writes a report with ROC, precision-recall, scores per class and the confusion matrix"),
                galleries.gallery("Most anomalous validation images", validationScored,
                        Arrays.copyOf(ranked, Math.min(GALLERY_SIZE, ranked.length)), i -> "validation", false),
                galleries.reconstructions(
                        galleries.gallery("Typical validation images (a seeded random sample)", validationScored,
                                SeededSample.indices(validationScored.count(), RECONSTRUCTIONS), i -> "validation", true),
                        galleries.gallery("Most anomalous validation images", validationScored,
                                Arrays.copyOf(ranked, Math.min(RECONSTRUCTIONS, ranked.length)), i -> "validation",
                                true)),
                latentViews.byScore(List.of(trainScored, validationScored)), GeneratorSamples.draw(bundle.directory(), manifest.input(), GENERATED, SeededSample.SEED));
    }

    /** What labelled data shows on top: detection quality, scores per class, galleries of both kinds. */
    public ReportData evaluation(SampleSet normals, SampleSet anomalies) {
        ScoredImages normal = score("normal", normals);
        ScoredImages anomalous = score("anomalous", anomalies);
        ScoredImages both = normal.concat("all", anomalous);
        int[] truth = IntStream.range(0, both.count()).map(i -> i < normal.count() ? 0 : 1).toArray();
        IntFunction<String> label = i -> truth[i] == 1 ? "anomalous" : "normal";
        int[] ranked = both.rankedByScore();
        DetectionMetrics atThreshold = DetectionMetrics.of(both.scores(), truth, manifest.threshold().value());
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("evaluated on", String.format("%,d normal and %,d anomalous images", normal.count(), anomalous.count()));
        extra.put("AUROC / average precision", String.format("%.4f / %.4f", atThreshold.auroc(), atThreshold.auprc()));
        extra.put("at the threshold", String.format("precision %.4f, recall %.4f, false-positive rate %.4f",
                atThreshold.precision(), atThreshold.recall(), atThreshold.falsePositiveRate()));
        return new ReportData(about.title("evaluation report"), about.facts(extra), manifest.input(), about.history(),
                List.of(normal, anomalous), manifest.threshold().value(), about.thresholdLabel(),
                Section.of(new Labelled(both.scores(), truth, ScoredImages.perClass(normal, anomalous), atThreshold)),
                galleries.gallery("Most anomalous images, normal and anomalous together", both,
                        Arrays.copyOf(ranked, Math.min(GALLERY_SIZE, ranked.length)), label, false),
                galleries.reconstructions(
                        galleries.gallery("Normal images (a seeded random sample)", normal,
                                SeededSample.indices(normal.count(), RECONSTRUCTIONS), i -> "normal", true),
                        galleries.gallery("Anomalous images (a seeded random sample)", anomalous,
                                SeededSample.indices(anomalous.count(), RECONSTRUCTIONS), i -> "anomalous", true)),
                latentViews.byGroup(both, "label", List.of("normal", "anomalous"), truth), GeneratorSamples.draw(bundle.directory(), manifest.input(), GENERATED, SeededSample.SEED));
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
        int[] typical = Arrays.stream(SeededSample.indices(unflagged.length, RECONSTRUCTIONS)).map(i -> unflagged[i]).toArray();
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("assumed contamination", assumption);
        extra.put("flagged", String.format("%,d of %,d images", Arrays.stream(flagged).sum(), all.count()));
        return new ReportData(about.title("anomalies in an unlabelled set"), about.facts(extra),
                manifest.input(), about.history(), List.of(all), threshold, about.thresholdLabel(),
                Section.omitted("the images carry no labels, so there is no ROC, precision-recall or confusion matrix; "
                        + "the ranking is in the CSV beside this report"),
                galleries.gallery("Most anomalous images", all, Arrays.copyOf(ranked, Math.min(top, ranked.length)), label,
                        false),
                galleries.reconstructions(
                        galleries.gallery("Typical images (a seeded random sample of those not flagged)", all, typical, label, true),
                        galleries.gallery("Most anomalous images", all, Arrays.copyOf(ranked, Math.min(RECONSTRUCTIONS,
                                ranked.length)), label, true)),
                latentViews.byGroup(all, "flagged", List.of("not flagged", "flagged"), flagged), GeneratorSamples.draw(bundle.directory(), manifest.input(), GENERATED, SeededSample.SEED));
    }

    ScoredImages score(String name, SampleSet images) {
        if (!images.spec().equals(manifest.input())) {
            throw new IllegalArgumentException(name + " images were preprocessed for " + images.spec()
                    + " but the bundle expects " + manifest.input());
        }
        List<String> outputs = manifest.outputs().contains(GraphNames.LATENT) ? List.of(manifest.scoreOutput(), GraphNames.LATENT)
                : List.of(manifest.scoreOutput());
        Map<String, float[]> out = detector.outputs(images.data(), images.count(), outputs);
        float[] latents = out.get(GraphNames.LATENT);
        return new ScoredImages(name, images, out.get(manifest.scoreOutput()), latents,
                latents == null ? 0 : latents.length / images.count());
    }

    @Override
    public void close() {
        detector.close();
    }
}
