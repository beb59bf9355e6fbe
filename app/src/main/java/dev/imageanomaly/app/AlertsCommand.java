package dev.imageanomaly.app;

import dev.imageanomaly.schemas.ConfluentAvroDeserializer;
import dev.imageanomaly.schemas.SchemaRegistryClient;
import dev.imageanomaly.schemas.avro.AnomalyAlert;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "alerts", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Follow the alerts topic and print each alert on one line; optionally save thumbnails.",
            "Example: alerts --from-beginning --thumbnails alerts/"})
final class AlertsCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--topic", defaultValue = "anomaly-alerts", description = "default: ${DEFAULT-VALUE}")
    String topic;

    @Option(names = "--group", defaultValue = "alerts-cli", description = "consumer group (default: ${DEFAULT-VALUE})")
    String group;

    @Option(names = "--from-beginning", description = "start at the oldest alert instead of new ones")
    boolean fromBeginning;

    @Option(names = "--thumbnails", paramLabel = "DIR", description = "write each alert's thumbnail PNG here")
    Path thumbnails;

    @Option(names = "--max", description = "stop after this many alerts")
    Integer max;

    @Override
    public Integer call() throws Exception {
        if (thumbnails != null) {
            Files.createDirectories(thumbnails);
        }
        var reader = new ConfluentAvroDeserializer<>(new SchemaRegistryClient(kafka.registry()), AnomalyAlert.class);
        int seen = 0;
        Map<String, Object> config = new HashMap<>(kafka.kafkaClient());
        config.putAll(Map.of(ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (max == null || seen < max) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    AnomalyAlert a = reader.deserialize(r.topic(), r.value());
                    System.out.printf("%s %-8s score %.5g (%.1fx threshold) source %s event %s model %s/%s %s%n",
                            a.getScoredAt(), a.getSeverity(), a.getScore(), a.getScore() / a.getThreshold(),
                            a.getSource(), a.getEventId(), a.getModelName(), a.getModelVersion(), a.getAttributes());
                    if (thumbnails != null && a.getThumbnail() != null) {
                        byte[] png = new byte[a.getThumbnail().remaining()];
                        a.getThumbnail().duplicate().get(png);
                        Files.write(thumbnails.resolve(a.getEventId().replaceAll("[^A-Za-z0-9._-]", "_") + ".png"), png);
                    }
                    if (max != null && ++seen >= max) {
                        break;
                    }
                }
            }
        }
        return 0;
    }
}
