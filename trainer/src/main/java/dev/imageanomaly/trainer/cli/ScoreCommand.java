package dev.imageanomaly.trainer.cli;

import dev.imageanomaly.scoring.ImageAnomalyDetector;
import dev.imageanomaly.scoring.Prediction;
import dev.imageanomaly.scoring.engine.EngineOptions;
import dev.imageanomaly.trainer.data.SampleSet;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "score", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Score images with a model bundle: one line per image with id, score and verdict.",
            "Example: score --bundle models/mnist-conv-ae/v1 --input photos/ --out scores.csv"})
public final class ScoreCommand implements Callable<Integer> {

    @Mixin
    BundleOption bundleOption;

    @Option(names = "--input", required = true, paramLabel = "PATH", description = "IDX file or folder of images")
    Path input;

    @Option(names = "--range", paramLabel = "FROM:TO", description = "score only images FROM to TO")
    String range;

    @Option(names = "--out", paramLabel = "FILE",
            description = "output file; .jsonl writes JSON lines, anything else CSV (default: CSV to stdout)")
    Path out;

    @Mixin
    ProviderOption providerOption;

    @Option(names = "--batch-size", defaultValue = "256", description = "default: ${DEFAULT-VALUE}")
    int batchSize;

    @Override
    public Integer call() throws Exception {
        EngineOptions options = new EngineOptions(providerOption.provider(), 0, 0, batchSize);
        try (ImageAnomalyDetector detector = ImageAnomalyDetector.load(bundleOption.bundle(), options)) {
            SampleSet images = SampleLoader.load(input, null, null, range, detector.manifest().input(), System.err);
            Prediction[] predictions = detector.predict(images.data(), images.count());
            boolean jsonLines = out != null && out.toString().endsWith(".jsonl");
            // Standard output is flushed, never closed: closing it would silence System.out for the rest of the JVM.
            PrintWriter w = out == null ? new PrintWriter(System.out, false) : new PrintWriter(Files.newBufferedWriter(out));
            try {
                if (!jsonLines) {
                    w.println("id,score,verdict");
                }
                var json = dev.imageanomaly.scoring.bundle.ModelBundle.json().copy()
                        .disable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
                for (int i = 0; i < images.count(); i++) {
                    String verdict = predictions[i].anomalous() ? "anomaly" : "normal";
                    if (jsonLines) {
                        w.println(json.writeValueAsString(Map.of("id", images.ids()[i], "score", predictions[i].score(),
                                "threshold", predictions[i].threshold(), "verdict", verdict)));
                    } else {
                        w.printf("%s,%.8g,%s%n", csv(images.ids()[i]), predictions[i].score(), verdict);
                    }
                }
                if (w.checkError()) { // PrintWriter swallows I/O errors: a full disk must not look like success
                    throw new java.io.IOException("writing scores to " + (out == null ? "standard output" : out) + " failed");
                }
            } finally {
                if (out == null) {
                    w.flush();
                } else {
                    w.close();
                }
            }
            long anomalies = java.util.Arrays.stream(predictions).filter(Prediction::anomalous).count();
            System.err.printf("scored %d images: %d anomalous at threshold %.6g%n", images.count(), anomalies,
                    detector.threshold());
        }
        return 0;
    }

    static String csv(String value) {
        return value.contains(",") || value.contains("\"") ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
    }
}
