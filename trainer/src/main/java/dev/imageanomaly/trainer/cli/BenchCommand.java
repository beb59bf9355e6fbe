package dev.imageanomaly.trainer.cli;

import dev.imageanomaly.scoring.ImageAnomalyDetector;
import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.scoring.engine.EngineOptions;
import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.export.Precision;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Measure ONNX Runtime scoring throughput of bundles (images/s per batch size).",
        description = {"Measure ONNX Runtime scoring throughput of one or more bundles at several batch sizes, on",
            "real images, side by side in one run (each batch size measured for every bundle in turn), and",
            "print a markdown table. Preprocessing is excluded.",
            "Example: bench --bundle models/mnist-conv-ae/v1 --input data/mnist-10k-images-idx3-ubyte.gz",
            "FP32 vs INT8: bench --bundle models/mnist-conv-ae/fp32 --bundle models/mnist-conv-ae/int8 --input ..."})
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--bundle", required = true, paramLabel = "DIR",
            description = "model bundle folder; repeat it to compare bundles of the same input in one run")
    List<Path> bundles;

    @Option(names = "--input", required = true, paramLabel = "PATH", description = "images to score (IDX or folder)")
    Path input;

    @Option(names = "--range", paramLabel = "FROM:TO", description = "use only images FROM (inclusive) to TO")
    String range;

    @Option(names = "--batch-sizes", split = ",", defaultValue = "1,16,64,256", description = "default: ${DEFAULT-VALUE}")
    List<Integer> batchSizes;

    @Option(names = "--seconds", defaultValue = "5", description = "measured time per batch size (default: ${DEFAULT-VALUE})")
    double seconds;

    @Mixin
    ProviderOption providerOption;

    @Option(names = "--threads", defaultValue = "0", description = "ONNX Runtime intra-op threads; 0 = runtime default")
    int threads;

    @Override
    public Integer call() throws Exception {
        int largest = batchSizes.stream().max(Integer::compare).orElseThrow();
        EngineOptions options = new EngineOptions(providerOption.provider(), 0, threads, largest);
        List<ImageAnomalyDetector> detectors = new ArrayList<>();
        try {
            for (Path bundle : bundles) {
                detectors.add(ImageAnomalyDetector.load(bundle, options));
            }
            InputSpec spec = detectors.get(0).manifest().input();
            for (ImageAnomalyDetector d : detectors) {
                if (!d.manifest().input().equals(spec)) {
                    throw new IllegalArgumentException("bundles to compare must take the same input; "
                            + d.manifest().name() + " takes " + d.manifest().input() + ", not " + spec);
                }
            }
            SampleSet images = SampleLoader.load(input, null, null, range, spec, System.err);
            System.out.printf("provider %s, %s threads, %d cores, %d images of %dx%dx%d%n", detectors.get(0)
                    .executionProvider(), threads == 0 ? "default" : threads, Runtime.getRuntime().availableProcessors(),
                    images.count(), spec.channels(), spec.height(), spec.width());
            for (int i = 0; i < detectors.size(); i++) {
                var m = detectors.get(i).manifest();
                System.out.printf("%s: %s %s (%s, %s)%n", column(i), m.name(), m.version(), m.kind(),
                        Precision.of(m).id());
            }
            System.out.println();
            System.out.println(header(detectors.size()));
            for (int batch : batchSizes) {
                StringBuilder row = new StringBuilder("| " + batch + " |");
                double first = 0;
                for (int i = 0; i < detectors.size(); i++) {
                    double[] result = measure(detectors.get(i), images, batch);
                    first = i == 0 ? result[0] : first;
                    row.append(String.format(" %.0f | %.3f |", result[0], result[1]));
                    if (i > 0) {
                        row.append(String.format(" %.2fx |", result[0] / first));
                    }
                }
                System.out.println(row);
            }
        } finally {
            detectors.forEach(ImageAnomalyDetector::close);
        }
        return 0;
    }

    private static String column(int bundle) {
        return String.valueOf((char) ('A' + bundle));
    }

    private static String header(int bundles) {
        if (bundles == 1) {
            return "| batch | images/s | ms/batch |\n|---:|---:|---:|";
        }
        StringBuilder names = new StringBuilder("| batch |");
        StringBuilder rule = new StringBuilder("|---:|");
        for (int i = 0; i < bundles; i++) {
            names.append(String.format(" %s images/s | %s ms/batch |", column(i), column(i)));
            rule.append("---:|---:|");
            if (i > 0) {
                names.append(String.format(" %s / A |", column(i)));
                rule.append("---:|");
            }
        }
        return names + "\n" + rule;
    }

    /** Warms up for a second, then runs whole batches for the measured time; returns images/s and ms/batch. */
    private double[] measure(ImageAnomalyDetector detector, SampleSet images, int batch) {
        run(detector, images, batch, 1.0);
        long[] counted = run(detector, images, batch, seconds);
        double elapsed = counted[1] / 1e9;
        return new double[] {counted[0] * (double) batch / elapsed, 1000 * elapsed / counted[0]};
    }

    /** Cycles through the images (wrapping around), written straight into the runtime's input buffer. */
    private static long[] run(ImageAnomalyDetector detector, SampleSet images, int batch, double seconds) {
        int n = images.spec().sampleSize();
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        long calls = 0;
        while (System.nanoTime() < deadline) {
            long first = calls * batch;
            detector.decisionFunction(batch, (sample, buffer, offset) -> buffer.put(offset, images.data(),
                    (int) ((first + sample) % images.count()) * n, n));
            calls++;
        }
        return new long[] {calls, System.nanoTime() - start};
    }
}
