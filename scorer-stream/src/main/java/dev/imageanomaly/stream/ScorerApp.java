package dev.imageanomaly.stream;

import dev.imageanomaly.schemas.SchemaRegistryClient;
import dev.imageanomaly.scoring.ImageAnomalyDetector;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Metric;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running scorer: one ONNX Runtime session shared by every stream thread, the topology, and
 * the HTTP endpoints. {@code main} runs it until SIGTERM or ctrl-C.
 */
public final class ScorerApp implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ScorerApp.class);

    private final ModelRollout models;
    private final KafkaStreams streams;
    private final ScorerMetrics metrics;
    private final Reachability reachability;
    private final HttpEndpoints http;

    private ScorerApp(ModelRollout models, KafkaStreams streams, ScorerMetrics metrics,
            Reachability reachability, HttpEndpoints http) {
        this.models = models;
        this.streams = streams;
        this.metrics = metrics;
        this.reachability = reachability;
        this.http = http;
    }

    public static ScorerApp start(ScorerConfig config) {
        ScorerMetrics metrics = new ScorerMetrics();
        ModelRollout models = ModelRollout.start(config.modelBundle(), config.modelShadow(), config.engineOptions(),
                config.modelPollInterval(), metrics);
        ImageAnomalyDetector live = models.serving().live();
        log.info("model {} {} ({}), threshold {}, provider {}{}", live.manifest().name(), live.manifest().version(),
                live.manifest().kind(), live.threshold(), live.executionProvider(),
                models.following() ? "; following model folder " + config.modelBundle() : "");
        Reachability reachability = new Reachability(metrics);
        try {
            Properties props = streamsProperties(config, metrics);
            Map<String, Object> adminConfig = new StreamsConfig(props).getAdminConfigs("image-anomaly-scorer-admin");
            if (config.createTopics()) {
                createMissingTopics(config, adminConfig);
            }
            SchemaRegistryClient registry = new SchemaRegistryClient(config.schemaRegistrySettings(), reachability);
            ScoringTopology.registerOutputSchemas(config, registry);
            KafkaStreams streams = new KafkaStreams(ScoringTopology.build(config, models, metrics, registry), props);
            JvmMetrics.builder().register(metrics.registry());
            Liveness liveness = new Liveness(config.livenessStallTimeout(), metrics::lastProgressMillis,
                    () -> consumerLag(streams));
            streams.setUncaughtExceptionHandler(e -> {
                // Bad records never get here (they are dead-lettered, or skipped by ProcessingErrorHandler);
                // this is infrastructure trouble, which a fresh thread retries from the last commit. If
                // it keeps failing, liveness fails after the stall timeout and the orchestrator restarts us.
                log.error("stream thread failed; replacing it", e);
                metrics.threadReplacements.inc();
                liveness.threadDied(System.currentTimeMillis());
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
            });
            metrics.registerGauge("scorer_consumer_lag", "Records in the input topic not yet read (sum over partitions)",
                    () -> consumerLag(streams));
            KafkaStreamsMetrics.register(streams, config.imagesTopic(), metrics.registry());
            HttpEndpoints http = new HttpEndpoints(config.httpBindAddress(), config.httpPort(), metrics,
                    new HttpEndpoints.Check(() -> liveness.isLive(System.currentTimeMillis())
                            && streams.state() != KafkaStreams.State.ERROR,
                            () -> "streams " + streams.state() + ", " + liveness.describe(System.currentTimeMillis())),
                    new HttpEndpoints.Check(() -> streams.state() == KafkaStreams.State.RUNNING && reachability.allUp(),
                            () -> "streams " + streams.state() + ", " + reachability.describe() + ", model "
                                    + models.serving().live().manifest().name() + " "
                                    + models.serving().live().manifest().version()));
            http.json("/model", models::describeJson);
            reachability.probeBrokers(adminConfig);
            streams.start();
            log.info("scoring {} -> {}, {} (alerts), {} (dead letters); batches of up to {} within {} ms; http on {}:{}",
                    config.imagesTopic(), config.scoresTopic(), config.alertsTopic(), config.deadLetterTopic(),
                    config.batchMaxSize(), config.batchMaxWait().toMillis(),
                    config.httpBindAddress().isEmpty() ? "*" : config.httpBindAddress(), http.port());
            return new ScorerApp(models, streams, metrics, reachability, http);
        } catch (IOException e) {
            reachability.close();
            models.close();
            throw new UncheckedIOException("cannot open the HTTP port " + config.httpPort(), e);
        } catch (RuntimeException e) {
            reachability.close();
            models.close();
            throw e;
        }
    }

    /** The configuration's Kafka Streams settings plus the scorer's error handlers, which report to its metrics. */
    static Properties streamsProperties(ScorerConfig config, ScorerMetrics metrics) {
        Properties props = config.streamsProperties();
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, ProcessingErrorHandler.class);
        props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, OutputErrorHandler.class);
        props.put(ScorerMetrics.CONFIG_KEY, metrics);
        return props;
    }

    /** With the same client settings as Kafka Streams, so TLS and SASL apply here too. */
    static void createMissingTopics(ScorerConfig config, Map<String, Object> adminConfig) {
        try (Admin admin = Admin.create(adminConfig)) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = List.of(config.imagesTopic(), config.scoresTopic(), config.alertsTopic(),
                            config.deadLetterTopic(), config.shadowScoresTopic(), config.driftTopic()).stream().distinct()
                    .filter(t -> !existing.contains(t))
                    .map(t -> new NewTopic(t, config.topicPartitions(), config.topicReplicationFactor())).toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get();
                log.info("created topics {}", missing.stream().map(NewTopic::name).toList());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                throw new IllegalStateException("cannot create topics on " + config.bootstrapServers() + ": "
                        + e.getCause().getMessage(), e.getCause());
            }
        }
    }

    private static double consumerLag(KafkaStreams streams) {
        double lag = 0;
        for (Metric metric : streams.metrics().values()) {
            if (metric.metricName().name().equals("records-lag")
                    && metric.metricName().group().equals("consumer-fetch-manager-metrics")
                    && metric.metricValue() instanceof Double d && Double.isFinite(d)) {
                lag += d;
            }
        }
        return lag;
    }

    public boolean isReady() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public ScorerMetrics metrics() {
        return metrics;
    }

    public int httpPort() {
        return http.port();
    }

    /** Waits until the streams are running, or fails after the timeout. */
    public void awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!isReady()) {
            if (System.nanoTime() > deadline || streams.state() == KafkaStreams.State.ERROR) {
                throw new IllegalStateException("scorer did not reach RUNNING within " + timeout + " (state "
                        + streams.state() + ")");
            }
            Thread.sleep(50);
        }
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
        reachability.close();
        http.close();
        models.close();
    }

    /** Blocks until SIGTERM or ctrl-C, then closes the scorer cleanly (streams, HTTP, model). */
    public void runUntilShutdown() throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            close();
            stopped.countDown();
        }, "scorer-shutdown"));
        stopped.await();
    }

    /** {@code ScorerApp [--config FILE] [key=value ...]}: runs until SIGTERM or ctrl-C. */
    public static void main(String[] args) throws InterruptedException {
        Path configFile = null;
        Map<String, String> overrides = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                configFile = Path.of(args[++i]);
            } else if (args[i].contains("=")) {
                overrides.put(args[i].substring(0, args[i].indexOf('=')), args[i].substring(args[i].indexOf('=') + 1));
            } else {
                System.err.println("usage: scorer [--config FILE] [key=value ...]\n"
                        + "environment: SCORER_<KEY>; the settings and their defaults:\n\n"
                        + ScorerConfig.defaultsAsProperties());
                System.exit(2);
            }
        }
        ScorerApp app;
        try {
            app = start(ScorerConfig.load(configFile, System.getenv(), overrides));
        } catch (RuntimeException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
            return;
        }
        app.runUntilShutdown();
    }
}
