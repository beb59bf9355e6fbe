package dev.imageanomaly.trainer.eval;

import dev.imageanomaly.scoring.ImageAnomalyDetector;
import dev.imageanomaly.trainer.data.SampleSet;

/**
 * Measures a bundle on labelled data through the scoring engine, never through DJL: the numbers
 * are what production would do.
 */
public final class Evaluation {

    private Evaluation() {}

    /** @param images preprocessed with the bundle's input spec, labelled 1 = anomalous, 0 = normal */
    public static DetectionMetrics evaluate(ImageAnomalyDetector detector, SampleSet images) {
        if (!images.spec().equals(detector.manifest().input())) {
            throw new IllegalArgumentException("images were preprocessed for " + images.spec()
                    + " but the bundle expects " + detector.manifest().input());
        }
        float[] scores = detector.decisionFunction(images.data(), images.count());
        return DetectionMetrics.of(scores, images.labels(), detector.threshold());
    }

    /** Normal images labelled 0 followed by anomalous images labelled 1. */
    public static SampleSet normalVersusAnomalous(SampleSet normal, SampleSet anomalous) {
        return normal.relabel(0).concat(anomalous.relabel(1));
    }
}
