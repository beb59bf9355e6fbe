package dev.imageanomaly.stream;

import dev.imageanomaly.schemas.ConfluentAvroDeserializer;
import dev.imageanomaly.schemas.ConfluentAvroSerializer;
import dev.imageanomaly.schemas.SchemaRegistry;
import dev.imageanomaly.schemas.avro.AnomalyAlert;
import dev.imageanomaly.schemas.avro.AnomalyScore;
import dev.imageanomaly.schemas.avro.DeadLetter;
import dev.imageanomaly.schemas.avro.DriftAlert;
import dev.imageanomaly.schemas.avro.ImageEvent;
import dev.imageanomaly.scoring.bundle.InputSpec;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.Stores;

/**
 * The scorer's topology, in one readable method:
 *
 * <pre>
 * [images] --bytes--> score (decode, validate, buffer in a logged store, batch, infer, decide)
 *                        |--> [anomaly-scores]         every scored event
 *                        |--> [anomaly-alerts]         scores above the threshold
 *                        |--> [images.dlq]             everything that could not be scored, with the reason
 *                        |--> [anomaly-scores.shadow]  every event, scored by the shadow model (if set)
 *                        '--> [anomaly-drift]          windows of scores that part from the reference, and return
 * </pre>
 *
 * Values are read as raw bytes and decoded inside the processor, so a record that is not valid
 * Avro reaches the dead-letter topic with its original bytes instead of stopping the stream.
 */
public final class ScoringTopology {

    static final String SOURCE = "images-source";
    static final String SCORER = "batch-scorer";
    static final String PENDING_STORE = "pending-images";
    static final String COMMIT_HOOK_STORE = "pending-images-commit-hook";
    static final String SCORES_SINK = "scores-sink";
    static final String ALERTS_SINK = "alerts-sink";
    static final String DEAD_LETTER_SINK = "dead-letter-sink";
    static final String SHADOW_SCORES_SINK = "shadow-scores-sink";
    static final String DRIFT_SINK = "drift-sink";

    private ScoringTopology() {}

    static Topology build(ScorerConfig config, ModelRollout models, ScorerMetrics metrics, SchemaRegistry registry) {
        Topology topology = new Topology();
        // Keys are read as bytes: a dead letter must carry the key exactly as it arrived.
        topology.addSource(SOURCE, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(),
                config.imagesTopic());
        topology.addProcessor(SCORER, scorers(config, models, metrics, registry), SOURCE);
        // The buffered events a commit catches: in memory, with its changelog making it durable (a
        // restarted task restores it from there). The processor writes an event here only when a
        // commit is about to pass it unscored (the hook); most events are emitted before that and never
        // reach the store. RocksDB would add nothing but its flushes on commit, which stalled every
        // partition of the thread; a cache cost a quarter of the stream thread (a flight recording).
        // The changelog must take the largest input the scorer accepts, whatever the broker's default.
        Map<String, String> changelog = Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                Integer.toString(config.changelogMaxRecordBytes()));
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(PENDING_STORE),
                Serdes.Long(), Serdes.ByteArray()).withLoggingEnabled(changelog).withCachingDisabled(), SCORER);
        topology.addStateStore(PreCommitHook.builder(COMMIT_HOOK_STORE), SCORER);
        // Scores, alerts and shadow scores carry the event's key bytes unchanged.
        topology.addSink(SCORES_SINK, config.scoresTopic(), Serdes.ByteArray().serializer(),
                avro(registry, AnomalyScore.class), SCORER);
        topology.addSink(ALERTS_SINK, config.alertsTopic(), Serdes.ByteArray().serializer(),
                avro(registry, AnomalyAlert.class), SCORER);
        topology.addSink(DEAD_LETTER_SINK, config.deadLetterTopic(), Serdes.String().serializer(),
                avro(registry, DeadLetter.class), SCORER);
        topology.addSink(SHADOW_SCORES_SINK, config.shadowScoresTopic(), Serdes.ByteArray().serializer(),
                avro(registry, AnomalyScore.class), SCORER);
        topology.addSink(DRIFT_SINK, config.driftTopic(), Serdes.String().serializer(),
                avro(registry, DriftAlert.class), SCORER);
        return topology;
    }

    /**
     * One scoring processor per task; the drift watch and the shadow comparison are shared by all, as
     * they watch the whole stream.
     */
    static ProcessorSupplier<byte[], byte[], Object, Object> scorers(ScorerConfig config, ModelRollout models,
            ScorerMetrics metrics, SchemaRegistry registry) {
        InputSpec input = models.serving().live().manifest().input();
        InputLimits limits = config.inputLimits(input);
        Alerts alerts = new Alerts(config.severityRatios(), config.thumbnailMaxSide(), config.alertAttributesMaxBytes(),
                config.outputMaxRecordBytes());
        DeadLetters deadLetters = new DeadLetters(config.outputMaxRecordBytes(), limits.maxIdentifierBytes());
        DriftWatch drift = new DriftWatch(config.driftSettings());
        ShadowComparison shadowComparison = new ShadowComparison(config.shadowWindowSize());
        registerWatchMetrics(metrics, drift, shadowComparison);
        Executor scoringThreads = scoringThreads(config.batchScoringThreads());
        return () -> new BatchScoringProcessor(models,
                new ImageEventDecoder(new ConfluentAvroDeserializer<>(registry, ImageEvent.class), input, limits),
                alerts, deadLetters, drift, shadowComparison, metrics, config.exactlyOnce(), config.batchMaxSize(),
                config.batchMaxWait(), scoringThreads);
    }

    /**
     * The threads all tasks' batches are scored on, or null to score on the stream threads. Daemon
     * threads that end when idle, so a topology owns no threads that must be closed with it.
     */
    private static Executor scoringThreads(int count) {
        if (count == 0) {
            return null;
        }
        AtomicInteger made = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(count, count, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                task -> {
                    Thread thread = new Thread(task, "batch-scoring-" + made.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    private static void registerWatchMetrics(ScorerMetrics metrics, DriftWatch drift, ShadowComparison shadow) {
        metrics.registerLabeledGauge("scorer_drift_ks", "Kolmogorov-Smirnov distance of the latest score window "
                + "from the model's reference, by source (* = all sources)", "source",
                () -> readings(drift, DriftWatch.Reading::ks));
        metrics.registerLabeledGauge("scorer_drift_psi", "Population stability index of the latest score window "
                + "against the model's reference deciles, by source (* = all sources)", "source",
                () -> readings(drift, DriftWatch.Reading::psi));
        metrics.registerLabeledGauge("scorer_drift_drifting", "1 while a source's window is drifting", "source",
                () -> readings(drift, r -> r.drifting() ? 1.0 : 0.0));
        metrics.registerGauge("scorer_shadow_agreement", "Share of the latest paired events on which the shadow's "
                + "verdict agrees with the live one (NaN without a shadow)", shadow::agreement);
        metrics.registerGauge("scorer_shadow_rank_correlation", "Spearman rank correlation of live and shadow scores "
                + "over the latest paired events (NaN without a shadow)", shadow::rankCorrelation);
    }

    private static Map<String, Double> readings(DriftWatch drift, java.util.function.ToDoubleFunction<DriftWatch.Reading> f) {
        Map<String, Double> out = new java.util.LinkedHashMap<>();
        drift.readings().forEach((source, reading) -> out.put(source, f.applyAsDouble(reading)));
        return out;
    }

    /**
     * Registers the schemas of the outputs before the first event, so a registry outage later never
     * holds up an output: the serializers find every id in their cache.
     */
    public static void registerOutputSchemas(ScorerConfig config, SchemaRegistry registry) {
        registry.register(config.scoresTopic() + "-value", AnomalyScore.getClassSchema());
        registry.register(config.alertsTopic() + "-value", AnomalyAlert.getClassSchema());
        registry.register(config.deadLetterTopic() + "-value", DeadLetter.getClassSchema());
        registry.register(config.shadowScoresTopic() + "-value", AnomalyScore.getClassSchema());
        registry.register(config.driftTopic() + "-value", DriftAlert.getClassSchema());
    }

    /** The processor forwards plain objects to named sinks; each sink's serializer knows its one type. */
    @SuppressWarnings("unchecked")
    private static <T extends org.apache.avro.specific.SpecificRecord> Serializer<Object> avro(
            SchemaRegistry registry, Class<T> type) {
        return (Serializer<Object>) (Serializer<?>) new ConfluentAvroSerializer<T>(registry, true, false);
    }
}
