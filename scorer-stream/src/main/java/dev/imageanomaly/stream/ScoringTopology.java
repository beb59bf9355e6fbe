package dev.imageanomaly.stream;

import dev.imageanomaly.schemas.ConfluentAvroDeserializer;
import dev.imageanomaly.schemas.ConfluentAvroSerializer;
import dev.imageanomaly.schemas.SchemaRegistry;
import dev.imageanomaly.schemas.avro.AnomalyAlert;
import dev.imageanomaly.schemas.avro.AnomalyScore;
import dev.imageanomaly.schemas.avro.DeadLetter;
import dev.imageanomaly.schemas.avro.ImageEvent;
import dev.imageanomaly.scoring.ImageAnomalyDetector;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The scorer's topology, in one readable method:
 *
 * <pre>
 * [images] --bytes--> score (decode, validate, buffer in a logged store, batch, infer, decide)
 *                        |--> [anomaly-scores]  every scored event
 *                        |--> [anomaly-alerts]  scores above the threshold
 *                        '--> [images.dlq]      everything that could not be scored, with the reason
 * </pre>
 *
 * Values are read as raw bytes and decoded inside the processor, so a record that is not valid
 * Avro reaches the dead-letter topic with its original bytes instead of stopping the stream.
 */
public final class ScoringTopology {

    static final String SOURCE = "images-source";
    static final String SCORER = "batch-scorer";
    static final String PENDING_STORE = "pending-images";
    static final String SCORES_SINK = "scores-sink";
    static final String ALERTS_SINK = "alerts-sink";
    static final String DEAD_LETTER_SINK = "dead-letter-sink";

    private ScoringTopology() {}

    public static Topology build(ScorerConfig config, ImageAnomalyDetector detector, ScorerMetrics metrics,
            SchemaRegistry registry) {
        InputLimits limits = config.inputLimits(detector.manifest().input());
        Alerts alerts = new Alerts(config.severityRatios(), config.thumbnailMaxSide(), config.alertAttributesMaxBytes(),
                config.outputMaxRecordBytes());
        DeadLetters deadLetters = new DeadLetters(config.outputMaxRecordBytes(), limits.maxIdentifierBytes());

        Topology topology = new Topology();
        // Keys are read as bytes: a dead letter must carry the key exactly as it arrived.
        topology.addSource(SOURCE, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(),
                config.imagesTopic());
        topology.addProcessor(SCORER, () -> new BatchScoringProcessor(detector,
                new ImageEventDecoder(new ConfluentAvroDeserializer<>(registry, ImageEvent.class),
                        detector.manifest().input(), limits),
                alerts, deadLetters, metrics, config.batchMaxSize(), config.batchMaxWait()), SOURCE);
        // The changelog must take the largest input the scorer accepts, whatever the broker's default.
        Map<String, String> changelog = Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                Integer.toString(config.changelogMaxRecordBytes()));
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PENDING_STORE),
                Serdes.Long(), Serdes.ByteArray()).withLoggingEnabled(changelog).withCachingEnabled(), SCORER);
        topology.addSink(SCORES_SINK, config.scoresTopic(), Serdes.String().serializer(),
                avro(registry, AnomalyScore.class), SCORER);
        topology.addSink(ALERTS_SINK, config.alertsTopic(), Serdes.String().serializer(),
                avro(registry, AnomalyAlert.class), SCORER);
        topology.addSink(DEAD_LETTER_SINK, config.deadLetterTopic(), Serdes.String().serializer(),
                avro(registry, DeadLetter.class), SCORER);
        return topology;
    }

    /** The processor forwards plain objects to named sinks; each sink's serializer knows its one type. */
    @SuppressWarnings("unchecked")
    private static <T extends org.apache.avro.specific.SpecificRecord> Serializer<Object> avro(
            SchemaRegistry registry, Class<T> type) {
        return (Serializer<Object>) (Serializer<?>) new ConfluentAvroSerializer<T>(registry, true, false);
    }
}
