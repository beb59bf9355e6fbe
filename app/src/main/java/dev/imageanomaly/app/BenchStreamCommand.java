package dev.imageanomaly.app;

import dev.imageanomaly.embedded.EmbeddedStack;
import dev.imageanomaly.scoring.bundle.ModelBundle;
import dev.imageanomaly.scoring.source.ImageSources;
import dev.imageanomaly.scoring.source.LoadedImages;
import dev.imageanomaly.trainer.cli.BundleOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Streaming performance against one embedded broker and registry, in one of two modes. Drain
 * (default): a backlog of --events is drained by a Kafka Streams pass-through, ONNX Runtime alone
 * and the scorer with 1..N instances, side by side. Open loop (--rates): events are offered on a
 * fixed schedule at each rate for --duration, and the latency percentiles from each event's intended
 * send time to its score being read make the latency-versus-throughput table; a run of three
 * minutes or more also prints a minute-by-minute soak table with the scorer's memory.
 */
@Command(name = "bench-stream", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Measure the streaming scorer: throughput against its ceilings, or latency at offered rates.",
        description = {"Starts an embedded broker and registry and the scorer as its own JVM(s), and prints markdown tables.",
            "Examples: bench-stream --bundle runs/models/mnist-conv-ae/v1 --events 20000 --instances 1,2 --partitions 6",
            "          bench-stream --bundle runs/models/mnist-deep-ae/v1 --rates 500,1000,2000,4000 --duration 30s",
            "          bench-stream --bundle runs/models/mnist-deep-ae/v1 --rates 3000 --duration 10m   (a soak)"})
final class BenchStreamCommand implements Callable<Integer> {

    @Mixin
    BundleOption bundleOption;

    @Option(names = "--input", paramLabel = "IDX|DIR",
            description = "images to publish, cycled (default: <repo>/data/mnist-10k-images-idx3-ubyte.gz)")
    Path input;

    @Option(names = "--events", defaultValue = "20000", description = "drain mode: events to publish (default: ${DEFAULT-VALUE})")
    int events;

    @Option(names = "--drain-warmup", defaultValue = "0.25",
            description = "drain mode: share of the events each pipeline drains before the clock starts, so a fresh"
                    + " scorer JVM's JIT compilation is not timed (default: ${DEFAULT-VALUE})")
    double drainWarmup;

    @Option(names = "--instances", split = ",", defaultValue = "1",
            description = "drain mode: scorer instance counts to run, e.g. 1,2,3 (default: ${DEFAULT-VALUE})")
    List<Integer> instances;

    @Option(names = "--rates", split = ",", paramLabel = "EVENTS_PER_S",
            description = "open-loop mode: offered rates to run, in events/s")
    List<Double> rates;

    @Option(names = "--duration", defaultValue = "30s", converter = DurationConverter.class,
            description = "open-loop mode: measured time per rate, e.g. 30s, 10m (default: ${DEFAULT-VALUE})")
    Duration duration;

    @Option(names = "--warmup", defaultValue = "10s", converter = DurationConverter.class,
            description = "open-loop mode: unmeasured time before each rate (default: ${DEFAULT-VALUE})")
    Duration warmup;

    @Option(names = "--partitions", defaultValue = "1", description = "input topic partitions (default: ${DEFAULT-VALUE})")
    int partitions;

    @Option(names = "--threads", defaultValue = "1", description = "stream threads per instance (default: ${DEFAULT-VALUE})")
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

    @Option(names = "--jfr", paramLabel = "DIR",
            description = "record each scorer JVM with Java Flight Recorder (profile settings) into DIR; "
                    + "scripts/jfr-top-frames.java summarizes a recording")
    Path jfr;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "any other scorer setting for the scorer rows, e.g. --set batch.max.wait.ms=5")
    Map<String, String> extraSettings = new HashMap<>();

    /** {@code 30s}, {@code 10m}, {@code 1h}, or ISO-8601 ({@code PT30S}). */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            if (v.startsWith("pt")) {
                return Duration.parse(value);
            }
            long n = Long.parseLong(v.substring(0, v.length() - 1));
            return switch (v.charAt(v.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> throw new IllegalArgumentException("a duration is like 30s, 10m or 1h, not '" + value + "'");
            };
        }
    }

    @Override
    public Integer call() throws Exception {
        if (!(drainWarmup >= 0 && drainWarmup < 1)) {
            throw new IllegalArgumentException("--drain-warmup is a share of the events in [0, 1), not " + drainWarmup);
        }
        ModelBundle bundle = ModelBundle.load(bundleOption.bundle());
        Path images = input != null ? input : DemoCommand.repoHome().resolve("data/mnist-10k-images-idx3-ubyte.gz");
        LoadedImages loaded = ImageSources.load(images, null);
        if (jfr != null) {
            Files.createDirectories(jfr);
        }
        Path workDir = Files.createTempDirectory("bench-stream");
        boolean finished = false;
        try (EmbeddedStack stack = EmbeddedStack.start()) {
            if (rates == null) {
                drain(stack, bundle, loaded, workDir);
            } else {
                openLoop(stack, bundle, loaded, workDir);
            }
            finished = true;
        } finally {
            if (finished) {
                DemoCommand.deleteRecursively(workDir);
            } else {
                // A failure names a scorer's log in here: it must still be there to be read.
                System.err.println("the scorers' logs are kept in " + workDir);
            }
        }
        return 0;
    }

    private void drain(EmbeddedStack stack, ModelBundle bundle, LoadedImages loaded, Path workDir) throws Exception {
        String topic = "bench-images";
        StreamBenchmark bench = new StreamBenchmark(stack, topic, partitions, threads, workDir, this::jvmOptions, drainWarmup);
        System.out.printf("publishing %d events to %s (%d partitions) ...%n", events, topic, partitions);
        bench.fill(loaded.images(), events);
        List<StreamBenchmark.Row> rows = new ArrayList<>();
        // The first round warms up the broker's page cache and this JVM's JIT; only the second is reported.
        for (int round = 0; round < 2; round++) {
            rows.clear();
            System.out.println(round == 0 ? "warm-up round" : "measured round");
            rows.add(bench.passThrough());
            for (int batch : batchSizes) {
                rows.add(bench.bareOnnxRuntime(bundle, loaded.images(), events, batch));
            }
            for (String guarantee : guarantees) {
                for (int batch : batchSizes) {
                    for (int n : instances) {
                        rows.add(bench.scorer(bundle, provider, guarantee, batch, n, extraSettings));
                    }
                }
            }
        }
        System.out.println(bench.table(rows));
    }

    /** The scorer JVM's extra options: a flight recording when --jfr asks for one. */
    private List<String> jvmOptions(String name) {
        if (jfr == null) {
            return List.of();
        }
        return List.of("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
                + jfr.toAbsolutePath().resolve(name + ".jfr"));
    }

    private void openLoop(EmbeddedStack stack, ModelBundle bundle, LoadedImages loaded, Path workDir) throws Exception {
        for (String guarantee : guarantees) {
            for (int batch : batchSizes) {
                String appId = "bench-latency-" + UUID.randomUUID().toString().substring(0, 8);
                String imagesTopic = appId + ".images";
                try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
                    admin.createTopics(List.of(new NewTopic(imagesTopic, partitions, (short) 1))).all().get();
                }
                Map<String, String> settings = StreamBenchmark.scorerSettings(stack, appId, imagesTopic, bundle, provider,
                        guarantee, batch, threads, Files.createDirectories(workDir.resolve(appId)));
                settings.putAll(extraSettings);
                try (ScorerProcess scorer = ScorerProcess.start(appId, settings, "1g", workDir, jvmOptions(appId))) {
                    scorer.awaitReady(Duration.ofSeconds(120));
                    OpenLoopBenchmark bench = new OpenLoopBenchmark(stack, imagesTopic, appId + ".scores", scorer,
                            loaded.images());
                    List<OpenLoopBenchmark.Result> results = new ArrayList<>();
                    for (double rate : rates) {
                        System.out.printf("offering %.0f events/s for %s (after %s of warm-up) ...%n", rate, duration, warmup);
                        OpenLoopBenchmark.Result result = bench.run(rate, warmup, duration);
                        results.add(result);
                        if (!result.minutes().isEmpty() && duration.toMinutes() >= 3) {
                            System.out.println(OpenLoopBenchmark.minutesTable(result));
                        }
                    }
                    System.out.println(OpenLoopBenchmark.table(results, String.format(
                            "%s, batch %d, %d partition(s), %d thread(s), %d cores, broker and registry on the same machine%s",
                            guarantee, batch, partitions, threads, Runtime.getRuntime().availableProcessors(),
                            extraSettings.isEmpty() ? "" : ", " + extraSettings)));
                }
            }
        }
    }
}
