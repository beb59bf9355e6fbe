package dev.imageanomaly.app;

import dev.imageanomaly.embedded.EmbeddedStack;
import dev.imageanomaly.scoring.bundle.ModelBundle;
import dev.imageanomaly.scoring.source.ImageSources;
import dev.imageanomaly.scoring.source.LoadedImages;
import dev.imageanomaly.stream.ScorerApp;
import dev.imageanomaly.stream.ScorerConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import picocli.CommandLine.Command;
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

    @Option(names = "--bundle", required = true, paramLabel = "DIR", description = "model bundle folder")
    Path bundleDir;

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

    @Option(names = "--provider", defaultValue = "cpu", description = "cpu, cuda, auto (default: ${DEFAULT-VALUE})")
    String provider;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "any other scorer setting for the scorer rows, e.g. --set onnx.intra.op.threads=1")
    Map<String, String> extraSettings = new HashMap<>();

    private record Row(String pipeline, int events, double seconds, double inferenceSeconds, double streamCpuSeconds,
            double processCpuSeconds, double brokerCpuSeconds) {
        double rate() {
            return events / seconds;
        }
    }

    @Override
    public Integer call() throws Exception {
        ModelBundle bundle = ModelBundle.load(bundleDir);
        Path images = input != null ? input : DemoCommand.repoHome().resolve("data/mnist-10k-images-idx3-ubyte.gz");
        LoadedImages loaded = ImageSources.load(images, null);
        Path stateRoot = Files.createTempDirectory("bench-stream-state");
        List<Row> rows = new ArrayList<>();
        try (EmbeddedStack stack = EmbeddedStack.start()) {
            String topic = "bench-images";
            createTopic(stack, topic, partitions);
            System.out.printf("publishing %d events from %s to %s (%d partitions) ...%n", events, images, topic, partitions);
            try (ImagePublisher publisher = new ImagePublisher(stack.bootstrapServers(), stack.schemaRegistryUrl(), topic)) {
                for (int i = 0; i < events; i++) {
                    int index = i % loaded.images().size();
                    publisher.publish(ImageEvents.png("bench-" + i, "camera-" + (i % 4 + 1), loaded.images().get(index),
                            Map.of()));
                }
                publisher.flush();
            }

            // The first round warms up the JIT and the broker's page cache; only the second is reported.
            for (int round = 0; round < 2; round++) {
                rows.clear();
                System.out.println(round == 0 ? "warm-up round" : "measured round");
                rows.add(passThrough(stack, topic, stateRoot));
                for (String guarantee : guarantees) {
                    for (int batch : batchSizes) {
                        rows.add(scorer(stack, topic, bundle, guarantee, batch, stateRoot));
                    }
                }
            }
        } finally {
            DemoCommand.deleteRecursively(stateRoot);
        }
        System.out.println(table(rows));
        return 0;
    }

    private Row passThrough(EmbeddedStack stack, String topic, Path stateRoot) throws Exception {
        String appId = "bench-pass-through-" + UUID.randomUUID();
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(topic, Consumed.with(Serdes.String(), Serdes.ByteArray()))
                .to(appId + ".out", Produced.with(Serdes.String(), Serdes.ByteArray()));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateRoot.toString());
        createTopic(stack, appId + ".out", partitions);
        try (KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
            streams.start();
            awaitRunning(streams);
            return drain(stack, topic, appId, "pass-through (bytes in, bytes out, at_least_once)", () -> 0);
        }
    }

    private Row scorer(EmbeddedStack stack, String topic, ModelBundle bundle, String guarantee, int batch,
            Path stateRoot) throws Exception {
        String appId = "bench-scorer-" + UUID.randomUUID();
        Map<String, String> settings = new HashMap<>(Map.of(
                "bootstrap.servers", stack.bootstrapServers(), "schema.registry.url", stack.schemaRegistryUrl(),
                "application.id", appId, "topic.images", topic, "topic.scores", appId + ".scores",
                "topic.alerts", appId + ".alerts", "topic.dead.letters", appId + ".dlq",
                "model.bundle", bundle.directory().toString(), "execution.provider", provider,
                "processing.guarantee", guarantee));
        settings.putAll(Map.of("batch.max.size", String.valueOf(batch), "num.stream.threads", String.valueOf(threads),
                "topics.partitions", String.valueOf(partitions), "state.dir", stateRoot.toString(),
                "http.port", "0", "streams.commit.interval.ms", "100"));
        settings.putAll(extraSettings);
        try (ScorerApp scorer = ScorerApp.start(ScorerConfig.load(null, Map.of(), settings))) {
            scorer.awaitRunning(Duration.ofSeconds(60));
            return drain(stack, topic, appId, String.format("scorer (batch %d, %s%s)", batch, guarantee,
                            extraSettings.isEmpty() ? "" : ", " + extraSettings),
                    () -> (long) (scorer.metrics().inferenceSeconds() * 1e9));
        }
    }

    /** Times from now until the pipeline's committed offsets on {@code topic} reach the end of it. */
    private Row drain(EmbeddedStack stack, String topic, String groupId, String name, LongSupplier inferenceNanos)
            throws Exception {
        long start = System.nanoTime();
        long cpuAtStart = streamThreadCpuNanos(groupId);
        long processCpuAtStart = processCpuNanos();
        long brokerCpuAtStart = cpuNanos(stack.kafka().process());
        try (Admin admin = admin(stack)) {
            long total = endOffsets(admin, topic);
            long deadline = start + Duration.ofMinutes(10).toNanos();
            while (committed(admin, groupId) < total) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + " did not finish within 10 minutes");
                }
                Thread.sleep(20);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("%s: %d events in %.1f s%n", name, total, seconds);
            return new Row(name, (int) total, seconds, inferenceNanos.getAsLong() / 1e9,
                    (streamThreadCpuNanos(groupId) - cpuAtStart) / 1e9, (processCpuNanos() - processCpuAtStart) / 1e9,
                    (cpuNanos(stack.kafka().process()) - brokerCpuAtStart) / 1e9);
        }
    }

    /** CPU time of the pipeline's stream threads (ONNX Runtime included when it runs on the calling thread). */
    private static long streamThreadCpuNanos(String applicationId) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith(applicationId)
                    && info.getThreadName().matches(".*-StreamThread-\\d+$")) {
                sum += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return sum;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long cpuNanos(ProcessHandle process) {
        return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    private static long endOffsets(Admin admin, String topic) throws ExecutionException, InterruptedException {
        var partitionInfo = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions();
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitionInfo.forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        return admin.listOffsets(request).all().get().values().stream().mapToLong(o -> o.offset()).sum();
    }

    private static long committed(Admin admin, String groupId) throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> offsets =
                admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
        return offsets.values().stream().filter(o -> o != null).mapToLong(OffsetAndMetadata::offset).sum();
    }

    private static void createTopic(EmbeddedStack stack, String topic, int partitions) throws Exception {
        try (Admin admin = admin(stack)) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        }
    }

    private static Admin admin(EmbeddedStack stack) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()));
    }

    private static void awaitRunning(KafkaStreams streams) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("pass-through did not reach RUNNING (state " + streams.state() + ")");
            }
            Thread.sleep(20);
        }
    }

    private static double perEvent(double seconds, Row r) {
        return 1e6 * seconds / r.events();
    }

    private String table(List<Row> rows) {
        double reference = rows.get(0).rate();
        StringBuilder md = new StringBuilder(String.format(
                "%n%d cores, %d partition(s), %d stream thread(s), broker and registry on the same machine%n%n",
                Runtime.getRuntime().availableProcessors(), partitions, threads));
        md.append("| pipeline | events | seconds | events/s | vs pass-through | ONNX Runtime share"
                + " | stream threads' CPU µs/event | whole JVM CPU µs/event | broker CPU µs/event |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            md.append(String.format("| %s | %d | %.2f | %.0f | %.2f | %s | %.0f | %.0f | %.0f |%n", r.pipeline(),
                    r.events(), r.seconds(), r.rate(), r.rate() / reference,
                    r.inferenceSeconds() > 0 ? String.format("%.0f %%", 100 * r.inferenceSeconds() / r.seconds()) : "-",
                    perEvent(r.streamCpuSeconds(), r), perEvent(r.processCpuSeconds(), r),
                    perEvent(r.brokerCpuSeconds(), r)));
        }
        return md.toString();
    }
}
