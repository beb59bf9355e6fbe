package dev.imageanomaly.app;

import dev.imageanomaly.embedded.EmbeddedStack;
import dev.imageanomaly.scoring.ImageAnomalyDetector;
import dev.imageanomaly.scoring.bundle.ModelBundle;
import dev.imageanomaly.scoring.engine.EngineOptions;
import dev.imageanomaly.scoring.engine.ExecutionProvider;
import dev.imageanomaly.scoring.image.DecodedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
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
 * pipeline drains until its committed input offsets reach the end; the clock, and the CPU it and the
 * broker spend, count from when a set share of the events is committed: a fresh scorer JVM spends
 * its first seconds compiling itself (on 2 cores the JIT compilers took 0.5-0.7 of a core for the
 * first ~15 s of a scorer's life), and a service runs long after that. Beside the scorer, its two
 * ceilings in the same run: a Kafka Streams pass-through of the same records (what Kafka allows on
 * this machine) and ONNX Runtime alone scoring the same images at the same batch size on one thread
 * (what the model allows).
 * Scorers run as their own JVMs, one or several (the same application id, sharing the partitions).
 */
final class StreamBenchmark {

    /** One pipeline's drain of the topic. */
    record Row(String pipeline, int events, double seconds, double inferenceSeconds, double pipelineCpuSeconds,
            double brokerCpuSeconds, boolean ceiling) {
        double rate() {
            return events / seconds;
        }
    }

    private final EmbeddedStack stack;
    private final String topic;
    private final int partitions;
    private final int threads;
    private final Path workDir;
    private final Function<String, List<String>> jvmOptions;
    private final double warmupShare;

    /**
     * @param threads stream threads per pipeline instance
     * @param workDir where the pipelines keep their state and the scorers their logs
     * @param jvmOptions the extra options of a scorer JVM, by its name
     * @param warmupShare the share of the events each pipeline drains before its clock starts
     */
    StreamBenchmark(EmbeddedStack stack, String topic, int partitions, int threads, Path workDir,
            Function<String, List<String>> jvmOptions, double warmupShare) {
        this.stack = stack;
        this.topic = topic;
        this.partitions = partitions;
        this.threads = threads;
        this.workDir = workDir;
        this.jvmOptions = jvmOptions;
        this.warmupShare = warmupShare;
    }

    /** Creates the topic and publishes {@code events} PNG image events, cycling through the images. */
    void fill(List<DecodedImage> images, int events) throws Exception {
        createTopic(topic);
        try (ImagePublisher publisher = new ImagePublisher(stack.bootstrapServers(), stack.schemaRegistryUrl(), topic)) {
            for (int i = 0; i < events; i++) {
                publisher.publish(ImageEvents.png("bench-" + i, "camera-" + (i % 24 + 1), images.get(i % images.size()),
                        Map.of()));
            }
            publisher.flush();
        }
    }

    /** A Kafka Streams pass-through of the same records: the ceiling Kafka allows on this machine. */
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
        props.put(StreamsConfig.STATE_DIR_CONFIG, workDir.toString());
        createTopic(appId + ".out");
        long cpuBefore = ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
        try (KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
            streams.start();
            awaitRunning(streams);
            return drain(appId, "Kafka Streams pass-through (bytes in, bytes out)", () -> 0.0,
                    () -> (ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L)
                            - cpuBefore) / 1e9, true);
        }
    }

    /**
     * ONNX Runtime alone on the same images, already decoded and prepared, at the scorer's batch size
     * and one intra-op thread (as the scorer runs it): the ceiling the model allows.
     */
    Row bareOnnxRuntime(ModelBundle bundle, List<DecodedImage> images, int events, int batch) {
        try (ImageAnomalyDetector detector = ImageAnomalyDetector.open(bundle,
                new EngineOptions(ExecutionProvider.CPU, 0, 1, batch))) {
            List<DecodedImage> sample = new ArrayList<>(batch);
            for (int i = 0; i < batch; i++) {
                sample.add(images.get(i % images.size()));
            }
            float[] input = detector.preprocess(sample);
            for (int i = 0; i < 20; i++) {
                detector.decisionFunction(input, batch); // JIT and the session's first runs
            }
            int batches = Math.max(1, events / batch);
            long start = System.nanoTime();
            for (int i = 0; i < batches; i++) {
                detector.decisionFunction(input, batch);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Row(String.format("ONNX Runtime alone (batch %d, 1 thread)", batch), batches * batch, seconds,
                    seconds, seconds, 0, true);
        }
    }

    /**
     * The scorer on the same records, as {@code instances} JVMs with one application id.
     *
     * @param provider the execution provider, as the scorer's settings spell it
     * @param extraSettings any other scorer settings
     */
    Row scorer(ModelBundle bundle, String provider, String guarantee, int batch, int instances,
            Map<String, String> extraSettings) throws Exception {
        String appId = "bench-scorer-" + UUID.randomUUID();
        List<ScorerProcess> scorers = new ArrayList<>();
        try {
            for (int i = 0; i < instances; i++) {
                Map<String, String> settings = scorerSettings(stack, appId, topic, bundle, provider, guarantee, batch,
                        threads, Files.createDirectories(workDir.resolve(appId + "-" + i)));
                settings.put("topics.partitions", String.valueOf(partitions));
                settings.put("instance.id", "bench-" + i);
                settings.putAll(extraSettings);
                scorers.add(ScorerProcess.start(appId + "-" + i, settings, "1g", workDir, jvmOptions.apply(appId + "-" + i)));
            }
            for (ScorerProcess scorer : scorers) {
                scorer.awaitReady(Duration.ofSeconds(120));
            }
            String name = String.format("scorer x%d (batch %d, %s%s)", instances, batch, guarantee,
                    extraSettings.isEmpty() ? "" : ", " + extraSettings);
            return drain(appId, name, () -> sum(scorers, "scorer_inference_seconds_sum"), () -> cpuSeconds(scorers),
                    false);
        } finally {
            for (ScorerProcess scorer : scorers) {
                scorer.close();
            }
        }
    }

    /** A benchmarked scorer's settings: its own output topics and state folder, one application id per pipeline. */
    static Map<String, String> scorerSettings(EmbeddedStack stack, String appId, String imagesTopic, ModelBundle bundle,
            String provider, String guarantee, int batch, int threads, Path stateDir) {
        Map<String, String> settings = new HashMap<>(Map.of(
                "bootstrap.servers", stack.bootstrapServers(), "schema.registry.url", stack.schemaRegistryUrl(),
                "application.id", appId, "topic.images", imagesTopic, "topic.scores", appId + ".scores",
                "topic.alerts", appId + ".alerts", "topic.dead.letters", appId + ".dlq",
                "model.bundle", bundle.directory().toAbsolutePath().toString(), "execution.provider", provider,
                "processing.guarantee", guarantee));
        settings.putAll(Map.of("batch.max.size", String.valueOf(batch), "num.stream.threads", String.valueOf(threads),
                "state.dir", stateDir.toString(), "topic.shadow.scores", appId + ".shadow", "topic.drift", appId + ".drift"));
        return settings;
    }

    private interface Reading {
        double get() throws Exception;
    }

    /**
     * Times the pipeline from when its committed offsets on {@code topic} pass the warm-up share of
     * the events until they reach the end.
     */
    private Row drain(String groupId, String name, Reading inferenceSeconds, Reading cpuSeconds, boolean ceiling)
            throws Exception {
        long begin = System.nanoTime();
        long deadline = begin + Duration.ofMinutes(10).toNanos();
        try (Admin admin = admin()) {
            long total = endOffsets(admin, topic);
            long warmedUp = awaitCommitted(admin, groupId, (long) (warmupShare * total), deadline, name);
            long start = System.nanoTime();
            double inferenceAtStart = inferenceSeconds.get();
            double cpuAtStart = cpuSeconds.get();
            long brokerCpuAtStart = cpuNanos(stack.kafka().process());
            awaitCommitted(admin, groupId, total, deadline, name);
            long end = System.nanoTime();
            double seconds = (end - start) / 1e9;
            System.out.printf("%s: %d events in %.1f s, the last %d in %.1f s%n", name, total, (end - begin) / 1e9,
                    total - warmedUp, seconds);
            return new Row(name, (int) (total - warmedUp), seconds, inferenceSeconds.get() - inferenceAtStart,
                    cpuSeconds.get() - cpuAtStart, (cpuNanos(stack.kafka().process()) - brokerCpuAtStart) / 1e9, ceiling);
        }
    }

    /** Waits until the group has committed at least {@code target} offsets in all; returns how many it has. */
    private long awaitCommitted(Admin admin, String groupId, long target, long deadline, String name) throws Exception {
        long committed;
        while ((committed = committed(admin, groupId)) < target) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " did not finish within 10 minutes");
            }
            Thread.sleep(20);
        }
        return committed;
    }

    private static double sum(List<ScorerProcess> scorers, String series) throws Exception {
        double total = 0;
        for (ScorerProcess scorer : scorers) {
            total += scorer.metric(series);
        }
        return total;
    }

    private static double cpuSeconds(List<ScorerProcess> scorers) {
        return scorers.stream().mapToLong(s -> cpuNanos(s.handle())).sum() / 1e9;
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

    /** The rows as a markdown table; each scorer row against the nearer of the two ceilings measured in the run. */
    String table(List<Row> rows) {
        double ceiling = rows.stream().filter(Row::ceiling).mapToDouble(Row::rate).min().orElse(Double.NaN);
        StringBuilder md = new StringBuilder(String.format(
                "%n%d cores, %d partition(s), %d stream thread(s) per instance, broker and registry on the same machine%n%n",
                Runtime.getRuntime().availableProcessors(), partitions, threads));
        md.append("| pipeline | events | seconds | events/s | vs nearer ceiling | ONNX Runtime share"
                + " | pipeline CPU µs/event | broker CPU µs/event |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            md.append(String.format("| %s | %d | %.2f | %.0f | %s | %s | %.0f | %.0f |%n", r.pipeline(),
                    r.events(), r.seconds(), r.rate(), r.ceiling() ? "(ceiling)" : String.format("%.0f %%", 100 * r.rate() / ceiling),
                    r.inferenceSeconds() > 0 ? String.format("%.0f %%", 100 * r.inferenceSeconds() / r.seconds()) : "-",
                    perEvent(r.pipelineCpuSeconds(), r), perEvent(r.brokerCpuSeconds(), r)));
        }
        return md.toString();
    }
}
