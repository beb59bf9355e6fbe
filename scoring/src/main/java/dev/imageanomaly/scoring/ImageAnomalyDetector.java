package dev.imageanomaly.scoring;

import dev.imageanomaly.scoring.bundle.Manifest;
import dev.imageanomaly.scoring.bundle.ModelBundle;
import dev.imageanomaly.scoring.bundle.Threshold;
import dev.imageanomaly.scoring.engine.EngineOptions;
import dev.imageanomaly.scoring.engine.ExecutionProvider;
import dev.imageanomaly.scoring.engine.OnnxScoringEngine;
import dev.imageanomaly.scoring.engine.OnnxScoringEngine.SampleWriter;
import dev.imageanomaly.scoring.image.DecodedImage;
import dev.imageanomaly.scoring.image.Preprocessor;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A loaded model bundle ready to score images, in the shape of PyOD's detectors:
 * {@link #decisionFunction} gives raw scores (higher is more anomalous), {@link #predict} holds them
 * against the bundle's calibrated threshold. Thread-safe.
 */
public final class ImageAnomalyDetector implements AutoCloseable {

    private final ModelBundle bundle;
    private final Preprocessor preprocessor;
    private final OnnxScoringEngine engine;

    private ImageAnomalyDetector(ModelBundle bundle, OnnxScoringEngine engine) {
        this.bundle = bundle;
        this.preprocessor = bundle.manifest().input().isFeatures() ? null : new Preprocessor(bundle.manifest().input());
        this.engine = engine;
    }

    public static ImageAnomalyDetector load(Path bundleDirectory, EngineOptions options) {
        return open(ModelBundle.load(bundleDirectory), options);
    }

    public static ImageAnomalyDetector open(ModelBundle bundle, EngineOptions options) {
        return new ImageAnomalyDetector(bundle,
                OnnxScoringEngine.open(bundle.onnxModel(), bundle.manifest().input(), options));
    }

    public Manifest manifest() {
        return bundle.manifest();
    }

    public ModelBundle bundle() {
        return bundle;
    }

    public Preprocessor preprocessor() {
        if (preprocessor == null) {
            throw new IllegalStateException("bundle " + bundle.manifest().name() + " scores feature vectors, not images");
        }
        return preprocessor;
    }

    public ExecutionProvider executionProvider() {
        return engine.activeProvider();
    }

    public double threshold() {
        return bundle.manifest().threshold().value();
    }

    /** The bundle's threshold rule applied to a score (see {@link Threshold#isAnomalous(double, double)}). */
    public boolean isAnomalous(double score) {
        return bundle.manifest().threshold().isAnomalous(score);
    }

    /** Scores preprocessed samples laid out back to back (see {@link Preprocessor#toInput(DecodedImage, float[], int)}). */
    public float[] decisionFunction(float[] batch, int count) {
        return engine.run(batch, count, List.of(bundle.manifest().scoreOutput())).get(bundle.manifest().scoreOutput());
    }

    /**
     * Scores preprocessed samples laid out back to back from the start of {@code batch}; a direct
     * buffer from {@link OnnxScoringEngine#directBuffer(int)} is read by the runtime where it is.
     */
    public float[] decisionFunction(FloatBuffer batch, int count) {
        String score = bundle.manifest().scoreOutput();
        return engine.run(batch, count, List.of(score)).get(score);
    }

    /** Scores decoded images, each preprocessed straight into the runtime's input buffer. */
    public float[] decisionFunction(List<DecodedImage> images) {
        Preprocessor pre = preprocessor();
        return decisionFunction(images.size(), (sample, input, offset) -> pre.toInput(images.get(sample), input, offset));
    }

    /** Scores {@code count} preprocessed samples that {@code samples} writes straight into the runtime's input buffer. */
    public float[] decisionFunction(int count, SampleWriter samples) {
        String score = bundle.manifest().scoreOutput();
        return engine.run(count, samples, List.of(score)).get(score);
    }

    public float[] preprocess(List<DecodedImage> images) {
        Preprocessor pre = preprocessor();
        int size = pre.spec().sampleSize();
        float[] batch = new float[images.size() * size];
        for (int i = 0; i < images.size(); i++) {
            pre.toInput(images.get(i), batch, i * size);
        }
        return batch;
    }

    /**
     * Scores raw feature vectors (rows back to back, in the bundle's column order): standardizes
     * each column with the statistics stored in the manifest, then runs the graph.
     */
    public float[] decisionFunctionOfFeatures(float[] rows, int count) {
        return decisionFunction(FeatureStandardizer.of(bundle.manifest().input()).standardize(rows, count), count);
    }

    public Prediction[] predict(float[] batch, int count) {
        float[] scores = decisionFunction(batch, count);
        Prediction[] predictions = new Prediction[count];
        for (int i = 0; i < count; i++) {
            predictions[i] = Prediction.of(scores[i], threshold());
        }
        return predictions;
    }

    /** Runs the graph for any of its outputs (reconstruction, latent codes) for reports. */
    public Map<String, float[]> outputs(float[] batch, int count, List<String> names) {
        return engine.run(batch, count, names);
    }

    @Override
    public void close() {
        engine.close();
    }
}
