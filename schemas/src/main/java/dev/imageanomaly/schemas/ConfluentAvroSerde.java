package dev.imageanomaly.schemas;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A ready-to-use Kafka {@link Serde} of a generated Avro class in the Confluent wire format, e.g.
 * for Kafka Streams' {@code Consumed.with(...)}/{@code Produced.with(...)}, which do not call
 * {@code configure} on serdes passed to them, so these factories return configured serdes.
 */
public final class ConfluentAvroSerde<T extends SpecificRecord> implements Serde<T> {

    private final ConfluentAvroSerializer<T> serializer;
    private final ConfluentAvroDeserializer<T> deserializer;

    private ConfluentAvroSerde(ConfluentAvroSerializer<T> serializer, ConfluentAvroDeserializer<T> deserializer) {
        this.serializer = serializer;
        this.deserializer = deserializer;
    }

    /** A value serde: subject {@code <topic>-value}. */
    public static <T extends SpecificRecord> ConfluentAvroSerde<T> forValues(Class<T> type, SchemaRegistry registry,
            boolean autoRegister) {
        return of(type, registry, autoRegister, false);
    }

    /** A key serde: subject {@code <topic>-key}. */
    public static <T extends SpecificRecord> ConfluentAvroSerde<T> forKeys(Class<T> type, SchemaRegistry registry,
            boolean autoRegister) {
        return of(type, registry, autoRegister, true);
    }

    /** From {@link ConfluentAvroSerdeConfig} keys ({@code schema.registry.url}, {@code auto.register.schemas}). */
    public static <T extends SpecificRecord> ConfluentAvroSerde<T> fromConfig(Class<T> type, Map<String, ?> configs,
            boolean isKey) {
        SchemaRegistryClient registry = new SchemaRegistryClient(ConfluentAvroSerdeConfig.registryUrl(configs));
        return of(type, registry, ConfluentAvroSerdeConfig.autoRegister(configs), isKey);
    }

    private static <T extends SpecificRecord> ConfluentAvroSerde<T> of(Class<T> type, SchemaRegistry registry,
            boolean autoRegister, boolean isKey) {
        return new ConfluentAvroSerde<>(new ConfluentAvroSerializer<>(registry, autoRegister, isKey),
                new ConfluentAvroDeserializer<>(registry, type));
    }

    /** Already configured by the factory; a later configure call is ignored. */
    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }
}
