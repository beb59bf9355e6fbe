package dev.imageanomaly.trainer.cli;

import dev.imageanomaly.trainer.bench.BenchmarkData;
import dev.imageanomaly.trainer.bench.QualityBenchmark;
import dev.imageanomaly.trainer.kinds.ModelKinds;
import dev.imageanomaly.trainer.train.ModelKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "quality-bench", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Measure detection quality of model kinds on the standard protocols; write a markdown table.",
        description = {"For each model kind: AUROC on MNIST vs Fashion-MNIST, one-class Fashion-MNIST and",
            "one-class MNIST per class and mean, the tabular outlier sets (dense kinds), training time and",
            "scoring throughput. Full data from --data-dir (laid out like ../shared/datasets); --quick uses",
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

    @Option(names = "--epochs", description = "epochs per image model (default: 10, quick: 20)")
    Integer epochs;

    @Option(names = "--tabular-epochs", defaultValue = "50", description = "epochs per tabular model (default: ${DEFAULT-VALUE})")
    int tabularEpochs;

    @Option(names = "--classes", split = ",", paramLabel = "C", description = "one-class classes (default: 0-9, quick: 0,1,2)")
    List<Integer> classes;

    @Option(names = "--mnist-train-limit", defaultValue = "60000", paramLabel = "N",
            description = "train MNIST vs Fashion-MNIST on the first N training digits (default: all ${DEFAULT-VALUE})")
    int mnistTrainLimit;

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
        QualityBenchmark.Options options = new QualityBenchmark.Options(selected,
                epochs != null ? epochs : quick ? 20 : 10, quick ? Math.min(tabularEpochs, 20) : tabularEpochs,
                oneClass, seed, work);
        QualityBenchmark benchmark = new QualityBenchmark(options, System.out);
        var data = quick ? BenchmarkData.quick(Path.of("data")) : BenchmarkData.full(dataDir, mnistTrainLimit);
        String title = quick ? "Quality benchmark (quick: shipped data, small sets)"
                : "Quality benchmark (MNIST vs Fashion trained on " + data.mnistTrain().count() + " MNIST training digits)";
        String markdown = benchmark.markdown(benchmark.run(data), title);
        Files.writeString(out, markdown);
        System.out.println();
        System.out.print(markdown);
        System.out.println("\nwritten to " + out);
        return 0;
    }
}
