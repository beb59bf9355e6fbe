package dev.imageanomaly.trainer.bench;

import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.scoring.source.ImageSources;
import dev.imageanomaly.trainer.data.CsvTable;
import dev.imageanomaly.trainer.data.FeatureTables;
import dev.imageanomaly.trainer.data.SampleSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The data of the quality benchmark's protocols. The full benchmark follows the published
 * protocols on the full sets (MNIST and Fashion-MNIST training and test splits, every tabular set);
 * the quick one uses only the files shipped in {@code data/} (test splits only) and fewer images,
 * to fit CI time.
 */
public record BenchmarkData(SampleSet mnistTrain, SampleSet mnistTest, SampleSet fashionTest, SampleSet fashionOneClassTrain,
        SampleSet fashionOneClassTest, SampleSet mnistOneClassTrain, SampleSet mnistOneClassTest,
        Map<String, SampleSet> tables) {

    private static final InputSpec SPEC = InputSpec.image(1, 28, 28);

    /**
     * Full sets from a folder laid out like {@code ../shared/datasets}: the one-class protocols train
     * on the training split and test on the test split, as published.
     */
    public static BenchmarkData full(Path dir, int mnistTrainLimit) throws IOException {
        SampleSet mnist10k = images(dir, "mnist-10k-images-idx3-ubyte.gz");
        SampleSet fashionTest = images(dir, "fashion-mnist-test-images-idx3-ubyte.gz");
        SampleSet mnistTrain = images(dir, "mnist-train-images-idx3-ubyte.gz");
        return new BenchmarkData(mnistTrain.first(Math.min(mnistTrainLimit, mnistTrain.count())), mnist10k, fashionTest,
                images(dir, "fashion-mnist-train-images-idx3-ubyte.gz"), fashionTest, mnistTrain, mnist10k,
                tables(dir.resolve("tabular"), null));
    }

    /**
     * Shipped files only, every protocol in miniature: MNIST vs Fashion trains on 2,000 digits; the
     * one-class protocols train on the first half of each shipped test set (about 500 images a class)
     * and test on 2,000 images of the second half; the tabular protocol uses breastw.
     */
    public static BenchmarkData quick(Path dir) throws IOException {
        SampleSet mnist10k = images(dir, "mnist-10k-images-idx3-ubyte.gz");
        SampleSet fashion = images(dir, "fashion-mnist-test-images-idx3-ubyte.gz");
        SampleSet fashionTrain = fashion.where(i -> i < 5000);
        SampleSet mnistTrain = mnist10k.where(i -> i < 5000);
        return new BenchmarkData(mnistTrain.first(2000), mnist10k.where(i -> i >= 8000 && i < 9000),
                fashion.where(i -> i >= 5000 && i < 6000), fashionTrain, fashion.where(i -> i >= 5000 && i < 7000),
                mnistTrain, mnist10k.where(i -> i >= 5000 && i < 7000), tables(dir.resolve("tabular"), "breastw.csv"));
    }

    private static SampleSet images(Path dir, String file) throws IOException {
        Path path = dir.resolve(file);
        if (!Files.exists(path)) {
            throw new IOException("benchmark data " + path + " is missing; give --data-dir with the MNIST and "
                    + "Fashion-MNIST IDX files (see ../shared/datasets/README.md), or use --quick");
        }
        return SampleSet.preprocess(ImageSources.load(path, null), SPEC);
    }

    /** Raw (unstandardized) tables by name; {@code only} keeps one file, null keeps all. */
    private static Map<String, SampleSet> tables(Path dir, String only) throws IOException {
        Map<String, SampleSet> tables = new LinkedHashMap<>();
        if (!Files.isDirectory(dir)) {
            return tables;
        }
        List<Path> files;
        try (Stream<Path> listing = Files.list(dir)) {
            files = listing.filter(p -> p.toString().endsWith(".csv"))
                    .filter(p -> only == null || p.getFileName().toString().equals(only)).sorted().toList();
        }
        for (Path file : files) {
            String name = file.getFileName().toString().replace(".csv", "");
            tables.put(name, FeatureTables.raw(CsvTable.read(file), name));
        }
        return tables;
    }
}
