package dev.imageanomaly.trainer;

import dev.imageanomaly.scoring.bundle.Calibration;
import dev.imageanomaly.scoring.bundle.Manifest;
import dev.imageanomaly.scoring.bundle.ModelBundle;
import dev.imageanomaly.scoring.bundle.ScoreStats;
import dev.imageanomaly.scoring.bundle.Threshold;
import dev.imageanomaly.scoring.engine.EngineOptions;
import dev.imageanomaly.scoring.engine.OnnxScoringEngine;
import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.data.Splits;
import dev.imageanomaly.trainer.density.LatentDensityFeature;
import dev.imageanomaly.trainer.export.ExportedModel;
import dev.imageanomaly.trainer.export.GeneratorFile;
import dev.imageanomaly.trainer.export.Precision;
import dev.imageanomaly.trainer.kinds.ModelKinds;
import dev.imageanomaly.trainer.report.HtmlReport;
import dev.imageanomaly.trainer.report.ReportGatherer;
import dev.imageanomaly.trainer.train.EpochMetrics;
import dev.imageanomaly.trainer.train.EpochMetricsLog;
import dev.imageanomaly.trainer.train.TrainedModel;
import dev.imageanomaly.trainer.train.TrainingConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * From normal images to a model bundle: split, train, export to ONNX, score the held-out normal
 * images through the exported graph with ONNX Runtime, calibrate the threshold on those scores,
 * and write the bundle. Calibrating on the exported graph means the threshold fits what production runs.
 */
public final class TrainingJob {

    /** The training report's folder inside the bundle. */
    public static final String REPORT_DIR = "report";

    /**
     * @param validationFraction share of the normal images held out for early stopping and calibration
     * @param targetFalsePositiveRate share of held-out normal images allowed above the threshold
     * @param precision the number format of the exported graph (the threshold is calibrated on it)
     */
    public record Request(String name, String version, Path outputRoot, TrainingConfig config,
            double validationFraction, double targetFalsePositiveRate, Precision precision) {

        /** A request for an FP32 graph, as trained. */
        public Request(String name, String version, Path outputRoot, TrainingConfig config,
                double validationFraction, double targetFalsePositiveRate) {
            this(name, version, outputRoot, config, validationFraction, targetFalsePositiveRate, Precision.FP32);
        }

        public static String timestampVersion() {
            return DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        }
    }

    private final PrintStream console;
    private final boolean writeReport;

    public TrainingJob(PrintStream console) {
        this(console, false);
    }

    /** @param writeReport also write the HTML training report into {@code <bundle>/}{@value #REPORT_DIR} */
    public TrainingJob(PrintStream console, boolean writeReport) {
        this.console = console;
        this.writeReport = writeReport;
    }

    public ModelBundle run(SampleSet normal, Request request) throws IOException {
        TrainingConfig config = request.config();
        Splits splits = Splits.of(normal.count(), request.validationFraction(), config.seed());
        SampleSet train = normal.subset(splits.train());
        SampleSet validation = normal.subset(splits.validation());
        Path bundleDir = request.outputRoot().resolve(request.name()).resolve(request.version());
        Files.createDirectories(bundleDir);
        // Networks append their epochs to the logs; a rerun into the same version starts them afresh.
        Files.deleteIfExists(bundleDir.resolve(EpochMetricsLog.FILE));
        Files.deleteIfExists(EpochMetricsLog.csvBeside(bundleDir.resolve(EpochMetricsLog.FILE)));
        say("training %s on %d images (%d held out for validation and calibration), %dx%dx%d input",
                config.kind().id(), train.count(), validation.count(), normal.spec().channels(),
                normal.spec().height(), normal.spec().width());

        try (TrainedModel model = ModelKinds.fit(train, validation, config, console,
                bundleDir.resolve(EpochMetricsLog.FILE))) {
            // Before the density feature: its arithmetic stays FP32 whatever the network computes in.
            ExportedModel exported = request.precision().apply(model.export(request.name()), train);
            LatentDensityFeature.Result density = null;
            if (config.densityComponents() > 0) {
                density = LatentDensityFeature.attach(exported, train, config.densityComponents(), config.seed());
                exported = density.model();
                say("latent density: %d-component Gaussian mixture on %d training codes; score = %s",
                        config.densityComponents(), train.count(), LatentDensityFeature.COMBINED);
            }
            float[] validationScores = scoreWithOnnx(exported.model(), exported.scoreOutput(), validation);
            Threshold threshold = Calibration.threshold(validationScores, request.targetFalsePositiveRate(),
                    Calibration.TARGET_FPR);
            say("trained in %.1f s; threshold %.6g (%.1f %% target false-positive rate on %d held-out images)",
                    model.trainingSeconds(), threshold.value(), 100 * request.targetFalsePositiveRate(),
                    validation.count());
            Map<String, Object> facts = trainingFacts(normal, train, validation, model);
            if (request.precision() != Precision.FP32) {
                facts.put(Precision.FACT, request.precision().id());
            }
            if (request.precision() == Precision.INT8) {
                facts.put("int8CalibrationSamples", Math.min(Precision.CALIBRATION_SAMPLES, train.count()));
            }
            if (density != null) {
                facts.put("scoreCombination", density.manifestFacts());
            }
            if (exported.generator() != null) {
                facts.put(GeneratorFile.SHA256_FACT, GeneratorFile.write(bundleDir, exported.generator()));
            }
            Manifest manifest = new Manifest(Manifest.FORMAT_VERSION, request.name(), request.version(),
                    config.kind().id(), Instant.now(), normal.spec(), exported.outputs(), exported.scoreOutput(),
                    exported.scoreDefinition(), threshold, ScoreStats.of(validationScores), facts,
                    trainingMetrics(model.history()), null);
            ModelBundle bundle = ModelBundle.write(request.outputRoot(), manifest, exported.model());
            say("model bundle written to %s", bundle.directory());
            if (writeReport) {
                writeReport(bundle, train, validation);
            }
            return bundle;
        }
    }

    /** The bundle is the product; a report that cannot be drawn is said, and does not undo the training. */
    private void writeReport(ModelBundle bundle, SampleSet train, SampleSet validation) {
        try (ReportGatherer gatherer = ReportGatherer.open(bundle)) {
            Path index = HtmlReport.write(gatherer.training(train, validation),
                    bundle.directory().resolve(REPORT_DIR));
            say("training report written to %s", index);
        } catch (IOException | RuntimeException e) {
            say("could not write the training report: %s", e.getMessage() != null ? e.getMessage() : e.toString());
        }
    }

    /** The exported graph is not in a bundle yet: its threshold is what this scoring decides. */
    private static float[] scoreWithOnnx(byte[] onnx, String scoreOutput, SampleSet images) {
        try (OnnxScoringEngine engine = OnnxScoringEngine.open(onnx, images.spec(), EngineOptions.cpu())) {
            return engine.run(images.data(), images.count(), List.of(scoreOutput)).get(scoreOutput);
        }
    }

    private static Map<String, Object> trainingFacts(SampleSet all, SampleSet train, SampleSet validation,
            TrainedModel model) {
        TrainingConfig c = model.config();
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("dataFingerprint", "sha256:" + all.fingerprint());
        facts.put("samples", all.count());
        facts.put("trainSamples", train.count());
        facts.put("validationSamples", validation.count());
        facts.put("seed", c.seed());
        facts.put("epochsPlanned", c.epochs());
        facts.put("epochsRun", model.history().size());
        facts.put("batchSize", c.batchSize());
        facts.put("learningRate", c.learningRate());
        facts.put("schedule", c.schedule().name().toLowerCase());
        facts.put("latent", c.latent());
        facts.put("hidden", c.hidden());
        facts.put("patience", c.patience());
        facts.putAll(model.facts());
        facts.put("architecture", model.architecture());
        facts.put("trainingSeconds", model.trainingSeconds());
        facts.put("engine", "DJL " + ai.djl.engine.Engine.getDjlVersion() + " / "
                + ai.djl.engine.Engine.getInstance().getEngineName() + " " + ai.djl.engine.Engine.getInstance().getVersion());
        return facts;
    }

    private static Map<String, Object> trainingMetrics(List<EpochMetrics> history) {
        EpochMetrics best = history.stream().filter(EpochMetrics::best).reduce((a, b) -> b).orElseThrow();
        EpochMetrics last = history.get(history.size() - 1);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("bestEpoch", best.epoch());
        metrics.put("bestValidationLoss", best.validationLoss());
        metrics.put("finalTrainLoss", last.trainLoss());
        return metrics;
    }

    private void say(String format, Object... args) {
        if (console != null) {
            console.printf(format + "%n", args);
        }
    }
}
