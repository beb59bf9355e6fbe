package dev.imageanomaly.stream;

import dev.imageanomaly.schemas.ConfluentAvroDeserializer;
import dev.imageanomaly.schemas.ConfluentAvroSerializer;
import dev.imageanomaly.schemas.SchemaRegistryClient;
import dev.imageanomaly.schemas.avro.AnomalyAlert;
import dev.imageanomaly.schemas.avro.AnomalyScore;
import dev.imageanomaly.schemas.avro.DeadLetter;
import dev.imageanomaly.schemas.avro.ImageEvent;
import dev.imageanomaly.scoring.ImageAnomalyDetector;
import java.util.Map;
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

    public static Topology build(ScorerConfig config, ImageAnomalyDetector detector, ScorerMetrics metrics) {
        SchemaRegistryClient registry = new SchemaRegistryClient(config.schemaRegistryUrl());
        ImageEventDecoder.SizePolicy sizePolicy = config.inputSizePolicy();
        Alerts alerts = new Alerts(config.severityRatios(), config.thumbnailMaxSide());

        Topology topology = new Topology();
        topology.addSource(SOURCE, Serdes.String().deserializer(), Serdes.ByteArray().deserializer(),
                config.imagesTopic());
        topology.addProcessor(SCORER, () -> new BatchScoringProcessor(detector,
                new ImageEventDecoder(new ConfluentAvroDeserializer<>(registry, ImageEvent.class),
                        detector.manifest().input(), sizePolicy),
                alerts, metrics, config.batchMaxSize(), config.batchMaxWait()), SOURCE);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PENDING_STORE),
                Serdes.Long(), Serdes.ByteArray()).withLoggingEnabled(Map.of()).withCachingEnabled(), SCORER);
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
            SchemaRegistryClient registry, Class<T> type) {
        return (Serializer<Object>) (Serializer<?>) new ConfluentAvroSerializer<T>(registry, true, false);
    }
}
