package dev.imageanomaly.app;

import dev.imageanomaly.embedded.EmbeddedStack;
import dev.imageanomaly.scoring.bundle.ModelBundle;
import dev.imageanomaly.scoring.source.ImageSources;
import dev.imageanomaly.scoring.source.LoadedImages;
import dev.imageanomaly.trainer.cli.BundleOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Streaming throughput, side by side in one run against one broker: a Kafka Streams pass-through
 * of the same records (the ceiling this machine allows) and the scorer at each guarantee. The
 * input topic is filled first, so each row measures how fast a pipeline drains a backlog: from
 * RUNNING until its committed input offsets reach the end.
 */
@Command(name = "bench-stream", mixinStandardHelpOptions = true,
        header = "Measure streaming throughput: the scorer next to a Kafka Streams pass-through, one run.",
        description = {"Starts an embedded broker and registry, publishes --events PNG image events, then lets",
            "each pipeline drain them and prints a markdown table of events/s.",
            "Example: bench-stream --bundle runs/models/mnist-conv-ae/v1 --events 20000"})
final class BenchStreamCommand implements Callable<Integer> {

    @Mixin
    BundleOption bundleOption;

    @Option(names = "--input", paramLabel = "IDX|DIR",
            description = "images to publish, cycled (default: <repo>/data/mnist-10k-images-idx3-ubyte.gz)")
    Path input;

    @Option(names = "--events", defaultValue = "20000", description = "events to publish (default: ${DEFAULT-VALUE})")
    int events;

    @Option(names = "--partitions", defaultValue = "1", description = "input topic partitions (default: ${DEFAULT-VALUE})")
    int partitions;

    @Option(names = "--threads", defaultValue = "1", description = "stream threads per pipeline (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--batch-sizes", split = ",", defaultValue = "64",
            description = "scorer micro-batch sizes to run (default: ${DEFAULT-VALUE})")
    List<Integer> batchSizes;

    @Option(names = "--guarantees", split = ",", defaultValue = "at_least_once,exactly_once_v2",
            description = "processing guarantees to run the scorer with (default: ${DEFAULT-VALUE})")
    List<String> guarantees;

    // Not the shared --provider (default auto): a benchmark runs on the CPU unless told otherwise, so
    // its numbers never change device behind the reader's back.
    @Option(names = "--provider", defaultValue = "cpu", description = "cpu, cuda, auto (default: ${DEFAULT-VALUE})")
    String provider;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "any other scorer setting for the scorer rows, e.g. --set onnx.intra.op.threads=1")
    Map<String, String> extraSettings = new HashMap<>();

    @Override
    public Integer call() throws Exception {
        ModelBundle bundle = ModelBundle.load(bundleOption.bundle());
        Path images = input != null ? input : DemoCommand.repoHome().resolve("data/mnist-10k-images-idx3-ubyte.gz");
        LoadedImages loaded = ImageSources.load(images, null);
        Path stateRoot = Files.createTempDirectory("bench-stream-state");
        List<StreamBenchmark.Row> rows = new ArrayList<>();
        StreamBenchmark bench;
        try (EmbeddedStack stack = EmbeddedStack.start()) {
            String topic = "bench-images";
            bench = new StreamBenchmark(stack, topic, partitions, threads, stateRoot);
            System.out.printf("publishing %d events from %s to %s (%d partitions) ...%n", events, images, topic, partitions);
            bench.fill(loaded.images(), events);

            // The first round warms up the JIT and the broker's page cache; only the second is reported.
            for (int round = 0; round < 2; round++) {
                rows.clear();
                System.out.println(round == 0 ? "warm-up round" : "measured round");
                rows.add(bench.passThrough());
                for (String guarantee : guarantees) {
                    for (int batch : batchSizes) {
                        rows.add(bench.scorer(bundle, provider, guarantee, batch, extraSettings));
                    }
                }
            }
        } finally {
            DemoCommand.deleteRecursively(stateRoot);
        }
        System.out.println(bench.table(rows));
        return 0;
    }
}
