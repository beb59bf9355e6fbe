package dev.imageanomaly.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageanomaly.embedded.EmbeddedStack;
import dev.imageanomaly.embedded.EmbeddedStackExtension;
import dev.imageanomaly.schemas.avro.ImageEncoding;
import dev.imageanomaly.schemas.avro.ImageEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * How ImageEvent may change: what schemas/README.md promises, checked against the real registry
 * (global compatibility BACKWARD) and Avro schema resolution. The changes it refuses are in
 * SchemaRegistryClientTest.
 */
@ExtendWith(EmbeddedStackExtension.class)
class SchemaEvolutionTest {

    private static SchemaRegistryClient registry;

    @BeforeAll
    static void sharedStack(EmbeddedStack stack) {
        registry = new SchemaRegistryClient(stack.schemaRegistryUrl());
    }

    @Test
    void anEventWrittenWithTheOlderSchemaIsReadWithDefaultsForNewFields() {
        Schema v0 = SampleRecords.testSchema("ImageEvent-v0.avsc");
        assertThat(v0.getField("attributes")).isNull();
        String topic = SampleRecords.uniqueTopic("evolution");
        int v0Id = registry.register(topic + "-value", v0);
        // the current schema is a BACKWARD-compatible successor of v0
        int currentId = registry.register(topic + "-value", ImageEvent.getClassSchema());
        assertThat(currentId).isNotEqualTo(v0Id);

        GenericRecord old = new GenericRecordBuilder(v0)
                .set("eventId", "old-1").set("source", "camera-1").set("eventTime", 1_600_000_000_000L)
                .set("image", ByteBuffer.wrap(new byte[] {1}))
                .set("encoding", new GenericData.EnumSymbol(v0.getField("encoding").schema(), "JPEG"))
                .build();
        ImageEvent read = new ConfluentAvroDeserializer<>(registry, ImageEvent.class)
                .deserialize(topic, ConfluentWireFormat.frame(v0Id, avroBinary(v0, old)));

        assertThat(read.getEventId()).isEqualTo("old-1");
        assertThat(read.getEncoding()).isEqualTo(ImageEncoding.JPEG);
        assertThat(read.getAttributes()).isEmpty();
    }

    @Test
    void aNewOptionalFieldIsAcceptedAndCurrentReadersIgnoreIt() {
        String topic = SampleRecords.uniqueTopic("optional-field");
        registry.register(topic + "-value", ImageEvent.getClassSchema());
        Schema next = SampleRecords.imageEventWith(
                "{\"name\":\"exposureMs\",\"type\":[\"null\",\"double\"],\"default\":null}");

        int nextId = registry.register(topic + "-value", next);
        GenericRecord newer = new GenericRecordBuilder(next)
                .set("eventId", "new-1").set("source", "camera-1").set("eventTime", 1_700_000_000_000L)
                .set("image", ByteBuffer.wrap(new byte[] {1}))
                .set("encoding", new GenericData.EnumSymbol(next.getField("encoding").schema(), "PNG"))
                .set("exposureMs", 8.5)
                .build();
        ImageEvent read = new ConfluentAvroDeserializer<>(registry, ImageEvent.class)
                .deserialize(topic, ConfluentWireFormat.frame(nextId, avroBinary(next, newer)));

        assertThat(read.getEventId()).isEqualTo("new-1");
    }

    @Test
    void aNewEncodingSymbolReadsAsUnknownInOlderReaders() {
        Schema next = SampleRecords.imageEventWith("{\"name\":\"encoding\",\"type\":{\"type\":\"enum\",\"name\":\"ImageEncoding\","
                + "\"symbols\":[\"PNG\",\"JPEG\",\"BMP\",\"GIF\",\"RAW_U8\",\"UNKNOWN\",\"WEBP\"],\"default\":\"UNKNOWN\"}}");
        String topic = SampleRecords.uniqueTopic("new-symbol");
        registry.register(topic + "-value", ImageEvent.getClassSchema());
        int nextId = registry.register(topic + "-value", next);
        GenericRecord webp = new GenericRecordBuilder(next)
                .set("eventId", "webp-1").set("source", "camera-1").set("eventTime", 1L)
                .set("image", ByteBuffer.wrap(new byte[] {1}))
                .set("encoding", new GenericData.EnumSymbol(next.getField("encoding").schema(), "WEBP"))
                .build();

        ImageEvent read = new ConfluentAvroDeserializer<>(registry, ImageEvent.class)
                .deserialize(topic, ConfluentWireFormat.frame(nextId, avroBinary(next, webp)));

        assertThat(read.getEncoding()).isEqualTo(ImageEncoding.UNKNOWN);
    }

    private static byte[] avroBinary(Schema schema, GenericRecord record) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
