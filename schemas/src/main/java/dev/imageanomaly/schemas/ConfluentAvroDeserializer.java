package dev.imageanomaly.schemas;

import dev.imageanomaly.schemas.avro.DeadLetterReason;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent wire-format bytes into a generated Avro class. The writer schema is fetched by
 * the id in the header and resolved against the reader schema of {@code T}, so records written with
 * an older (or newer, compatible) schema decode, with defaults for fields the writer did not have.
 *
 * <p>Bad bytes throw {@link WireFormatException} with a {@link DeadLetterReason}:
 * <ul>
 *   <li>{@code MALFORMED_RECORD}: too short, no magic byte, or the Avro body does not decode with its
 *       writer schema (corrupt, truncated, trailing bytes);</li>
 *   <li>{@code UNKNOWN_SCHEMA}: the registry does not know the id, or the writer schema cannot be
 *       read as {@code T} (another record type, an incompatible change).</li>
 * </ul>
 * A registry that does not answer throws {@link SchemaRegistryException} instead (transient: retry).
 * Null bytes (a tombstone) give null, as Kafka expects.
 */
public class ConfluentAvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    static {
        TrustedAvroTypes.install();
    }

    private SchemaRegistry registry;
    private Schema readerSchema;
    private final Map<Integer, SpecificDatumReader<T>> readersByWriterId = new ConcurrentHashMap<>();

    /** For Kafka to instantiate; {@link #configure} must follow. */
    public ConfluentAvroDeserializer() {
    }

    public ConfluentAvroDeserializer(SchemaRegistry registry, Class<T> type) {
        this.registry = registry;
        this.readerSchema = SpecificData.get().getSchema(type);
        TrustedAvroTypes.trust(readerSchema);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.registry = new SchemaRegistryClient(ConfluentAvroSerdeConfig.registryUrl(configs));
        String readerClass = ConfluentAvroSerdeConfig.readerClass(configs);
        if (readerClass != null) {
            try {
                Class<?> type = Class.forName(readerClass, true, Thread.currentThread().getContextClassLoader());
                this.readerSchema = SpecificData.get().getSchema(type);
                TrustedAvroTypes.trust(readerSchema);
            } catch (ClassNotFoundException e) {
                throw new ConfigException(ConfluentAvroSerdeConfig.READER_CLASS, readerClass, "class not found");
            }
        }
    }

    @Override
    public T deserialize(String topic, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        if (registry == null) {
            throw new IllegalStateException("ConfluentAvroDeserializer used before configure()");
        }
        int id = ConfluentWireFormat.schemaId(bytes);
        SpecificDatumReader<T> reader = readersByWriterId.computeIfAbsent(id, this::readerFor);
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, ConfluentWireFormat.HEADER_SIZE,
                bytes.length - ConfluentWireFormat.HEADER_SIZE, null);
        T value;
        try {
            value = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new WireFormatException(DeadLetterReason.MALFORMED_RECORD,
                        "bytes left over after decoding a value of schema id " + id);
            }
        } catch (WireFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Avro signals corrupt input with EOFException, AvroRuntimeException, negative lengths,
            // index errors on enum and union indexes, and so on: all mean the body is not what the
            // writer schema says.
            throw new WireFormatException(DeadLetterReason.MALFORMED_RECORD,
                    "Avro body does not decode with writer schema id " + id + ": " + e, e);
        }
        return value;
    }

    private SpecificDatumReader<T> readerFor(int writerId) {
        Schema writer;
        try {
            writer = registry.schemaById(writerId);
        } catch (SchemaRegistryException e) {
            if (e.isNotFound()) {
                throw new WireFormatException(DeadLetterReason.UNKNOWN_SCHEMA,
                        "schema id " + writerId + " is unknown to the registry: " + e.getMessage(), e);
            }
            throw e;
        }
        Schema reader = readerSchema != null ? readerSchema : generatedClassSchema(writer, writerId);
        SchemaPairCompatibility compatibility = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            throw new WireFormatException(DeadLetterReason.UNKNOWN_SCHEMA, "writer schema id " + writerId + " ("
                    + writer.getFullName() + ") cannot be read as " + reader.getFullName() + ": "
                    + compatibility.getDescription());
        }
        return new SpecificDatumReader<>(writer, reader);
    }

    private static Schema generatedClassSchema(Schema writer, int writerId) {
        Class<?> type;
        try {
            type = SpecificData.get().getClass(writer);
        } catch (SecurityException untrusted) {
            throw new WireFormatException(DeadLetterReason.UNKNOWN_SCHEMA, "writer schema " + writer.getFullName()
                    + " (id " + writerId + ") names a class Avro does not trust; set "
                    + ConfluentAvroSerdeConfig.READER_CLASS, untrusted);
        }
        if (type == null || !SpecificRecord.class.isAssignableFrom(type)) {
            throw new WireFormatException(DeadLetterReason.UNKNOWN_SCHEMA, "no generated class for writer schema "
                    + writer.getFullName() + " (id " + writerId + "); set " + ConfluentAvroSerdeConfig.READER_CLASS);
        }
        return SpecificData.get().getSchema(type);
    }
}
