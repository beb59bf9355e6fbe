package dev.imageanomaly.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** One shared stack (see EmbeddedStackExtension): the broker and the registry are real servers in child JVMs. */
@ExtendWith(EmbeddedStackExtension.class)
class EmbeddedStackTest {

    private static EmbeddedStack stack;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void sharedStack(EmbeddedStack shared) {
        stack = shared;
    }

    @Test
    void createdTopicRoundTripsARecordFromProducerToConsumer() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("round-trip", 3, (short) 1))).all().get();
            assertThat(admin.listTopics().names().get()).contains("round-trip");
        }
        try (KafkaProducer<String, String> producer = producer(Map.of())) {
            producer.send(new ProducerRecord<>("round-trip", "camera-7", "hello")).get();
        }

        List<ConsumerRecord<String, String>> records = consumeAll("round-trip", "read_uncommitted", 1);

        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("camera-7");
            assertThat(r.value()).isEqualTo("hello");
        });
    }

    @Test
    void transactionalProducerCommitsAndOnlyCommittedRecordsAreReadCommitted() throws Exception {
        try (KafkaProducer<String, String> producer = producer(Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "embedded-test-tx",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true))) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("tx-topic", "k", "aborted"));
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("tx-topic", "k", "committed"));
            producer.commitTransaction();
        }

        List<ConsumerRecord<String, String>> records = consumeAll("tx-topic", "read_committed", 1);

        assertThat(records).extracting(ConsumerRecord::value).containsExactly("committed");
    }

    @Test
    void registryAnswersTheConfluentApiWithBackwardCompatibility() throws Exception {
        HttpResponse<String> config = HTTP.send(HttpRequest.newBuilder(URI.create(stack.schemaRegistryUrl() + "/config")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(config.statusCode()).isEqualTo(200);
        assertThat(config.body()).contains("BACKWARD");

        String v1 = "{\"type\":\"record\",\"name\":\"Probe\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}";
        HttpResponse<String> registered = register("probe-value", v1);
        assertThat(registered.statusCode()).isEqualTo(200);
        assertThat(registered.body()).matches("\\{\"id\":\\d+}");

        String v2WithRequiredField = "{\"type\":\"record\",\"name\":\"Probe\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"},"
                + "{\"name\":\"b\",\"type\":\"int\"}]}";
        assertThat(register("probe-value", v2WithRequiredField).statusCode()).isEqualTo(409);
    }

    @Test
    void stackExposesLoopbackAddresses() {
        assertThat(stack.bootstrapServers()).startsWith("127.0.0.1:");
        assertThat(stack.schemaRegistryUrl()).matches("http://127\\.0\\.0\\.1:\\d+/apis/ccompat/v7");
        assertThat(stack.kafka().isRunning()).isTrue();
        assertThat(stack.registry().isRunning()).isTrue();
    }

    private static HttpResponse<String> register(String subject, String schema) throws Exception {
        String body = "{\"schema\":" + quote(schema) + ",\"schemaType\":\"AVRO\"}";
        return HTTP.send(HttpRequest.newBuilder(URI.create(stack.schemaRegistryUrl() + "/subjects/" + subject + "/versions"))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String quote(String json) {
        return "\"" + json.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static KafkaProducer<String, String> producer(Map<String, Object> extra) {
        Map<String, Object> config = new java.util.HashMap<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
        config.putAll(extra);
        return new KafkaProducer<>(config);
    }

    private static List<ConsumerRecord<String, String>> consumeAll(String topic, String isolation, int expected) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
            consumer.subscribe(Set.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            // keep polling a little after reaching the expected count so that extra records would show
            while (System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
                if (records.size() >= expected && consumer.assignment().size() > 0
                        && consumer.assignment().stream().allMatch(tp -> consumer.position(tp) >= consumer.endOffsets(Set.of(tp)).get(tp))) {
                    break;
                }
            }
        }
        return records;
    }
}
