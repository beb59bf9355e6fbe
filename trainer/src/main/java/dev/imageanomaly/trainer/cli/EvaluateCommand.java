package dev.imageanomaly.trainer.cli;

import dev.imageanomaly.scoring.ImageAnomalyDetector;
import dev.imageanomaly.scoring.bundle.ModelBundle;
import dev.imageanomaly.scoring.engine.EngineOptions;
import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.eval.DetectionMetrics;
import dev.imageanomaly.trainer.eval.Evaluation;
import dev.imageanomaly.trainer.report.HtmlReport;
import dev.imageanomaly.trainer.report.ReportGatherer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Measure a bundle on labelled normal and anomalous images (AUROC, AUPRC, F1).",
        description = {"Measure a bundle on images known to be normal and images known to be anomalous,",
            "through ONNX Runtime exactly as production scores: AUROC, AUPRC, and precision, recall,",
            "F1 and the confusion at the bundle's threshold; writes an HTML report with ROC and",
            "precision-recall curves, scores per class, galleries, reconstructions and the latent space.",
            "Example: evaluate --bundle models/mnist-conv-ae/v1 --normal data/mnist-10k-images-idx3-ubyte.gz"
                    + " --normal-range 8000:10000 --anomalous data/fashion-mnist-test-images-idx3-ubyte.gz"})
public final class EvaluateCommand implements Callable<Integer> {

    @Mixin
    BundleOption bundleOption;

    @Option(names = "--normal", required = true, paramLabel = "PATH", description = "normal images (IDX or folder)")
    Path normal;

    @Option(names = "--normal-classes", split = ",", paramLabel = "C", description = "only these labels of --normal")
    List<Integer> normalClasses;

    @Option(names = "--normal-range", paramLabel = "FROM:TO")
    String normalRange;

    @Option(names = "--anomalous", required = true, paramLabel = "PATH", description = "anomalous images (IDX or folder)")
    Path anomalous;

    @Option(names = "--anomalous-classes", split = ",", paramLabel = "C", description = "only these labels of --anomalous")
    List<Integer> anomalousClasses;

    @Option(names = "--anomalous-range", paramLabel = "FROM:TO")
    String anomalousRange;

    @Mixin
    ProviderOption providerOption;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the metrics as JSON")
    Path json;

    @Option(names = "--report", paramLabel = "DIR",
            description = "where the HTML evaluation report goes (default: <bundle>/" + EVALUATION_REPORT_DIR + ")")
    Path report;

    @Option(names = "--no-report", description = "skip the HTML evaluation report")
    boolean noReport;

    static final String EVALUATION_REPORT_DIR = "evaluation-report";

    @Override
    public Integer call() throws Exception {
        EngineOptions options = new EngineOptions(providerOption.provider(), 0, 0, 256);
        SampleSet normals;
        SampleSet anomalies;
        try (ImageAnomalyDetector detector = ImageAnomalyDetector.load(bundleOption.bundle(), options)) {
            var spec = detector.manifest().input();
            normals = SampleLoader.load(normal, null, normalClasses, normalRange, spec, System.err);
            anomalies = SampleLoader.load(anomalous, null, anomalousClasses, anomalousRange, spec, System.err);
            DetectionMetrics m = Evaluation.evaluate(detector, Evaluation.normalVersusAnomalous(normals, anomalies));
            System.out.printf("%s %s (%s)%n", detector.manifest().name(), detector.manifest().version(),
                    detector.manifest().kind());
            System.out.println(m.summary());
            if (json != null) {
                Files.writeString(json, ModelBundle.json().writeValueAsString(m));
            }
        }
        if (!noReport) {
            ModelBundle loaded = ModelBundle.load(bundleOption.bundle());
            try (ReportGatherer gatherer = ReportGatherer.open(loaded)) {
                Path index = HtmlReport.write(gatherer.evaluation(normals, anomalies),
                        report != null ? report : bundleOption.bundle().resolve(EVALUATION_REPORT_DIR));
                System.out.println("evaluation report written to " + index);
            }
        }
        return 0;
    }
}
