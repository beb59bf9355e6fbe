package dev.imageanomaly.trainer.cli;

import dev.imageanomaly.trainer.bench.BenchmarkData;
import dev.imageanomaly.trainer.bench.QualityBenchmark;
import dev.imageanomaly.trainer.bench.SklearnPeers;
import dev.imageanomaly.trainer.kinds.ModelKinds;
import dev.imageanomaly.trainer.train.ModelKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "quality-bench", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Measure detection quality of model kinds and simple peers on the standard protocols; write markdown.",
        description = {"For each model kind: AUROC on MNIST vs Fashion-MNIST, one-class Fashion-MNIST and",
            "one-class MNIST per class and mean (train on the training split, test on the test split), the",
            "tabular outlier sets under two protocols (clean half of the inliers; ADBench's unsupervised 70/30),",
            "training time and scoring throughput. On the same splits, the scikit-learn peers (PCA reconstruction",
            "error, IsolationForest, kNN distance) when --python has scikit-learn, and the margin of the best kind",
            "over the best peer. Full data from --data-dir (laid out like ../shared/datasets); --quick uses",
            "only the shipped data/ files and small sets, for CI.",
            "Example: quality-bench --quick --kinds ae,vae --out quality.md"})
public final class QualityBenchCommand implements Callable<Integer> {

    @Option(names = "--kinds", split = ",", paramLabel = "KIND",
            description = "kinds to measure (default: all)")
    List<String> kinds;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "../shared/datasets",
            description = "folder with the full MNIST/Fashion-MNIST IDX files and tabular/*.csv (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--quick", description = "shipped data/ files only, small sets, 20 epochs, classes 0,1,2, tabular breastw only")
    boolean quick;

    @Option(names = "--protocols", split = ",", paramLabel = "P", description = "mnist-vs-fashion, one-class-fashion, "
            + "one-class-mnist, tables (default: all)")
    List<String> protocols;

    @Option(names = "--epochs", description = "epochs per image model (default: 10, quick: 20)")
    Integer epochs;

    @Option(names = "--tabular-epochs", defaultValue = "50", description = "epochs per tabular model (default: ${DEFAULT-VALUE})")
    int tabularEpochs;

    @Option(names = "--tabular-splits", description = "seeded splits each table's AUROC is averaged over (default: 3, quick: 1)")
    Integer tabularSplits;

    @Option(names = "--classes", split = ",", paramLabel = "C", description = "one-class classes (default: 0-9, quick: 0,1,2)")
    List<Integer> classes;

    @Option(names = "--mnist-train-limit", defaultValue = "60000", paramLabel = "N",
            description = "train MNIST vs Fashion-MNIST on the first N training digits (default: all ${DEFAULT-VALUE})")
    int mnistTrainLimit;

    @Option(names = "--python", paramLabel = "PATH", defaultValue = SklearnPeers.DEFAULT_PYTHON,
            description = "a Python with scikit-learn for the peers; without one the peers are skipped (default: ${DEFAULT-VALUE})")
    Path python;

    @Option(names = "--no-peers", description = "measure our kinds only")
    boolean noPeers;

    @Option(names = "--seed", defaultValue = "42", description = "default: ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--out", paramLabel = "FILE.md", defaultValue = "quality-benchmark.md",
            description = "markdown output (default: ${DEFAULT-VALUE})")
    Path out;

    @Override
    public Integer call() throws Exception {
        List<ModelKind> selected = kinds == null ? ModelKinds.all()
                : kinds.stream().map(ModelKinds::parse).toList();
        List<Integer> oneClass = classes != null ? classes
                : quick ? List.of(0, 1, 2) : IntStream.range(0, 10).boxed().toList();
        if (oneClass.stream().anyMatch(c -> c < 0 || c > 9)) {
            throw new IllegalArgumentException("--classes must be in 0..9, was " + oneClass);
        }
        Path work = Files.createTempDirectory("quality-bench");
        SklearnPeers.Availability peers = noPeers ? new SklearnPeers.Availability(null, "--no-peers")
                : SklearnPeers.find(python, work);
        String peersNote = peers.available() ? "Peers: " + peers.peers().version() + " (" + python + ")."
                : "Peers not run: " + peers.reason() + ".";
        System.out.println(peersNote);
        QualityBenchmark.Options options = new QualityBenchmark.Options(selected,
                epochs != null ? epochs : quick ? 20 : 10, quick ? Math.min(tabularEpochs, 20) : tabularEpochs,
                oneClass, seed, tabularSplits != null ? tabularSplits : quick ? 1 : 3, work, peers.peers(),
                protocols == null ? EnumSet.allOf(QualityBenchmark.Protocol.class)
                        : protocols.stream().map(QualityBenchmark.Protocol::parse).collect(
                                Collectors.toCollection(() -> EnumSet.noneOf(QualityBenchmark.Protocol.class))));
        QualityBenchmark benchmark = new QualityBenchmark(options, System.out);
        var data = quick ? BenchmarkData.quick(Path.of("data")) : BenchmarkData.full(dataDir, mnistTrainLimit);
        String title = quick ? "Quality benchmark (quick: shipped data, small sets)"
                : "Quality benchmark (MNIST vs Fashion trained on " + data.mnistTrain().count() + " MNIST training digits)";
        String markdown = benchmark.markdown(benchmark.run(data), title, peersNote);
        Files.writeString(out, markdown);
        System.out.println();
        System.out.print(markdown);
        System.out.println("\nwritten to " + out);
        return 0;
    }
}
