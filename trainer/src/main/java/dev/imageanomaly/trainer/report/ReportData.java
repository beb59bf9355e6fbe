package dev.imageanomaly.trainer.report;

import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.trainer.eval.DetectionMetrics;
import dev.imageanomaly.trainer.train.EpochMetrics;
import java.util.List;
import java.util.Map;

/**
 * Everything one report shows, gathered and computed, with no drawing: {@link ReportGatherer} fills
 * it, {@link HtmlReport} renders it.
 *
 * @param facts what the model is and how it was made, in display order
 * @param training the per-epoch metrics from the bundle's log
 * @param sets the scored image sets whose score distributions are compared
 * @param thresholdLabel how the threshold was chosen, for the charts' legends
 * @param labelled ground truth: present for evaluation, omitted for unlabelled data
 * @param mostAnomalous the highest-scoring images, highest first
 * @param reconstructions inputs beside their reconstructions, one group per kind of image
 * @param latent the latent codes in two dimensions
 * @param generated images drawn by the bundle's generator from seeded N(0, I) latents
 */
public record ReportData(
        String title,
        Map<String, String> facts,
        InputSpec input,
        Section<List<EpochMetrics>> training,
        List<ScoredImages> sets,
        double threshold,
        String thresholdLabel,
        Section<Labelled> labelled,
        Gallery mostAnomalous,
        Section<List<Gallery>> reconstructions,
        Section<LatentView> latent,
        Section<Generated> generated) {

    /** One image in a gallery; {@code reconstruction} is null where the gallery shows inputs only. */
    public record Example(String id, String label, float score, float[] input, float[] reconstruction) {}

    public record Gallery(String title, List<Example> examples) {}

    /** Scores of one class of images (e.g. "anomalous 7"), for the box plots. */
    public record ClassScores(String name, float[] scores) {}

    /**
     * @param anomalous 1 for an anomalous image, 0 for a normal one, per score
     * @param atThreshold precision, recall and the confusion at the bundle's threshold
     */
    public record Labelled(float[] scores, int[] anomalous, List<ClassScores> perClass,
            DetectionMetrics atThreshold) {}

    /**
     * Two-dimensional views of the latent codes of {@code groupOf.length} images, each in one colour group.
     *
     * @param pca the points on the two leading principal components
     * @param pcaExplained the share of the variance each of those components explains
     * @param note which images are shown (a seeded sample when there are many)
     */
    public record LatentView(String colouredBy, List<String> groups, int[] groupOf, double[][] pca,
            double[] pcaExplained, Section<double[][]> tsne, String note) {}

    /** {@code count} images in the model input's space, {@code latentSize} the generator's input width. */
    public record Generated(float[] images, int count, int latentSize) {}
}
