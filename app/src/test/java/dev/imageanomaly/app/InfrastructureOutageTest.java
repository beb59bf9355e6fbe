package dev.imageanomaly.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageanomaly.embedded.EmbeddedStack;
import dev.imageanomaly.schemas.ConfluentWireFormat;
import dev.imageanomaly.schemas.SchemaRegistryClient;
import dev.imageanomaly.schemas.SchemaRegistrySettings;
import dev.imageanomaly.schemas.avro.ImageEvent;
import dev.imageanomaly.scoring.image.DecodedImage;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The broker and the registry go away while events stream, on a stack of this class's own (the
 * shared one must stay up for the other tests): the scorer waits, says it is not ready, and resumes
 * without a restart; under exactly_once_v2 every event comes out exactly once, none as a dead letter.
 */
class InfrastructureOutageTest {

    private static final double RATE = 100;

    private static EmbeddedStack stack;
    @RegisterExtension
    final ScorerProcesses scorers = new ScorerProcesses();
    private ScorerProcess scorer;

    @BeforeAll
    static void ownStack() {
        stack = EmbeddedStack.start();
    }

    @AfterAll
    static void closeStack() {
        stack.close();
    }

    @Test
    void aBrokerRestartedMidStreamCostsNothingAndTheScorerIsNotReadyWhileItIsAway() throws Exception {
        StreamTestTopics topics = StreamTestTopics.unique("broker-restart");
        scorer = startScorer(topics);
        try (OutputCollector out = topics.collector(stack); ImagePublisher publisher = topics.publisher(stack)) {
            List<String> ids = new ArrayList<>();
            CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> publishDigits(publisher, 0, 2000, ids));
            Thread.sleep(5000);

            long stoppedAt = System.currentTimeMillis();
            stack.kafka().stop();
            assertThat(awaitStatus("/health/ready", 503, Duration.ofSeconds(15))).as("not ready while the broker is away")
                    .isTrue();
            assertThat(scorer.status("/health/live")).as("still live: nothing is stuck, it waits").isEqualTo(200);
            Thread.sleep(10_000);
            stack.kafka().restart();
            assertThat(awaitStatus("/health/ready", 200, Duration.ofSeconds(60))).as("ready again").isTrue();
            long backAt = System.currentTimeMillis();
            publishing.get();

            assertThat(out.awaitOutcomes(2000, Duration.ofSeconds(180))).as("outcomes %d", out.outcomes()).isTrue();
            Thread.sleep(3000);
            Accounting result = Accounting.of("broker stopped 10 s and restarted", ids, 0, out, stoppedAt, backAt + 5000);
            System.out.println(Accounting.header() + "\n" + result.row());
            assertThat(result.lost()).isZero();
            assertThat(result.duplicated()).isZero();
            assertThat(out.deadLetters()).isEmpty();
            assertThat(scorer.isAlive()).isTrue();
        }
    }

    @Test
    void aRegistryAwayForHalfAMinuteDeadLettersNothingAndEveryoneWaitsForIt() throws Exception {
        StreamTestTopics topics = StreamTestTopics.unique("registry-outage");
        scorer = startScorer(topics);
        String url = stack.schemaRegistryUrl();
        // A newer ImageEvent schema the scorer has never seen, registered before the outage: events
        // written with it during the outage make the scorer look up an id it cannot fetch yet.
        Schema v2 = imageEventWithLens();
        int v2Id = new SchemaRegistryClient(url).register(topics.images() + "-value", v2);
        try (OutputCollector out = topics.collector(stack); ImagePublisher publisher = topics.publisher(stack);
                KafkaProducer<String, byte[]> raw = rawProducer()) {
            List<String> ids = new ArrayList<>();
            publishDigits(publisher, 0, 500, ids);
            assertThat(out.awaitOutcomes(500, Duration.ofSeconds(120))).isTrue();

            long stoppedAt = System.currentTimeMillis();
            stack.registry().stop();
            for (int i = 500; i < 800; i++) {
                String id = "lens-" + i;
                raw.send(new ProducerRecord<>(topics.images(), "camera-" + i % 4,
                        ConfluentWireFormat.frame(v2Id, withLens(v2, id, TestBundle.digits().images().get(i)))));
                ids.add(id);
            }
            raw.flush();
            // A producer that starts during the outage has no cached id: its first send waits for the registry.
            CompletableFuture<Void> lateProducer = CompletableFuture.runAsync(() -> {
                try (ImagePublisher late = new ImagePublisher(stack.bootstrapServers(),
                        SchemaRegistrySettings.of(url), topics.images())) {
                    publishDigits(late, 800, 900, ids);
                }
            });
            assertThat(awaitStatus("/health/ready", 503, Duration.ofSeconds(30))).as("not ready while it waits").isTrue();
            Thread.sleep(Math.max(0, 30_000 - (System.currentTimeMillis() - stoppedAt)));
            assertThat(lateProducer).as("the late producer is still waiting").isNotDone();
            stack.registry().restart();
            long backAt = System.currentTimeMillis();
            lateProducer.get();

            assertThat(out.awaitOutcomes(900, Duration.ofSeconds(180))).as("outcomes %d", out.outcomes()).isTrue();
            assertThat(awaitStatus("/health/ready", 200, Duration.ofSeconds(30))).as("ready again").isTrue();
            Thread.sleep(3000);
            Accounting result = Accounting.of("registry stopped 30 s and restarted", ids, 0, out, stoppedAt, backAt + 5000);
            System.out.println(Accounting.header() + "\n" + result.row());
            assertThat(out.deadLetters()).as("nothing dead-lettered for want of a registry").isEmpty();
            assertThat(result.lost()).isZero();
            assertThat(result.duplicated()).isZero();
            assertThat(scorer.metric("scorer_schema_registry_waits_total")).isPositive();
        }
    }

    private ScorerProcess startScorer(StreamTestTopics topics) throws Exception {
        Map<String, String> settings = topics.settings(stack, TestBundle.get(), "exactly_once_v2", "");
        // Waits shorter than the outage: the thread gives up, is replaced and retries, as it would in a long outage.
        settings.put("schema.registry.max.wait.ms", "10000");
        ScorerProcess started = scorers.start(topics.prefix(), settings, "512m");
        started.awaitReady(Duration.ofSeconds(120));
        return started;
    }

    private void publishDigits(ImagePublisher publisher, int from, int to, List<String> ids) {
        long start = System.nanoTime();
        for (int i = from; i < to; i++) {
            long wait = start + (long) ((i - from) * 1e9 / RATE) - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            String id = "digit-" + i;
            publisher.publish(ImageEvents.png(id, "camera-" + i % 4, TestBundle.digits().images().get(i), Map.of()));
            synchronized (ids) {
                ids.add(id);
            }
        }
        publisher.flush();
    }

    private boolean awaitStatus(String path, int status, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (scorer.status(path) == status) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }

    private static Schema imageEventWithLens() {
        Schema current = ImageEvent.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : current.getFields()) {
            fields.add(new Schema.Field(f.name(), f.schema(), f.doc(), f.defaultVal()));
        }
        fields.add(new Schema.Field("lens", Schema.createUnion(Schema.create(Schema.Type.NULL),
                Schema.create(Schema.Type.STRING)), "The camera's lens, added in v2.", Schema.Field.NULL_DEFAULT_VALUE));
        return Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    }

    private static byte[] withLens(Schema v2, String id, DecodedImage image) {
        ImageEvent v1 = ImageEvents.png(id, "camera-lens", image, Map.of());
        GenericRecord record = new GenericData.Record(v2);
        record.put("eventId", v1.getEventId());
        record.put("source", v1.getSource());
        record.put("eventTime", v1.getEventTime().toEpochMilli());
        record.put("image", v1.getImage());
        record.put("encoding", new GenericData.EnumSymbol(v2.getField("encoding").schema(), v1.getEncoding().name()));
        record.put("width", v1.getWidth());
        record.put("height", v1.getHeight());
        record.put("channels", v1.getChannels());
        record.put("attributes", Map.of());
        record.put("lens", "35mm");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        try {
            new GenericDatumWriter<GenericRecord>(v2).write(record, encoder);
            encoder.flush();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static KafkaProducer<String, byte[]> rawProducer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new ByteArraySerializer());
    }
}
