package dev.imageanomaly.trainer.bench;

import dev.imageanomaly.scoring.ImageAnomalyDetector;
import dev.imageanomaly.scoring.bundle.ModelBundle;
import dev.imageanomaly.scoring.engine.EngineOptions;
import dev.imageanomaly.trainer.TrainingJob;
import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.eval.DetectionMetrics;
import dev.imageanomaly.trainer.eval.Evaluation;
import dev.imageanomaly.trainer.eval.TabularProtocol;
import dev.imageanomaly.trainer.train.ModelKind;
import dev.imageanomaly.trainer.train.TrainingConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.commons.math3.stat.descriptive.moment.StandardDeviation;

/**
 * Measures detectors on the standard protocols, all on the same splits: the project's kinds
 * (AUROC through the exported bundle, as production scores) and, when scikit-learn is there, the
 * simple peers a user would compare them with. Protocols: MNIST vs Fashion-MNIST, one-class
 * Fashion-MNIST and one-class MNIST per class (Ruff et al. 2018: train on one class of the training
 * split, test on the whole test split), and the outlier tables under two protocols: clean training
 * data (half the inliers) and ADBench's unsupervised one (train on a contaminated 70 %). Every row
 * gives training seconds; the tables end with the margin of our best kind over the best peer.
 */
public final class QualityBenchmark {

    /**
     * @param epochs epochs of every image model
     * @param tabularEpochs epochs of the tabular models (small tables need more passes)
     * @param classes the one-class protocols' classes
     * @param tabularSplits seeded splits each table's AUROC is averaged over (small tables vary a lot by split)
     * @param peers the scikit-learn peers, or null to measure our kinds only
     * @param protocols the protocols to run; the others are reported as n/a
     */
    public record Options(List<ModelKind> kinds, int epochs, int tabularEpochs, List<Integer> classes, long seed,
            int tabularSplits, Path work, SklearnPeers peers, Set<Protocol> protocols) {}

    /** The protocols, by the names {@code --protocols} takes. */
    public enum Protocol {
        MNIST_VS_FASHION, ONE_CLASS_FASHION, ONE_CLASS_MNIST, TABLES;

        public static Protocol parse(String name) {
            return valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    /**
     * An AUROC and the seconds it took to train (or fit) the detector that got it.
     *
     * @param parts the AUROCs this one is the mean of, in order (a table's splits, a protocol's classes);
     *     one measurement alone is its own single part
     */
    public record Measurement(double auroc, double seconds, double[] parts) {
        static final Measurement NONE = new Measurement(Double.NaN, Double.NaN);

        public Measurement(double auroc, double seconds) {
            this(auroc, seconds, new double[] {auroc});
        }

        static Measurement mean(List<Measurement> all) {
            return new Measurement(all.stream().mapToDouble(Measurement::auroc).average().orElse(Double.NaN),
                    all.stream().mapToDouble(Measurement::seconds).average().orElse(Double.NaN),
                    all.stream().mapToDouble(Measurement::auroc).toArray());
        }

        /** The mean over several measurements part by part (each table's split s into the mean's split s). */
        static Measurement partwiseMean(List<Measurement> all) {
            int parts = all.stream().mapToInt(m -> m.parts().length).min().orElse(0);
            double[] means = new double[parts];
            for (int p = 0; p < parts; p++) {
                int part = p;
                means[p] = all.stream().mapToDouble(m -> m.parts()[part]).average().orElse(Double.NaN);
            }
            Measurement overall = mean(all);
            return new Measurement(overall.auroc(), overall.seconds(), means);
        }
    }

    /**
     * One detector's numbers; {@link Measurement#NONE} where a protocol does not apply (tables for
     * the convolutional kinds).
     *
     * @param peer a scikit-learn peer rather than one of our kinds
     * @param imagesPerSecond ONNX Runtime throughput of our kinds' MNIST bundle; NaN for peers
     */
    public record Row(String detector, boolean peer, Measurement mnistVersusFashion, Measurement[] fashionOneClass,
            Measurement[] mnistOneClass, Map<String, Measurement> tabular, Map<String, Measurement> unsupervisedTabular,
            double imagesPerSecond) {

        /** One-class Fashion-MNIST over its classes: the mean AUROC and training seconds, the classes as parts. */
        public Measurement fashionOverClasses() {
            return Measurement.mean(Arrays.asList(fashionOneClass));
        }

        /** One-class MNIST over its classes, as {@link #fashionOverClasses}. */
        public Measurement mnistOverClasses() {
            return Measurement.mean(Arrays.asList(mnistOneClass));
        }
    }

    /**
     * ADBench's published unsupervised AUROC (Han et al. 2022, mean of its runs) of IsolationForest
     * and KNN, for the tables where this project quotes them.
     */
    static final Map<String, double[]> ADBENCH_IFOREST_KNN = Map.of(
            "annthyroid", new double[] {0.820, 0.717},
            "satellite", new double[] {0.704, 0.652},
            "pima", new double[] {0.729, 0.734});

    /**
     * Detectors measured together on one train/test split: one of our kinds, or all the peers at once.
     * {@code seed} seeds their own random draws; each split of a table has its own, so that the spread
     * over the splits includes the detectors' randomness (a forest grown from one seed on every split
     * keeps that seed's luck throughout).
     */
    private interface Contender {
        List<String> names();

        Map<String, Measurement> measure(String task, SampleSet train, SampleSet labelledTest, boolean table,
                long seed);
    }

    private final Options options;
    private final PrintStream progress;

    public QualityBenchmark(Options options, PrintStream progress) {
        this.options = options;
        this.progress = progress;
    }

    public List<Row> run(BenchmarkData data) {
        List<Row> rows = new ArrayList<>();
        for (ModelKind kind : options.kinds()) {
            KindContender contender = new KindContender(kind);
            rows.addAll(measure(contender, data, kind.dense(), contender::imagesPerSecond));
        }
        if (options.peers() != null) {
            rows.addAll(measure(new PeerContender(options.peers()), data, true, name -> Double.NaN));
        }
        return rows;
    }

    private List<Row> measure(Contender contender, BenchmarkData data, boolean tables,
            Function<String, Double> imagesPerSecond) {
        Map<String, Measurement> mnist = new LinkedHashMap<>();
        if (options.protocols().contains(Protocol.MNIST_VS_FASHION)) {
            mnist = contender.measure("mnist", data.mnistTrain(),
                    Evaluation.normalVersusAnomalous(data.mnistTest(), data.fashionTest()), false, options.seed());
            mnist.forEach((name, m) -> say("%s: MNIST vs Fashion-MNIST AUROC %.4f (%.1f s)", name, m.auroc(),
                    m.seconds()));
        }
        Map<String, Measurement[]> fashion = options.protocols().contains(Protocol.ONE_CLASS_FASHION)
                ? oneClass(contender, "fashion", data.fashionOneClassTrain(), data.fashionOneClassTest()) : Map.of();
        Map<String, Measurement[]> digits = options.protocols().contains(Protocol.ONE_CLASS_MNIST)
                ? oneClass(contender, "mnist", data.mnistOneClassTrain(), data.mnistOneClassTest()) : Map.of();
        boolean runTables = tables && options.protocols().contains(Protocol.TABLES);
        Map<String, Map<String, Measurement>> clean = runTables
                ? tables(contender, data, TabularProtocol::split, "clean") : Map.of();
        Map<String, Map<String, Measurement>> contaminated = runTables
                ? tables(contender, data, TabularProtocol::unsupervised, "unsupervised") : Map.of();
        Measurement[] none = new Measurement[options.classes().size()];
        Arrays.fill(none, Measurement.NONE);
        Map<String, Measurement> mnistByName = mnist;
        return contender.names().stream().map(name -> new Row(name, contender instanceof PeerContender,
                mnistByName.getOrDefault(name, Measurement.NONE), fashion.getOrDefault(name, none),
                digits.getOrDefault(name, none), clean.getOrDefault(name, Map.of()),
                contaminated.getOrDefault(name, Map.of()), imagesPerSecond.apply(name))).toList();
    }

    /** Per class c: train on the training images of c, test on the whole test set with c normal. */
    private Map<String, Measurement[]> oneClass(Contender contender, String set, SampleSet train, SampleSet test) {
        Map<String, Measurement[]> byName = new LinkedHashMap<>();
        contender.names().forEach(name -> byName.put(name, new Measurement[options.classes().size()]));
        for (int k = 0; k < options.classes().size(); k++) {
            int c = options.classes().get(k);
            SampleSet labelled = Evaluation.normalVersusAnomalous(test.withLabels(Set.of(c)),
                    test.where(i -> test.labels()[i] != c));
            Map<String, Measurement> measured = contender.measure(set + "-" + c, train.withLabels(Set.of(c)), labelled,
                    false, options.seed());
            for (Map.Entry<String, Measurement> m : measured.entrySet()) {
                byName.get(m.getKey())[k] = m.getValue();
                say("%s: one-class %s, class %d: AUROC %.4f (%.1f s)", m.getKey(), set, c, m.getValue().auroc(),
                        m.getValue().seconds());
            }
        }
        return byName;
    }

    /** Each table under one protocol, averaged over {@code tabularSplits} seeded splits; by detector, then table. */
    private Map<String, Map<String, Measurement>> tables(Contender contender, BenchmarkData data,
            BiFunction<SampleSet, Long, TabularProtocol> protocol, String label) {
        Map<String, Map<String, Measurement>> byName = new LinkedHashMap<>();
        for (Map.Entry<String, SampleSet> table : data.tables().entrySet()) {
            Map<String, List<Measurement>> splits = new LinkedHashMap<>();
            for (int s = 0; s < options.tabularSplits(); s++) {
                long seed = options.seed() + s;
                TabularProtocol split = protocol.apply(table.getValue(), seed);
                contender.measure(label + "-" + table.getKey() + "-" + s, split.train(), split.test(), true, seed)
                        .forEach((name, m) -> splits.computeIfAbsent(name, n -> new ArrayList<>()).add(m));
            }
            splits.forEach((name, all) -> {
                Measurement mean = Measurement.mean(all);
                byName.computeIfAbsent(name, n -> new LinkedHashMap<>()).put(table.getKey(), mean);
                say("%s: %s (%s) AUROC %.4f", name, table.getKey(), label, mean.auroc());
            });
        }
        return byName;
    }

    /** One of our kinds: trained through the production training job, measured through its exported bundle. */
    private final class KindContender implements Contender {
        private final ModelKind kind;
        private double imagesPerSecond = Double.NaN;

        KindContender(ModelKind kind) {
            this.kind = kind;
        }

        @Override
        public List<String> names() {
            return List.of(kind.id());
        }

        double imagesPerSecond(String name) {
            return imagesPerSecond;
        }

        @Override
        public Map<String, Measurement> measure(String task, SampleSet train, SampleSet labelledTest, boolean table,
                long seed) {
            TrainingConfig config = TrainingConfig.defaults(kind).withSeed(seed)
                    .withEpochs(table ? options.tabularEpochs() : options.epochs());
            try {
                ModelBundle bundle = new TrainingJob(null).run(train, new TrainingJob.Request(kind.id() + "-" + task,
                        "bench", options.work(), config, 0.1, 0.01));
                double seconds = ((Number) bundle.manifest().training().get("trainingSeconds")).doubleValue();
                try (ImageAnomalyDetector detector = ImageAnomalyDetector.open(bundle, EngineOptions.cpu())) {
                    if (task.equals("mnist")) {
                        imagesPerSecond = QualityBenchmark.imagesPerSecond(detector, labelledTest);
                    }
                    return Map.of(kind.id(), new Measurement(Evaluation.evaluate(detector, labelledTest).auroc(), seconds));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The scikit-learn peers: one script run fits and scores all of them. */
    private record PeerContender(SklearnPeers peers) implements Contender {
        @Override
        public List<String> names() {
            return SklearnPeers.NAMES;
        }

        @Override
        public Map<String, Measurement> measure(String task, SampleSet train, SampleSet labelledTest, boolean table,
                long seed) {
            Map<String, Measurement> measured = new LinkedHashMap<>();
            for (SklearnPeers.PeerScores p : peers.score(train, labelledTest, seed)) {
                measured.put(p.name(), new Measurement(DetectionMetrics.auroc(p.scores(), labelledTest.labels()),
                        p.seconds()));
            }
            return measured;
        }
    }

    /** Scores whole batches of 256 for two seconds after a warm-up; ONNX Runtime on the CPU. */
    private static double imagesPerSecond(ImageAnomalyDetector detector, SampleSet images) {
        int batch = Math.min(256, images.count());
        float[] data = Arrays.copyOf(images.data(), batch * images.spec().sampleSize());
        detector.decisionFunction(data, batch);
        long start = System.nanoTime();
        long calls = 0;
        while (System.nanoTime() - start < 2_000_000_000L) {
            detector.decisionFunction(data, batch);
            calls++;
        }
        return calls * batch / ((System.nanoTime() - start) / 1e9);
    }

    /** The results as markdown: a summary table, then per-class and per-table AUROCs, each with the margin row. */
    public String markdown(List<Row> rows, String title, String peersNote) {
        StringBuilder md = new StringBuilder("# " + title + "\n\n");
        md.append(String.format(Locale.ROOT, "Epochs %d (tabular %d), seed %d (a table's split s and the detectors "
                + "on it: seed + s), one-class classes %s, tables averaged over %d splits; AUROC of our kinds through "
                + "the exported ONNX bundle; seconds = training (ours) or fit and score (peers), per model; "
                + "throughput = ONNX Runtime CPU, batch 256, %d cores. %s%n%n",
                options.epochs(), options.tabularEpochs(), options.seed(), options.classes(), options.tabularSplits(),
                Runtime.getRuntime().availableProcessors(), peersNote));
        md.append("| detector | MNIST vs Fashion | s | one-class Fashion (mean) | s/class | one-class MNIST (mean) | s/class "
                + "| tables (mean) | tables, ADBench unsupervised (mean) | images/s |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        List<Function<Row, Measurement>> columns = Arrays.asList(Row::mnistVersusFashion, null,
                Row::fashionOverClasses, null, Row::mnistOverClasses, null, r -> overTables(r.tabular()),
                r -> overTables(r.unsupervisedTabular()), null);
        for (Row r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", name(r),
                    f(r.mnistVersusFashion().auroc()), s(r.mnistVersusFashion().seconds()),
                    f(r.fashionOverClasses().auroc()), s(r.fashionOverClasses().seconds()),
                    f(r.mnistOverClasses().auroc()), s(r.mnistOverClasses().seconds()),
                    f(overTables(r.tabular()).auroc()), f(overTables(r.unsupervisedTabular()).auroc()),
                    Double.isNaN(r.imagesPerSecond()) ? "" : String.format(Locale.ROOT, "%.0f", r.imagesPerSecond())));
        }
        md.append(marginRow(rows, columns));
        if (options.protocols().contains(Protocol.ONE_CLASS_FASHION)) {
            perClass(md, "One-class Fashion-MNIST AUROC per class", rows, Row::fashionOneClass);
        }
        if (options.protocols().contains(Protocol.ONE_CLASS_MNIST)) {
            perClass(md, "One-class MNIST AUROC per class", rows, Row::mnistOneClass);
        }
        perTable(md, "Tables, clean training data (train on half the inliers, test on the rest and every outlier)",
                rows, Row::tabular, false);
        perTable(md, "Tables, ADBench's unsupervised protocol (train on a stratified 70 % with its outliers, test on "
                + "the other 30 %)", rows, Row::unsupervisedTabular, true);
        return md.toString();
    }

    private void perClass(StringBuilder md, String title, List<Row> rows, Function<Row, Measurement[]> values) {
        md.append("\n## ").append(title).append("\n\n| detector | ");
        options.classes().forEach(c -> md.append(c).append(" | "));
        md.append("mean |\n|---|").append("---:|".repeat(options.classes().size() + 1)).append('\n');
        for (Row r : rows) {
            md.append("| ").append(name(r));
            for (Measurement m : values.apply(r)) {
                md.append(" | ").append(f(m.auroc()));
            }
            md.append(" | ").append(f(Measurement.mean(Arrays.asList(values.apply(r))).auroc())).append(" |\n");
        }
        List<Function<Row, Measurement>> columns = new ArrayList<>();
        for (int k = 0; k < options.classes().size(); k++) {
            int index = k;
            columns.add(r -> values.apply(r)[index]);
        }
        columns.add(r -> Measurement.mean(Arrays.asList(values.apply(r))));
        md.append(marginRow(rows, columns));
    }

    private void perTable(StringBuilder md, String title, List<Row> rows, Function<Row, Map<String, Measurement>> values,
            boolean published) {
        List<String> tables = rows.stream().flatMap(r -> values.apply(r).keySet().stream()).distinct().toList();
        if (tables.isEmpty()) {
            return;
        }
        md.append("\n## ").append(title).append("\n\n| detector | ").append(String.join(" | ", tables))
                .append(" | mean |\n|---|").append("---:|".repeat(tables.size() + 1)).append('\n');
        List<Row> withTables = rows.stream().filter(r -> !values.apply(r).isEmpty()).toList();
        for (Row r : withTables) {
            md.append("| ").append(name(r));
            tables.forEach(t -> md.append(" | ").append(f(values.apply(r).getOrDefault(t, Measurement.NONE).auroc())));
            md.append(" | ").append(f(overTables(values.apply(r)).auroc())).append(" |\n");
        }
        if (published && tables.stream().anyMatch(ADBENCH_IFOREST_KNN::containsKey)) {
            for (int p = 0; p < 2; p++) {
                int which = p;
                md.append(which == 0 ? "| ADBench published: IForest" : "| ADBench published: KNN");
                tables.forEach(t -> md.append(" | ").append(ADBENCH_IFOREST_KNN.containsKey(t)
                        ? String.format(Locale.ROOT, "%.3f", ADBENCH_IFOREST_KNN.get(t)[which]) : ""));
                md.append(" |  |\n");
            }
        }
        List<Function<Row, Measurement>> columns = new ArrayList<>();
        tables.forEach(t -> columns.add(r -> values.apply(r).getOrDefault(t, Measurement.NONE)));
        columns.add(r -> overTables(values.apply(r)));
        md.append(marginRow(withTables, columns));
        if (options.tabularSplits() > 1) {
            md.append(marginSpreadRow(withTables, columns, options.tabularSplits()));
        }
    }

    /**
     * "Best kind - best peer" under each AUROC column (a null column is a cell left empty); nothing
     * when either side has no row.
     */
    private static String marginRow(List<Row> rows, List<Function<Row, Measurement>> columns) {
        if (!bothSides(rows)) {
            return "";
        }
        StringBuilder line = new StringBuilder("| **margin: best kind - best peer**");
        for (Function<Row, Measurement> column : columns) {
            double margin = column == null ? Double.NaN
                    : best(rows, false, column).auroc() - best(rows, true, column).auroc();
            line.append(" | ").append(Double.isNaN(margin) ? "" : String.format(Locale.ROOT, "%+.4f", margin));
        }
        return line.append(" |\n").toString();
    }

    /**
     * Under each margin, how far chance moves it: the standard error of the paired split-by-split
     * differences between the same two rows (best kind and best peer by their means), and in how many
     * splits the kind was at or above the peer. A small table's margin within about two standard errors
     * of zero is a tie, whatever its sign.
     */
    private static String marginSpreadRow(List<Row> rows, List<Function<Row, Measurement>> columns, int splits) {
        if (!bothSides(rows)) {
            return "";
        }
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                "| standard error of the margin over %d splits (splits at or above) ", splits));
        for (Function<Row, Measurement> column : columns) {
            double[] ours = best(rows, false, column).parts();
            double[] peer = best(rows, true, column).parts();
            line.append("| ");
            if (ours.length == peer.length && ours.length > 1) {
                double[] differences = new double[ours.length];
                Arrays.setAll(differences, s -> ours[s] - peer[s]);
                double standardError = new StandardDeviation().evaluate(differences) / Math.sqrt(differences.length);
                long atOrAbove = Arrays.stream(differences).filter(d -> d >= 0).count();
                line.append(String.format(Locale.ROOT, "±%.4f (%d/%d) ", standardError, atOrAbove, ours.length));
            }
        }
        return line.append("|\n").toString();
    }

    /** A margin needs at least one of our kinds and one peer. */
    private static boolean bothSides(List<Row> rows) {
        return rows.stream().anyMatch(Row::peer) && !rows.stream().allMatch(Row::peer);
    }

    /** The row with the highest AUROC in a column, among our kinds or among the peers; NONE if none has one. */
    private static Measurement best(List<Row> rows, boolean peers, Function<Row, Measurement> column) {
        return rows.stream().filter(r -> r.peer() == peers).map(column).filter(m -> !Double.isNaN(m.auroc()))
                .max(Comparator.comparingDouble(Measurement::auroc)).orElse(Measurement.NONE);
    }

    /** The mean over a row's tables, split by split. */
    private static Measurement overTables(Map<String, Measurement> byTable) {
        return byTable.isEmpty() ? Measurement.NONE : Measurement.partwiseMean(List.copyOf(byTable.values()));
    }

    private static String name(Row r) {
        return r.peer() ? "peer: " + r.detector() : r.detector();
    }

    private static String f(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String s(double seconds) {
        return Double.isNaN(seconds) ? "" : String.format(Locale.ROOT, "%.1f", seconds);
    }

    private void say(String format, Object... args) {
        if (progress != null) {
            progress.printf(format + "%n", args);
        }
    }
}
