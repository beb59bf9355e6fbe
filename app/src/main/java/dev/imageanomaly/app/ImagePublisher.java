package dev.imageanomaly.app;

import dev.imageanomaly.schemas.ConfluentAvroSerializer;
import dev.imageanomaly.schemas.SchemaRegistryClient;
import dev.imageanomaly.schemas.SchemaRegistrySettings;
import dev.imageanomaly.schemas.avro.ImageEvent;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes image events to Kafka in the Confluent wire format, keyed by source. Raw bytes can be
 * sent too, to exercise how the scorer handles records that are not valid events.
 */
final class ImagePublisher implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;
    private final ConfluentAvroSerializer<ImageEvent> serializer;
    private final String topic;

    ImagePublisher(String bootstrapServers, String registryUrl, String topic) {
        this(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), SchemaRegistrySettings.of(registryUrl),
                topic);
    }

    ImagePublisher(String bootstrapServers, SchemaRegistrySettings registry, String topic) {
        this(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), registry, topic);
    }

    /**
     * @param client the producer's settings: the brokers and any TLS or SASL settings
     * @param registry the registry client waits out a registry outage (up to its max wait) before a send gives up
     */
    ImagePublisher(Map<String, Object> client, SchemaRegistrySettings registry, String topic) {
        Map<String, Object> config = new HashMap<>(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5));
        config.putAll(client);
        this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        this.serializer = new ConfluentAvroSerializer<>(new SchemaRegistryClient(registry), true, false);
        this.topic = topic;
    }

    Future<RecordMetadata> publish(ImageEvent event) {
        return publishRaw(event.getSource(), serializer.serialize(topic, event));
    }

    Future<RecordMetadata> publishRaw(String key, byte[] value) {
        return producer.send(new ProducerRecord<>(topic, key, value));
    }

    void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
