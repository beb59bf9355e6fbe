package dev.imageanomaly.app;

import dev.imageanomaly.embedded.EmbeddedStack;
import dev.imageanomaly.scoring.bundle.ModelBundle;
import dev.imageanomaly.scoring.image.DecodedImage;
import dev.imageanomaly.stream.ScorerApp;
import dev.imageanomaly.stream.ScorerConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
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

/**
 * The stream benchmark harness: one input topic on a running stack, filled once, that each
 * pipeline drains from RUNNING until its committed input offsets reach the end, with the CPU the
 * pipeline's threads, the whole JVM and the broker spent meanwhile.
 */
final class StreamBenchmark {

    /** One pipeline's drain of the topic. */
    record Row(String pipeline, int events, double seconds, double inferenceSeconds, double streamCpuSeconds,
            double processCpuSeconds, double brokerCpuSeconds) {
        double rate() {
            return events / seconds;
        }
    }

    private final EmbeddedStack stack;
    private final String topic;
    private final int partitions;
    private final int threads;
    private final Path stateRoot;

    /**
     * @param threads stream threads per pipeline
     * @param stateRoot where the pipelines keep their state
     */
    StreamBenchmark(EmbeddedStack stack, String topic, int partitions, int threads, Path stateRoot) {
        this.stack = stack;
        this.topic = topic;
        this.partitions = partitions;
        this.threads = threads;
        this.stateRoot = stateRoot;
    }

    /** Creates the topic and publishes {@code events} PNG image events, cycling through the images. */
    void fill(List<DecodedImage> images, int events) throws Exception {
        createTopic(topic);
        try (ImagePublisher publisher = new ImagePublisher(stack.bootstrapServers(), stack.schemaRegistryUrl(), topic)) {
            for (int i = 0; i < events; i++) {
                publisher.publish(ImageEvents.png("bench-" + i, "camera-" + (i % 4 + 1), images.get(i % images.size()),
                        Map.of()));
            }
            publisher.flush();
        }
    }

    /** A Kafka Streams pass-through of the same records: the ceiling the machine allows. */
    Row passThrough() throws Exception {
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
        createTopic(appId + ".out");
        try (KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
            streams.start();
            awaitRunning(streams);
            return drain(appId, "pass-through (bytes in, bytes out, at_least_once)", () -> 0);
        }
    }

    /**
     * The scorer on the same records.
     *
     * @param provider the execution provider, as the scorer's settings spell it
     * @param extraSettings any other scorer settings
     */
    Row scorer(ModelBundle bundle, String provider, String guarantee, int batch, Map<String, String> extraSettings)
            throws Exception {
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
            return drain(appId, String.format("scorer (batch %d, %s%s)", batch, guarantee,
                            extraSettings.isEmpty() ? "" : ", " + extraSettings),
                    () -> (long) (scorer.metrics().inferenceSeconds() * 1e9));
        }
    }

    /** Times from now until the pipeline's committed offsets on {@code topic} reach the end of it. */
    private Row drain(String groupId, String name, LongSupplier inferenceNanos)
            throws Exception {
        long start = System.nanoTime();
        long cpuAtStart = streamThreadCpuNanos(groupId);
        long processCpuAtStart = processCpuNanos();
        long brokerCpuAtStart = cpuNanos(stack.kafka().process());
        try (Admin admin = admin()) {
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

    private void createTopic(String topic) throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        }
    }

    private Admin admin() {
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

    /** The rows as a markdown table, each against the first (the pass-through). */
    String table(List<Row> rows) {
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
