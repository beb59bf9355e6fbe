package dev.imageanomaly.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imageanomaly.embedded.EmbeddedStack;
import dev.imageanomaly.embedded.EmbeddedStackExtension;
import dev.imageanomaly.schemas.ConfluentAvroSerializer;
import dev.imageanomaly.schemas.SchemaRegistryClient;
import dev.imageanomaly.schemas.SchemaRegistryException;
import dev.imageanomaly.schemas.avro.AnomalyScore;
import dev.imageanomaly.schemas.avro.DeadLetter;
import dev.imageanomaly.schemas.avro.DeadLetterReason;
import dev.imageanomaly.schemas.avro.ImageEncoding;
import dev.imageanomaly.schemas.avro.ImageEvent;
import dev.imageanomaly.schemas.avro.Verdict;
import dev.imageanomaly.stream.ScorerApp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Schema evolution as the running scorer sees it, against a real broker and a real registry:
 * producers still on an older ImageEvent schema and producers using another Confluent client are
 * scored, the registry refuses incompatible changes before any record is written with them, and a
 * record naming a schema id the registry does not know is dead-lettered without stopping the stream.
 */
@ExtendWith(EmbeddedStackExtension.class)
class SchemaCompatibilityStreamTest {

    private static final Duration OUTCOME_TIMEOUT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static EmbeddedStack stack;

    @BeforeAll
    static void stack(EmbeddedStack shared) {
        stack = shared;
    }

    @Test
    void anEventWrittenWithAnOlderImageEventSchemaIsStillScored() throws Exception {
        StreamTestTopics topics = StreamTestTopics.unique("schema-v0");
        String subject = topics.images() + "-value";
        Schema v0 = olderImageEventSchema();
        assertThat(v0.getField("attributes")).as("v0 predates attributes").isNull();

        // the order of a real upgrade: the old producers' schema first, then the current one
        SchemaRegistryClient registry = new SchemaRegistryClient(stack.schemaRegistryUrl());
        int v0Id = registry.register(subject, v0);
        int currentId = registry.register(subject, ImageEvent.getClassSchema());
        assertThat(currentId).as("BACKWARD accepts the current schema after v0, as a new version").isNotEqualTo(v0Id);

        Instant oldEventTime = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.MILLIS);
        GenericRecord old = new GenericRecordBuilder(v0)
                .set("eventId", "v0-digit-8001").set("source", "camera-legacy")
                .set("eventTime", oldEventTime.toEpochMilli())
                .set("image", ByteBuffer.wrap(ImageEvents.encodePng(TestBundle.digits().images().get(8001))))
                .set("encoding", new GenericData.EnumSymbol(v0.getField("encoding").schema(), "PNG"))
                .set("width", 28).set("height", 28).set("channels", 1)
                .build();
        byte[] oldBytes = confluentFrame(v0Id, avroBinary(new GenericDatumWriter<>(v0), old));

        try (ScorerApp scorer = ScorerApp.start(topics.scorerConfig(stack, TestBundle.get(), "at_least_once", Map.of()));
                OutputCollector out = topics.collector(stack);
                KafkaProducer<String, byte[]> producer = rawProducer();
                ImagePublisher publisher = topics.publisher(stack)) {
            scorer.awaitRunning(Duration.ofSeconds(60));

            producer.send(new ProducerRecord<>(topics.images(), "camera-legacy", oldBytes)).get();
            publisher.publish(ImageEvents.png("current-digit-8002", "camera-1",
                    TestBundle.digits().images().get(8002), Map.of("truth", "digit"))).get();

            assertThat(out.awaitOutcomes(2, OUTCOME_TIMEOUT)).as("both events came back").isTrue();
            assertThat(out.deadLetters()).as("no dead letters").isEmpty();
            assertThat(out.scores()).extracting(r -> r.value().getEventId())
                    .containsExactlyInAnyOrder("v0-digit-8001", "current-digit-8002");
            AnomalyScore oldScore = scoreOf(out, "v0-digit-8001");
            assertThat(oldScore.getSource()).isEqualTo("camera-legacy");
            assertThat(oldScore.getEventTime()).as("the v0 event's own time is carried").isEqualTo(oldEventTime);
            assertThat(oldScore.getScore()).isFinite();
        }
    }

    @Test
    void aRecordFramedByAnotherConfluentClientIsRead() throws Exception {
        StreamTestTopics topics = StreamTestTopics.unique("foreign-client");
        int id = registerOverRest(topics.images() + "-value", ImageEvent.getClassSchema());

        ImageEvent event = ImageEvent.newBuilder()
                .setEventId("foreign-fashion-0").setSource("camera-foreign")
                .setEventTime(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .setImage(ByteBuffer.wrap(ImageEvents.encodePng(TestBundle.fashion().images().get(0))))
                .setEncoding(ImageEncoding.PNG).setWidth(28).setHeight(28).setChannels(1)
                .setAttributes(Map.of("client", "hand-framed"))
                .build();
        byte[] bytes = confluentFrame(id, avroBinary(new SpecificDatumWriter<>(ImageEvent.class), event));
        assertThat(bytes[0]).isZero();
        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id);

        try (ScorerApp scorer = ScorerApp.start(topics.scorerConfig(stack, TestBundle.get(), "at_least_once", Map.of()));
                OutputCollector out = topics.collector(stack);
                KafkaProducer<String, byte[]> producer = rawProducer()) {
            scorer.awaitRunning(Duration.ofSeconds(60));

            producer.send(new ProducerRecord<>(topics.images(), event.getSource(), bytes)).get();

            assertThat(out.awaitOutcomes(1, OUTCOME_TIMEOUT)).as("the event came back").isTrue();
            assertThat(out.deadLetters()).isEmpty();
            AnomalyScore score = scoreOf(out, "foreign-fashion-0");
            assertThat(score.getEventTime()).isEqualTo(event.getEventTime());
            assertThat(score.getVerdict()).as("a Fashion-MNIST article among digits (score %s, threshold %s)",
                    score.getScore(), score.getThreshold()).isEqualTo(Verdict.ANOMALY);
        }
    }

    @Test
    void anIncompatibleSchemaIsRefusedByTheRegistryWithAClearError() throws Exception {
        StreamTestTopics topics = StreamTestTopics.unique("incompatible");
        String subject = topics.images() + "-value";
        SchemaRegistryClient registry = new SchemaRegistryClient(stack.schemaRegistryUrl());
        int currentId = registry.register(subject, ImageEvent.getClassSchema());

        Schema eventTimeAsString = imageEventWithField(
                new Schema.Field("eventTime", Schema.create(Schema.Type.STRING), "now a string"));
        Schema requiredCameraModel = imageEventWithField(
                new Schema.Field("cameraModel", Schema.create(Schema.Type.STRING), "required: no default"));
        for (Schema incompatible : List.of(eventTimeAsString, requiredCameraModel)) {
            assertThatThrownBy(() -> registry.register(subject, incompatible))
                    .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                        assertThat(e.isIncompatible()).isTrue();
                        assertThat(e.isTransient()).isFalse();
                    })
                    .hasMessageContaining("under subject " + subject)
                    .satisfies(e -> assertThat(e.getMessage()).containsIgnoringCase("incompatib"));
        }

        try (ScorerApp scorer = ScorerApp.start(topics.scorerConfig(stack, TestBundle.get(), "at_least_once", Map.of()));
                OutputCollector out = topics.collector(stack);
                KafkaProducer<String, ImageEvent> autoRegistering = autoRegisteringProducer();
                ImagePublisher publisher = topics.publisher(stack)) {
            scorer.awaitRunning(Duration.ofSeconds(60));

            // a producer built with the incompatible schema fails at send, before anything reaches the topic
            ImageEvent withStringTime = new ImageEvent() {
                @Override
                public Schema getSchema() {
                    return eventTimeAsString;
                }
            };
            assertThatThrownBy(() -> autoRegistering.send(new ProducerRecord<>(topics.images(), "camera-1", withStringTime)))
                    .isInstanceOf(SerializationException.class)
                    .satisfies(e -> assertThat(e.getMessage()).containsIgnoringCase("incompatib"))
                    .cause().isInstanceOfSatisfying(SchemaRegistryException.class,
                            e -> assertThat(e.isIncompatible()).isTrue());

            // the subject still serves the current schema, and current producers are scored as before
            assertThat(registry.idOf(subject, ImageEvent.getClassSchema())).isEqualTo(currentId);
            publisher.publish(ImageEvents.png("after-refusal-8003", "camera-1", TestBundle.digits().images().get(8003),
                    Map.of())).get();
            assertThat(out.awaitOutcomes(1, OUTCOME_TIMEOUT)).as("the current event came back").isTrue();
            assertThat(out.deadLetters()).as("nothing incompatible reached the scorer").isEmpty();
            assertThat(out.scores()).extracting(r -> r.value().getEventId()).containsExactly("after-refusal-8003");
        }
    }

    @Test
    void aRecordWithAnUnknownSchemaIdIsDeadLetteredNotFatal() throws Exception {
        StreamTestTopics topics = StreamTestTopics.unique("unknown-id");
        ImageEvent body = ImageEvents.png("unknown-id-8004", "camera-1", TestBundle.digits().images().get(8004),
                Map.of());
        byte[] unknown = confluentFrame(987_654, avroBinary(new SpecificDatumWriter<>(ImageEvent.class), body));

        try (ScorerApp scorer = ScorerApp.start(topics.scorerConfig(stack, TestBundle.get(), "at_least_once", Map.of()));
                OutputCollector out = topics.collector(stack);
                KafkaProducer<String, byte[]> producer = rawProducer();
                ImagePublisher publisher = topics.publisher(stack)) {
            scorer.awaitRunning(Duration.ofSeconds(60));

            // same key, so same partition: the good event is read after the bad one
            producer.send(new ProducerRecord<>(topics.images(), "camera-1", unknown)).get();
            publisher.publish(ImageEvents.png("after-unknown-8005", "camera-1", TestBundle.digits().images().get(8005),
                    Map.of())).get();

            assertThat(out.awaitOutcomes(2, OUTCOME_TIMEOUT)).as("both records came back").isTrue();
            assertThat(out.deadLetters()).hasSize(1);
            DeadLetter letter = out.deadLetters().get(0);
            assertThat(letter.getReasonCode()).isEqualTo(DeadLetterReason.UNKNOWN_SCHEMA);
            assertThat(letter.getMessage()).contains("987654");
            assertThat(letter.getSourceTopic()).isEqualTo(topics.images());
            assertThat(bytesOf(letter.getOriginalValue())).as("original bytes preserved").isEqualTo(unknown);
            assertThat(bytesOf(letter.getOriginalKey())).isEqualTo("camera-1".getBytes(StandardCharsets.UTF_8));

            assertThat(out.scores()).extracting(r -> r.value().getEventId()).containsExactly("after-unknown-8005");
            assertThat(scorer.state()).isEqualTo(KafkaStreams.State.RUNNING);
            assertThat(scorer.isReady()).isTrue();
        }
    }

    private static Schema olderImageEventSchema() throws IOException {
        try (InputStream in = SchemaCompatibilityStreamTest.class.getResourceAsStream("/avro/ImageEvent-v0.avsc")) {
            assertThat(in).as("avro/ImageEvent-v0.avsc on the test classpath").isNotNull();
            return new Schema.Parser().parse(in);
        }
    }

    /** The current ImageEvent with {@code changed} replacing the field of its name, or added at the end. */
    private static Schema imageEventWithField(Schema.Field changed) {
        Schema current = ImageEvent.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        boolean replaced = false;
        for (Schema.Field f : current.getFields()) {
            if (f.name().equals(changed.name())) {
                fields.add(changed);
                replaced = true;
            } else {
                fields.add(new Schema.Field(f, f.schema()));
            }
        }
        if (!replaced) {
            fields.add(changed);
        }
        return Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    }

    /** Registers over the Confluent REST API directly, as any other client would, and returns the id. */
    private static int registerOverRest(String subject, Schema schema) throws IOException, InterruptedException {
        String body = JSON.createObjectNode().put("schema", schema.toString()).toString();
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        stack.schemaRegistryUrl().replaceAll("/$", "") + "/subjects/"
                                + URLEncoder.encode(subject, StandardCharsets.UTF_8) + "/versions"))
                        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("registry answer: %s", response.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.path("id").isInt()).as("registry answer: %s", response.body()).isTrue();
        return answer.get("id").asInt();
    }

    private static <T> byte[] avroBinary(org.apache.avro.io.DatumWriter<T> writer, T value) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        writer.write(value, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    /** Magic byte 0, the schema id as a 4-byte big-endian int, the Avro binary: written out by hand. */
    private static byte[] confluentFrame(int schemaId, byte[] avroBinary) {
        return ByteBuffer.allocate(5 + avroBinary.length).put((byte) 0).putInt(schemaId).put(avroBinary).array();
    }

    private static AnomalyScore scoreOf(OutputCollector out, String eventId) {
        return out.scores().stream().map(OutputCollector.Received::value)
                .filter(s -> s.getEventId().equals(eventId)).findFirst()
                .orElseThrow(() -> new AssertionError("no score for " + eventId));
    }

    private static byte[] bytesOf(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private static KafkaProducer<String, byte[]> rawProducer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer());
    }

    private static KafkaProducer<String, ImageEvent> autoRegisteringProducer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ConfluentAvroSerializer.class,
                "schema.registry.url", stack.schemaRegistryUrl(),
                "auto.register.schemas", true));
    }
}
