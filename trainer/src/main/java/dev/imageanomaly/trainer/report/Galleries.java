package dev.imageanomaly.trainer.report;

import dev.imageanomaly.scoring.ImageAnomalyDetector;
import dev.imageanomaly.scoring.bundle.GraphNames;
import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.report.ReportData.Example;
import dev.imageanomaly.trainer.report.ReportData.Gallery;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

/** Galleries of images with their scores, and beside their reconstructions when the graph has them. */
final class Galleries {

    private final ImageAnomalyDetector detector;
    private final boolean hasReconstruction;
    private final boolean features;

    Galleries(ImageAnomalyDetector detector) {
        this.detector = detector;
        this.hasReconstruction = detector.manifest().outputs().contains(GraphNames.RECONSTRUCTION);
        this.features = detector.manifest().input().isFeatures();
    }

    /** Reconstructions are drawn for images from a graph that outputs them; feature rows are not pictures. */
    private boolean drawsReconstructions() {
        return hasReconstruction && !features;
    }

    /** Images at the given indices; with {@code reconstructed}, each with its reconstruction from the graph. */
    Gallery gallery(String title, ScoredImages set, int[] indices, IntFunction<String> label,
            boolean reconstructed) {
        SampleSet shown = set.images().subset(indices);
        float[] reconstructions = reconstructed && drawsReconstructions()
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

    Section<List<Gallery>> reconstructions(Gallery... galleries) {
        if (!hasReconstruction) {
            return Section.omitted("the graph has no '" + GraphNames.RECONSTRUCTION + "' output");
        }
        if (features) {
            return Section.omitted("the model scores rows of features, which are not pictures");
        }
        return Section.of(List.of(galleries));
    }
}
