package dev.imageanomaly.trainer;

import dev.imageanomaly.scoring.ImageAnomalyDetector;
import dev.imageanomaly.scoring.bundle.Calibration;
import dev.imageanomaly.scoring.bundle.Manifest;
import dev.imageanomaly.scoring.bundle.ModelBundle;
import dev.imageanomaly.scoring.bundle.Threshold;
import dev.imageanomaly.scoring.engine.EngineOptions;
import dev.imageanomaly.trainer.data.SampleSet;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The unlabelled use case: a set that is mostly one kind of image with strays mixed in, and no labels.
 * Trains on the set itself, robustly to the strays: a first model learns from everything, the
 * {@code contamination} share of images it scores highest are set aside, and a second model learns
 * from the rest, so the strays shape "normal" far less. The second model scores every image through its
 * exported ONNX graph, and its threshold is the (1 - contamination) quantile of those scores: the
 * images above it are the ones flagged.
 */
public final class FindAnomaliesJob {

    /**
     * @param training name, version and output root of the final bundle, and how to train both models
     * @param contamination the share of strays assumed, in (0, 0.5)
     */
    public record Request(TrainingJob.Request training, double contamination) {

        public Request {
            if (!(contamination > 0 && contamination < 0.5)) {
                throw new IllegalArgumentException("contamination must be in (0, 0.5), was " + contamination);
            }
        }
    }

    /**
     * @param bundle the second model, its threshold calibrated by contamination
     * @param scores every image's score under that model, in the set's order
     * @param setAside how many images the first model's ranking kept out of the second training
     */
    public record Result(ModelBundle bundle, float[] scores, int setAside) {

        public boolean flagged(int i) {
            return bundle.manifest().threshold().isAnomalous(scores[i]);
        }
    }

    private final PrintStream console;

    public FindAnomaliesJob(PrintStream console) {
        this.console = console;
    }

    public Result run(SampleSet images, Request request) throws IOException {
        int setAside = (int) Math.max(1, Math.round(images.count() * request.contamination()));
        if (images.count() - setAside < 10) {
            throw new IllegalArgumentException("too few images (" + images.count() + ") to train on what is left after "
                    + "setting aside the " + setAside + " most anomalous; give at least " + (10 + setAside));
        }
        say("assuming %.1f %% contamination: %d of %d images are strays", 100 * request.contamination(), setAside,
                images.count());
        say("first training, on all %d images", images.count());
        float[] firstScores = firstPassScores(images, request.training());
        int[] kept = lowestScoring(firstScores, images.count() - setAside);
        say("second training, on the %d images left after setting aside the %d scored highest", kept.length, setAside);
        ModelBundle second = new TrainingJob(console).run(images.subset(kept), request.training());
        float[] scores = scores(second, images);
        Threshold threshold = Calibration.threshold(scores, request.contamination(), Calibration.CONTAMINATION);
        ModelBundle bundle = second.withManifest(calibratedByContamination(second.manifest(), threshold, setAside));
        say("threshold %.6g: the %.1f %% highest of %d scores", threshold.value(), 100 * request.contamination(),
                scores.length);
        return new Result(bundle, scores, setAside);
    }

    /** The first model only ranks the images; its bundle goes into a temporary folder and is deleted. */
    private float[] firstPassScores(SampleSet images, TrainingJob.Request training) throws IOException {
        Path scratch = Files.createTempDirectory("find-anomalies-first-pass");
        try {
            TrainingJob.Request first = new TrainingJob.Request(training.name(), "first-pass", scratch,
                    training.config(), training.validationFraction(), training.targetFalsePositiveRate());
            ModelBundle bundle = new TrainingJob(console).run(images, first);
            return scores(bundle, images);
        } finally {
            deleteRecursively(scratch);
        }
    }

    private static float[] scores(ModelBundle bundle, SampleSet images) {
        try (ImageAnomalyDetector detector = ImageAnomalyDetector.open(bundle, EngineOptions.cpu())) {
            return detector.decisionFunction(images.data(), images.count());
        }
    }

    /** Indices of the {@code count} lowest scores, in the set's order. */
    static int[] lowestScoring(float[] scores, int count) {
        return IntStream.range(0, scores.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> scores[i]))
                .limit(count).mapToInt(Integer::intValue).sorted().toArray();
    }

    /** The threshold, and in the training facts how the set was cleaned, so the bundle says how it was made. */
    private static Manifest calibratedByContamination(Manifest m, Threshold threshold, int setAside) {
        Map<String, Object> training = new LinkedHashMap<>(m.training());
        training.put("assumedContamination", threshold.rate());
        training.put("setAsideByFirstPass", setAside);
        return new Manifest(m.formatVersion(), m.name(), m.version(), m.kind(), m.createdAt(), m.input(), m.outputs(),
                m.scoreOutput(), m.scoreDefinition(), threshold, m.scoreStats(), training, m.metrics(), m.onnxSha256());
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the first pass's scratch folder " + dir, e);
        }
    }

    private void say(String format, Object... args) {
        if (console != null) {
            console.printf(format + "%n", args);
        }
    }
}
