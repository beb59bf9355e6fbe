package dev.imageanomaly.schemas;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes generated Avro records in the Confluent wire format, registering (or looking up) their
 * schema under the TopicNameStrategy subject {@code <topic>-value} / {@code <topic>-key}.
 *
 * <p>Either configured by Kafka ({@link ConfluentAvroSerdeConfig} keys, no-arg constructor) or built
 * ready to use with a client.
 */
public class ConfluentAvroSerializer<T extends SpecificRecord> implements Serializer<T> {

    static {
        TrustedAvroTypes.install();
    }

    private SchemaRegistry registry;
    private boolean autoRegister = true;
    private boolean isKey;
    private final Map<Schema, SpecificDatumWriter<T>> writers = new ConcurrentHashMap<>();
    /**
     * The id last written, for the topic and schema it was for: a serializer writes one record class
     * to one topic, so this spares each record the subject's name and the registry cache's lookup.
     */
    private volatile SchemaId last;

    private record SchemaId(String topic, Schema schema, int id) {}

    /** For Kafka to instantiate; {@link #configure} must follow. */
    public ConfluentAvroSerializer() {
    }

    public ConfluentAvroSerializer(SchemaRegistry registry, boolean autoRegister, boolean isKey) {
        this.registry = registry;
        this.autoRegister = autoRegister;
        this.isKey = isKey;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.registry = new SchemaRegistryClient(SchemaRegistrySettings.fromConfig(configs));
        this.autoRegister = ConfluentAvroSerdeConfig.autoRegister(configs);
        this.isKey = isKey;
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        if (registry == null) {
            throw new IllegalStateException("ConfluentAvroSerializer used before configure()");
        }
        Schema schema = record.getSchema();
        int id = idOf(topic, schema);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            out.write(ConfluentWireFormat.MAGIC_BYTE);
            out.write(id >>> 24);
            out.write(id >>> 16);
            out.write(id >>> 8);
            out.write(id);
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            writers.computeIfAbsent(schema, this::writerFor).write(record, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Could not write " + schema.getFullName() + " for topic " + topic
                    + ": " + e.getMessage(), e);
        }
    }

    private int idOf(String topic, Schema schema) {
        SchemaId cached = last;
        if (cached != null && cached.schema() == schema && cached.topic().equals(topic)) {
            return cached.id();
        }
        String subject = ConfluentAvroSerdeConfig.subject(topic, isKey);
        try {
            int id = autoRegister ? registry.register(subject, schema) : registry.idOf(subject, schema);
            last = new SchemaId(topic, schema, id);
            return id;
        } catch (SchemaRegistryException e) {
            throw new SerializationException(e.getMessage(), e);
        }
    }

    private SpecificDatumWriter<T> writerFor(Schema schema) {
        // the record was handed to us by the application, so its classes are trusted by construction
        TrustedAvroTypes.trust(schema);
        return new SpecificDatumWriter<>(schema);
    }
}
