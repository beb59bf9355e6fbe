package dev.imageanomaly.trainer.bench;

import dev.imageanomaly.scoring.ImageAnomalyDetector;
import dev.imageanomaly.scoring.bundle.ModelBundle;
import dev.imageanomaly.scoring.engine.EngineOptions;
import dev.imageanomaly.trainer.TrainingJob;
import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.eval.Evaluation;
import dev.imageanomaly.trainer.eval.TabularProtocol;
import dev.imageanomaly.trainer.train.ModelKind;
import dev.imageanomaly.trainer.train.TrainingConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Trains every requested kind on each protocol and measures AUROC through the exported bundle
 * (ONNX Runtime, as production scores): MNIST vs Fashion-MNIST, one-class Fashion-MNIST and
 * one-class MNIST per class (Ruff et al. 2018's protocol), and the ADBench-style tabular sets for the
 * dense kinds; plus training time and scoring throughput.
 */
public final class QualityBenchmark {

    /**
     * @param epochs epochs of every image model
     * @param tabularEpochs epochs of the tabular models (small tables need more passes)
     * @param classes the one-class protocols' classes
     */
    public record Options(List<ModelKind> kinds, int epochs, int tabularEpochs, List<Integer> classes, long seed,
            Path work) {}

    /** One kind's numbers; NaN where a protocol does not apply (tabular for convolutional kinds). */
    public record KindResult(ModelKind kind, double mnistVersusFashion, double[] fashionOneClass, double[] mnistOneClass,
            Map<String, Double> tabular, double trainingSeconds, double imagesPerSecond) {

        static double mean(double[] values) {
            return java.util.Arrays.stream(values).average().orElse(Double.NaN);
        }
    }

    private final Options options;
    private final PrintStream progress;

    public QualityBenchmark(Options options, PrintStream progress) {
        this.options = options;
        this.progress = progress;
    }

    public List<KindResult> run(BenchmarkData data) throws IOException {
        return options.kinds().stream().map(kind -> {
            try {
                return run(kind, data);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList();
    }

    private KindResult run(ModelKind kind, BenchmarkData data) throws IOException {
        TrainingConfig config = TrainingConfig.defaults(kind).withEpochs(options.epochs()).withSeed(options.seed());
        ModelBundle mnist = train(kind.id() + "-mnist", data.mnistTrain(), config);
        double mnistVersusFashion = auroc(mnist, Evaluation.normalVersusAnomalous(data.mnistTest(), data.fashionTest()));
        double seconds = ((Number) mnist.manifest().training().get("trainingSeconds")).doubleValue();
        double throughput = imagesPerSecond(mnist, data.mnistTest());
        say("%s: MNIST vs Fashion-MNIST AUROC %.4f, trained in %.1f s, %.0f img/s", kind.id(), mnistVersusFashion,
                seconds, throughput);
        double[] fashion = oneClass(kind, "fashion", data.fashionOneClassTrain(), data.fashionOneClassTest(), config);
        double[] digits = oneClass(kind, "mnist", data.mnistOneClassTrain(), data.mnistOneClassTest(), config);
        Map<String, Double> tabular = new LinkedHashMap<>();
        if (kind.dense()) {
            for (Map.Entry<String, SampleSet> table : data.tables().entrySet()) {
                TabularProtocol protocol = TabularProtocol.split(table.getValue(), options.seed());
                ModelBundle bundle = train(kind.id() + "-" + table.getKey(), protocol.train(),
                        config.withEpochs(options.tabularEpochs()));
                tabular.put(table.getKey(), auroc(bundle, protocol.test()));
                say("%s: %s AUROC %.4f", kind.id(), table.getKey(), tabular.get(table.getKey()));
            }
        }
        return new KindResult(kind, mnistVersusFashion, fashion, digits, tabular, seconds, throughput);
    }

    /** Per class c: train on the training images of c, test on the whole test set with c normal. */
    private double[] oneClass(ModelKind kind, String set, SampleSet train, SampleSet test, TrainingConfig config)
            throws IOException {
        double[] aurocs = new double[options.classes().size()];
        for (int k = 0; k < aurocs.length; k++) {
            int c = options.classes().get(k);
            ModelBundle bundle = train(kind.id() + "-" + set + "-" + c, train.withLabels(Set.of(c)), config);
            SampleSet normal = test.withLabels(Set.of(c));
            SampleSet others = test.where(i -> test.labels()[i] != c);
            aurocs[k] = auroc(bundle, Evaluation.normalVersusAnomalous(normal, others));
            say("%s: one-class %s, class %d: AUROC %.4f", kind.id(), set, c, aurocs[k]);
        }
        return aurocs;
    }

    private ModelBundle train(String name, SampleSet normal, TrainingConfig config) throws IOException {
        return new TrainingJob(null).run(normal, new TrainingJob.Request(name, "bench", options.work(), config, 0.1,
                0.01));
    }

    private static double auroc(ModelBundle bundle, SampleSet labelled) {
        try (ImageAnomalyDetector detector = ImageAnomalyDetector.open(bundle, EngineOptions.cpu())) {
            return Evaluation.evaluate(detector, labelled).auroc();
        }
    }

    /** Scores whole batches of 256 for two seconds after a warm-up; ONNX Runtime on the CPU. */
    private static double imagesPerSecond(ModelBundle bundle, SampleSet images) {
        int batch = Math.min(256, images.count());
        float[] data = java.util.Arrays.copyOf(images.data(), batch * images.spec().sampleSize());
        try (ImageAnomalyDetector detector = ImageAnomalyDetector.open(bundle, EngineOptions.cpu())) {
            detector.decisionFunction(data, batch);
            long start = System.nanoTime();
            long calls = 0;
            while (System.nanoTime() - start < 2_000_000_000L) {
                detector.decisionFunction(data, batch);
                calls++;
            }
            return calls * batch / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** The results as markdown: a summary table, then per-class and per-table AUROCs. */
    public String markdown(List<KindResult> results, String title) {
        StringBuilder md = new StringBuilder("# " + title + "\n\n");
        md.append(String.format(Locale.ROOT, "Epochs %d (tabular %d), seed %d, one-class classes %s; AUROC through "
                + "the exported ONNX bundle; throughput = ONNX Runtime CPU, batch 256, %d cores.%n%n",
                options.epochs(), options.tabularEpochs(), options.seed(), options.classes(),
                Runtime.getRuntime().availableProcessors()));
        md.append("| kind | MNIST vs Fashion | one-class Fashion (mean) | one-class MNIST (mean) | tabular (mean) "
                + "| training s (MNIST) | images/s |\n|---|---:|---:|---:|---:|---:|---:|\n");
        for (KindResult r : results) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %.1f | %.0f |%n", r.kind().id(),
                    f(r.mnistVersusFashion()), f(KindResult.mean(r.fashionOneClass())),
                    f(KindResult.mean(r.mnistOneClass())),
                    f(r.tabular().values().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN)),
                    r.trainingSeconds(), r.imagesPerSecond()));
        }
        perClass(md, "One-class Fashion-MNIST AUROC per class", results, true);
        perClass(md, "One-class MNIST AUROC per class", results, false);
        List<String> tables = results.stream().flatMap(r -> r.tabular().keySet().stream()).distinct().toList();
        if (!tables.isEmpty()) {
            md.append("\n## Tabular AUROC (train on half the inliers, test on the rest and every outlier)\n\n| kind | ")
                    .append(String.join(" | ", tables)).append(" |\n|---|").append("---:|".repeat(tables.size()))
                    .append('\n');
            for (KindResult r : results) {
                md.append("| ").append(r.kind().id());
                tables.forEach(t -> md.append(" | ").append(f(r.tabular().getOrDefault(t, Double.NaN))));
                md.append(" |\n");
            }
        }
        return md.toString();
    }

    private void perClass(StringBuilder md, String title, List<KindResult> results, boolean fashion) {
        md.append("\n## ").append(title).append("\n\n| kind | ");
        options.classes().forEach(c -> md.append(c).append(" | "));
        md.append("mean |\n|---|").append("---:|".repeat(options.classes().size() + 1)).append('\n');
        for (KindResult r : results) {
            double[] values = fashion ? r.fashionOneClass() : r.mnistOneClass();
            md.append("| ").append(r.kind().id());
            for (double v : values) {
                md.append(" | ").append(f(v));
            }
            md.append(" | ").append(f(KindResult.mean(values))).append(" |\n");
        }
    }

    private static String f(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
    }

    private void say(String format, Object... args) {
        if (progress != null) {
            progress.printf(format + "%n", args);
        }
    }
}
