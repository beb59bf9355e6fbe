package dev.imageanomaly.trainer.cli;

import dev.imageanomaly.scoring.ImageAnomalyDetector;
import dev.imageanomaly.scoring.engine.EngineOptions;
import dev.imageanomaly.trainer.data.SampleSet;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Measure ONNX Runtime scoring throughput of a bundle (images/s per batch size).",
        description = {"Measure ONNX Runtime scoring throughput of a bundle at several batch sizes, on real",
            "images, side by side in one run, and print a markdown table. Preprocessing is excluded.",
            "Example: bench --bundle models/mnist-conv-ae/v1 --input data/mnist-10k-images-idx3-ubyte.gz"})
public final class BenchCommand implements Callable<Integer> {

    @Mixin
    BundleOption bundleOption;

    @Option(names = "--input", required = true, paramLabel = "PATH", description = "images to score (IDX or folder)")
    Path input;

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
        try (ImageAnomalyDetector detector = ImageAnomalyDetector.load(bundleOption.bundle(), options)) {
            SampleSet images = SampleLoader.load(input, null, null, null, detector.manifest().input(), System.err);
            System.out.printf("%s (%s), provider %s, %d cores%n%n", detector.manifest().name(),
                    detector.manifest().kind(), detector.executionProvider(), Runtime.getRuntime().availableProcessors());
            System.out.println("| batch | images/s | ms/batch |");
            System.out.println("|---:|---:|---:|");
            for (int batch : batchSizes) {
                double[] result = measure(detector, images, batch);
                System.out.printf("| %d | %.0f | %.3f |%n", batch, result[0], result[1]);
            }
        }
        return 0;
    }

    /** Warms up for a second, then runs whole batches for the measured time; returns images/s and ms/batch. */
    private double[] measure(ImageAnomalyDetector detector, SampleSet images, int batch) {
        int n = images.spec().sampleSize();
        int batches = Math.max(1, images.count() / batch);
        run(detector, images, batch, n, batches, 1.0);
        long[] counted = run(detector, images, batch, n, batches, seconds);
        double elapsed = counted[1] / 1e9;
        return new double[] {counted[0] * (double) batch / elapsed, 1000 * elapsed / counted[0]};
    }

    private static long[] run(ImageAnomalyDetector detector, SampleSet images, int batch, int n, int batches,
            double seconds) {
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        long calls = 0;
        float[] buffer = new float[batch * n];
        while (System.nanoTime() < deadline) {
            int offset = (int) (calls % batches) * batch;
            System.arraycopy(images.data(), offset * n, buffer, 0, Math.min(batch, images.count() - offset) * n);
            detector.decisionFunction(buffer, batch);
            calls++;
        }
        return new long[] {calls, System.nanoTime() - start};
    }
}
