package dev.imageanomaly.app;

import dev.imageanomaly.schemas.ConfluentAvroDeserializer;
import dev.imageanomaly.schemas.SchemaRegistryClient;
import dev.imageanomaly.schemas.avro.AnomalyAlert;
import dev.imageanomaly.schemas.avro.AnomalyScore;
import dev.imageanomaly.schemas.avro.DeadLetter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads what the scorer wrote (scores, alerts, dead letters) from the beginning on a thread of its
 * own, with read_committed isolation so only what the scorer committed counts, and remembers when
 * each record arrived: reading while events are still being published is what makes the measured
 * latencies real. Partitions are assigned, not subscribed to: without a consumer group there is no
 * rebalance to rewind the positions (a group with nothing committed would start over from the
 * beginning after a broker restart and count every output twice).
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
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                // Looking for the output topics must not create them before the scorer does, with other settings.
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false),
                new StringDeserializer(), new ByteArrayDeserializer());
        SchemaRegistryClient registry = new SchemaRegistryClient(registryUrl);
        this.scoreReader = new ConfluentAvroDeserializer<>(registry, AnomalyScore.class);
        this.alertReader = new ConfluentAvroDeserializer<>(registry, AnomalyAlert.class);
        this.deadLetterReader = new ConfluentAvroDeserializer<>(registry, DeadLetter.class);
        this.scoresTopic = scoresTopic;
        this.alertsTopic = alertsTopic;
        this.deadLetterTopic = deadLetterTopic;
        this.onAlert = onAlert;
        this.reader = new Thread(this::readUntilClosed, "output-collector");
        reader.setDaemon(true);
        reader.start();
    }

    private void readUntilClosed() {
        try {
            long nextLookForPartitions = 0;
            while (!closed) {
                if (System.currentTimeMillis() >= nextLookForPartitions) {
                    assignNewPartitions();
                    nextLookForPartitions = System.currentTimeMillis() + 1000;
                }
                if (consumer.assignment().isEmpty()) {
                    Thread.sleep(100); // polling with nothing assigned is an error
                } else {
                    poll(Duration.ofMillis(100));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (org.apache.kafka.common.errors.WakeupException e) {
            // close() woke the consumer up
        } finally {
            consumer.close();
        }
    }

    /** The topics may not exist yet when reading starts (the scorer creates them): their partitions are added as they appear. */
    private void assignNewPartitions() {
        Set<TopicPartition> all = new HashSet<>(consumer.assignment());
        List<TopicPartition> added = new ArrayList<>();
        for (String topic : List.of(scoresTopic, alertsTopic, deadLetterTopic)) {
            List<PartitionInfo> partitions;
            try {
                partitions = consumer.partitionsFor(topic, Duration.ofSeconds(1));
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                continue; // the broker is away: look again at the next round
            }
            for (PartitionInfo p : partitions) {
                TopicPartition tp = new TopicPartition(p.topic(), p.partition());
                if (all.add(tp)) {
                    added.add(tp);
                }
            }
        }
        if (!added.isEmpty()) {
            consumer.assign(all);
            consumer.seekToBeginning(added);
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
