package dev.imageanomaly.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageanomaly.embedded.EmbeddedStack;
import dev.imageanomaly.embedded.EmbeddedStackExtension;
import dev.imageanomaly.schemas.ConfluentAvroSerializer;
import dev.imageanomaly.schemas.SchemaRegistryClient;
import dev.imageanomaly.schemas.avro.DeadLetter;
import dev.imageanomaly.schemas.avro.ImageEvent;
import dev.imageanomaly.stream.HostileRecords;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What broken cameras, wrong clients and attackers send, three of each kind, interleaved with 500
 * valid events, to a running scorer (its own JVM, heap bounded at 384 MB) on a real broker and
 * registry, with an input topic that accepts 16 MB records: every bad record becomes exactly one
 * dead letter with its specific reason, every valid one is scored once, and no stream thread dies.
 */
@ExtendWith(EmbeddedStackExtension.class)
class HostileInputStreamTest {

    private static final int VALID = 500;
    private static final int ROUNDS = 3;

    private static EmbeddedStack stack;

    @BeforeAll
    static void stack(EmbeddedStack shared) {
        stack = shared;
    }

    private record Sent(HostileRecords.Kind kind, int partition, long offset) {}

    @Test
    void everyBadRecordBecomesOneDeadLetterWithItsReasonAndNoThreadEverDies() throws Exception {
        StreamTestTopics topics = StreamTestTopics.unique("hostile");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topics.images(), 4, (short) 1)
                    .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(16 * 1024 * 1024))))).all().get();
        }
        Map<String, String> settings = topics.settings(stack, TestBundle.get(), "at_least_once", "");
        settings.put("batch.max.size", "32");
        List<HostileRecords.Kind> corpus = HostileRecords.corpus(
                new SchemaRegistryClient(stack.schemaRegistryUrl()), topics.images());

        try (ScorerProcess scorer = ScorerProcess.start(topics.prefix(), settings, "384m");
                OutputCollector out = topics.collector(stack);
                KafkaProducer<byte[], byte[]> producer = rawProducer()) {
            scorer.awaitReady(Duration.ofSeconds(120));
            List<Sent> hostile = new ArrayList<>();
            List<String> validIds = new ArrayList<>();
            ConfluentAvroSerializer<ImageEvent> serializer = new ConfluentAvroSerializer<>(
                    new SchemaRegistryClient(stack.schemaRegistryUrl()), true, false);
            int[] digits = TestBundle.heldOutDigits();
            int hostileTotal = ROUNDS * corpus.size();
            for (int i = 0, h = 0; i < VALID || h < hostileTotal; i++) {
                if (i < VALID) {
                    ImageEvent event = ImageEvents.png("valid-" + i, "camera-" + i % 4,
                            TestBundle.digits().images().get(digits[i]), Map.of());
                    producer.send(new ProducerRecord<>(topics.images(), event.getSource().getBytes(StandardCharsets.UTF_8),
                            serializer.serialize(topics.images(), event)));
                    validIds.add(event.getEventId());
                }
                if (h < hostileTotal && (i >= VALID || i % 3 == 0)) {
                    HostileRecords.Kind kind = corpus.get(h++ % corpus.size());
                    RecordMetadata meta = producer.send(new ProducerRecord<>(topics.images(), kind.key(), kind.value())).get();
                    hostile.add(new Sent(kind, meta.partition(), meta.offset()));
                }
            }
            producer.flush();

            int expected = VALID + hostile.size();
            assertThat(out.awaitOutcomes(expected, Duration.ofSeconds(300)))
                    .as("%d records in, %d outcomes out", expected, out.outcomes()).isTrue();
            Thread.sleep(2000); // a duplicate would arrive in this window

            Map<Long, List<DeadLetter>> lettersByOffset = out.deadLetters().stream().collect(Collectors.groupingBy(
                    d -> d.getSourcePartition() * 1_000_000_000L + d.getSourceOffset()));
            Map<String, Long> scoresById = out.scores().stream().collect(Collectors.groupingBy(
                    r -> r.value().getEventId(), Collectors.counting()));
            Map<String, String> report = new TreeMap<>();
            for (Sent sent : hostile) {
                List<DeadLetter> letters = lettersByOffset.getOrDefault(
                        sent.partition() * 1_000_000_000L + sent.offset(), List.of());
                String outcome = letters.isEmpty() ? "scored" : letters.size() + " x " + letters.get(0).getReasonCode();
                report.merge(sent.kind().name(), outcome, (a, b) -> a.equals(b) ? a : a + " / " + b);
                if (sent.kind().mustBeScored()) {
                    assertThat(letters).as(sent.kind().name()).isEmpty();
                } else {
                    assertThat(letters).as(sent.kind().name()).hasSize(1);
                    assertThat(letters.get(0).getReasonCode()).as(sent.kind().name() + ": " + letters.get(0).getMessage())
                            .isEqualTo(sent.kind().expected());
                }
            }
            assertThat(validIds).allSatisfy(id -> assertThat(scoresById.get(id)).as(id).isEqualTo(1L));
            long badKinds = corpus.stream().filter(k -> !k.mustBeScored()).count();
            assertThat(out.deadLetters()).hasSize((int) (ROUNDS * badKinds));

            assertThat(scorer.isAlive()).isTrue();
            assertThat(scorer.metric("scorer_stream_thread_replacements_total")).as("threads replaced").isZero();
            assertThat(scorer.get("/metrics")).doesNotContain("scorer_records_skipped_total{")
                    .doesNotContain("scorer_outputs_dropped_total{");
            assertThat(scorer.status("/health/live")).isEqualTo(200);

            System.out.println("| kind | expected | outcome (x" + ROUNDS + ") |\n|---|---|---|");
            Map<String, HostileRecords.Kind> byName = corpus.stream().collect(Collectors.toMap(
                    HostileRecords.Kind::name, Function.identity()));
            report.forEach((name, outcome) -> System.out.println("| " + name + " | "
                    + (byName.get(name).mustBeScored() ? "scored" : byName.get(name).expected()) + " | " + outcome + " |"));
            System.out.printf("%d kinds (%d bad), %d valid events, scorer heap -Xmx384m; %s%n", corpus.size(), badKinds,
                    VALID, scorer.get("/metrics").lines().filter(l -> l.startsWith("jvm_memory_used_bytes{area=\"heap\"}"))
                            .findFirst().orElse("(no JVM heap metric)"));
        }
    }

    private static KafkaProducer<byte[], byte[]> rawProducer() {
        Map<String, Object> config = new HashMap<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024,
                ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024,
                ProducerConfig.LINGER_MS_CONFIG, 5));
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
