package dev.imageanomaly.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imageanomaly.embedded.EmbeddedStack;
import dev.imageanomaly.embedded.EmbeddedStackExtension;
import dev.imageanomaly.schemas.avro.AnomalyScore;
import dev.imageanomaly.schemas.avro.DeadLetterReason;
import dev.imageanomaly.schemas.avro.ImageEvent;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The serdes against the real registry (and, once, the real broker). */
@ExtendWith(EmbeddedStackExtension.class)
class ConfluentAvroSerdeTest {

    private static EmbeddedStack stack;
    private static SchemaRegistryClient registry;

    @BeforeAll
    static void sharedStack(EmbeddedStack shared) {
        stack = shared;
        registry = new SchemaRegistryClient(shared.schemaRegistryUrl());
    }

    static Stream<SpecificRecord> everyRecordType() {
        return Stream.of(SampleRecords.imageEvent(), SampleRecords.anomalyScore(), SampleRecords.anomalyAlert(),
                SampleRecords.deadLetter());
    }

    @ParameterizedTest
    @MethodSource("everyRecordType")
    <T extends SpecificRecord> void everyRecordTypeRoundTripsThroughTheWireFormat(T record) {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) record.getClass();
        ConfluentAvroSerde<T> serde = ConfluentAvroSerde.forValues(type, registry, true);
        String topic = SampleRecords.uniqueTopic("round-trip");

        byte[] bytes = serde.serializer().serialize(topic, record);

        assertThat(bytes[0]).isEqualTo(ConfluentWireFormat.MAGIC_BYTE);
        assertThat(ConfluentWireFormat.schemaId(bytes)).isEqualTo(registry.idOf(topic + "-value", record.getSchema()));
        assertThat(serde.deserializer().deserialize(topic, bytes)).isEqualTo(record);
    }

    @Test
    void keysAreRegisteredUnderTheKeySubject() {
        ConfluentAvroSerde<ImageEvent> serde = ConfluentAvroSerde.forKeys(ImageEvent.class, registry, true);
        String topic = SampleRecords.uniqueTopic("keys");

        byte[] bytes = serde.serializer().serialize(topic, SampleRecords.imageEvent());

        assertThat(ConfluentWireFormat.schemaId(bytes)).isEqualTo(registry.idOf(topic + "-key", ImageEvent.getClassSchema()));
    }

    @Test
    void bytesBuiltByHandAsAnotherConfluentClientWouldAreRead() throws Exception {
        String topic = SampleRecords.uniqueTopic("by-hand");
        int id = registry.register(topic + "-value", ImageEvent.getClassSchema());
        GenericRecord event = new GenericData.Record(ImageEvent.getClassSchema());
        event.put("eventId", "evt-9");
        event.put("source", "scanner-2");
        event.put("eventTime", 1_700_000_000_123L);
        event.put("image", ByteBuffer.wrap(new byte[] {9, 8, 7}));
        event.put("encoding", new GenericData.EnumSymbol(ImageEvent.getClassSchema().getField("encoding").schema(), "PNG"));
        event.put("attributes", Map.of("k", "v"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(ImageEvent.getClassSchema()).write(event, encoder);
        encoder.flush();

        ImageEvent read = new ConfluentAvroDeserializer<>(registry, ImageEvent.class).deserialize(topic, out.toByteArray());

        assertThat(read.getEventId()).isEqualTo("evt-9");
        assertThat(read.getSource()).isEqualTo("scanner-2");
        assertThat(read.getEventTime().toEpochMilli()).isEqualTo(1_700_000_000_123L);
        assertThat(read.getImage().array()).containsExactly(9, 8, 7);
        assertThat(read.getEncoding().name()).isEqualTo("PNG");
        assertThat(read.getWidth()).isNull();
        assertThat(read.getAttributes()).containsExactly(Map.entry("k", "v"));
    }

    @Test
    void nullBytesAreANullValue() {
        assertThat(new ConfluentAvroDeserializer<>(registry, ImageEvent.class).deserialize("t", null)).isNull();
        assertThat(new ConfluentAvroSerializer<ImageEvent>(registry, true, false).serialize("t", null)).isNull();
    }

    @Test
    void bytesShorterThanTheHeaderAreMalformed() {
        assertReason(new byte[] {0, 0, 1}, DeadLetterReason.MALFORMED_RECORD, "shorter than the 5-byte");
    }

    @Test
    void bytesWithoutTheMagicByteAreMalformed() {
        assertReason("{\"json\":\"not avro\"}".getBytes(), DeadLetterReason.MALFORMED_RECORD, "not the magic byte");
    }

    @Test
    void anIdTheRegistryDoesNotKnowIsAnUnknownSchema() {
        byte[] bytes = ConfluentWireFormat.frame(987_654_321, new byte[] {2, 'a'});

        assertReason(bytes, DeadLetterReason.UNKNOWN_SCHEMA, "schema id 987654321 is unknown");
    }

    @Test
    void aCorruptAvroBodyIsMalformed() {
        String topic = SampleRecords.uniqueTopic("corrupt");
        byte[] good = new ConfluentAvroSerializer<ImageEvent>(registry, true, false).serialize(topic, SampleRecords.imageEvent());
        // keep the valid header, truncate the body in the middle of the image bytes
        byte[] truncated = Arrays.copyOf(good, 20);
        // a string length of -1 (zig-zag 0x01) right after the header
        byte[] negativeLength = Arrays.copyOf(good, good.length);
        negativeLength[ConfluentWireFormat.HEADER_SIZE] = 0x01;

        assertReason(truncated, DeadLetterReason.MALFORMED_RECORD, "does not decode");
        assertReason(negativeLength, DeadLetterReason.MALFORMED_RECORD, "does not decode");
    }

    @Test
    void trailingBytesAfterTheValueAreMalformed() {
        String topic = SampleRecords.uniqueTopic("trailing");
        byte[] good = new ConfluentAvroSerializer<ImageEvent>(registry, true, false).serialize(topic, SampleRecords.imageEvent());
        byte[] longer = Arrays.copyOf(good, good.length + 3);

        assertReason(longer, DeadLetterReason.MALFORMED_RECORD, "bytes left over");
    }

    @Test
    void aValueOfAnotherRecordTypeIsAnUnknownSchema() {
        String topic = SampleRecords.uniqueTopic("other-type");
        byte[] score = new ConfluentAvroSerializer<AnomalyScore>(registry, true, false).serialize(topic, SampleRecords.anomalyScore());

        assertReason(score, DeadLetterReason.UNKNOWN_SCHEMA, "cannot be read as dev.imageanomaly.schemas.avro.ImageEvent");
    }

    @Test
    void withoutAutoRegistrationAnUnregisteredSchemaFailsClearly() {
        String topic = SampleRecords.uniqueTopic("no-auto");
        ConfluentAvroSerializer<ImageEvent> serializer = new ConfluentAvroSerializer<>(registry, false, false);

        assertThatThrownBy(() -> serializer.serialize(topic, SampleRecords.imageEvent()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("look up schema dev.imageanomaly.schemas.avro.ImageEvent under subject " + topic + "-value")
                .hasMessageContaining("HTTP 404");
    }

    @Test
    void kafkaConfiguredSerdesCarryEventsThroughTheBroker() {
        String topic = SampleRecords.uniqueTopic("images");
        ImageEvent event = SampleRecords.imageEvent();
        Map<String, Object> producerConfig = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ConfluentAvroSerializer.class,
                ConfluentAvroSerdeConfig.SCHEMA_REGISTRY_URL, stack.schemaRegistryUrl());
        try (KafkaProducer<String, ImageEvent> producer = new KafkaProducer<>(producerConfig)) {
            producer.send(new ProducerRecord<>(topic, event.getSource(), event));
        }

        // no avro.reader.class: the class is found from the writer schema's name
        Map<String, Object> consumerConfig = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ConfluentAvroDeserializer.class,
                ConfluentAvroSerdeConfig.SCHEMA_REGISTRY_URL, stack.schemaRegistryUrl());
        List<ConsumerRecord<String, ImageEvent>> received = new ArrayList<>();
        try (KafkaConsumer<String, ImageEvent> consumer = new KafkaConsumer<>(consumerConfig)) {
            consumer.subscribe(Set.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (received.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(received::add);
            }
        }

        assertThat(received).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("camera-7");
            assertThat(r.value()).isEqualTo(event);
        });
    }

    private static void assertReason(byte[] bytes, DeadLetterReason reason, String messagePart) {
        ConfluentAvroDeserializer<ImageEvent> deserializer = new ConfluentAvroDeserializer<>(registry, ImageEvent.class);

        assertThatThrownBy(() -> deserializer.deserialize("images", bytes))
                .isInstanceOfSatisfying(WireFormatException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessageContaining(messagePart);
    }
}
