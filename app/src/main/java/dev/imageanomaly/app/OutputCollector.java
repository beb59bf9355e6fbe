package dev.imageanomaly.app;

import dev.imageanomaly.schemas.ConfluentAvroDeserializer;
import dev.imageanomaly.schemas.SchemaRegistryClient;
import dev.imageanomaly.schemas.avro.AnomalyAlert;
import dev.imageanomaly.schemas.avro.AnomalyScore;
import dev.imageanomaly.schemas.avro.DeadLetter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads what the scorer wrote (scores, alerts, dead letters) from the beginning on a thread of its
 * own, with read_committed isolation so only what the scorer committed counts, and remembers when
 * each record arrived: reading while events are still being published is what makes the measured
 * latencies real.
 */
final class OutputCollector implements AutoCloseable {

    record Received<T>(T value, long receivedAtMillis) {}

    private final KafkaConsumer<String, byte[]> consumer;
    private final String scoresTopic;
    private final String alertsTopic;
    private final String deadLetterTopic;
    private final ConfluentAvroDeserializer<AnomalyScore> scoreReader;
    private final ConfluentAvroDeserializer<AnomalyAlert> alertReader;
    private final ConfluentAvroDeserializer<DeadLetter> deadLetterReader;
    private final Consumer<AnomalyAlert> onAlert;
    private final List<Received<AnomalyScore>> scores = new ArrayList<>();
    private final List<AnomalyAlert> alerts = new ArrayList<>();
    private final List<DeadLetter> deadLetters = new ArrayList<>();
    private final Thread reader;
    private volatile boolean closed;

    OutputCollector(String bootstrapServers, String registryUrl, String scoresTopic, String alertsTopic,
            String deadLetterTopic, Consumer<AnomalyAlert> onAlert) {
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "output-collector-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new ByteArrayDeserializer());
        SchemaRegistryClient registry = new SchemaRegistryClient(registryUrl);
        this.scoreReader = new ConfluentAvroDeserializer<>(registry, AnomalyScore.class);
        this.alertReader = new ConfluentAvroDeserializer<>(registry, AnomalyAlert.class);
        this.deadLetterReader = new ConfluentAvroDeserializer<>(registry, DeadLetter.class);
        this.scoresTopic = scoresTopic;
        this.alertsTopic = alertsTopic;
        this.deadLetterTopic = deadLetterTopic;
        this.onAlert = onAlert;
        consumer.subscribe(List.of(scoresTopic, alertsTopic, deadLetterTopic));
        this.reader = new Thread(this::readUntilClosed, "output-collector");
        reader.setDaemon(true);
        reader.start();
    }

    private void readUntilClosed() {
        try {
            while (!closed) {
                poll(Duration.ofMillis(100));
            }
        } catch (org.apache.kafka.common.errors.WakeupException e) {
            // close() woke the consumer up
        } finally {
            consumer.close();
        }
    }

    /** Waits until scores plus dead letters reach {@code expected}, or the timeout passes; returns whether they did. */
    synchronized boolean awaitOutcomes(int expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (outcomes() < expected) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    private void poll(Duration wait) {
        var records = consumer.poll(wait);
        synchronized (this) {
            for (ConsumerRecord<String, byte[]> r : records) {
                accept(r);
            }
            notifyAll();
        }
    }

    private void accept(ConsumerRecord<String, byte[]> r) {
        long now = System.currentTimeMillis();
        if (r.topic().equals(scoresTopic)) {
            scores.add(new Received<>(scoreReader.deserialize(r.topic(), r.value()), now));
        } else if (r.topic().equals(alertsTopic)) {
            AnomalyAlert alert = alertReader.deserialize(r.topic(), r.value());
            alerts.add(alert);
            onAlert.accept(alert);
        } else if (r.topic().equals(deadLetterTopic)) {
            deadLetters.add(deadLetterReader.deserialize(r.topic(), r.value()));
        }
    }

    synchronized int outcomes() {
        return scores.size() + deadLetters.size();
    }

    synchronized List<Received<AnomalyScore>> scores() {
        return List.copyOf(scores);
    }

    synchronized List<AnomalyAlert> alerts() {
        return List.copyOf(alerts);
    }

    synchronized List<DeadLetter> deadLetters() {
        return List.copyOf(deadLetters);
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        consumer.wakeup();
        reader.join(10_000);
    }
}
