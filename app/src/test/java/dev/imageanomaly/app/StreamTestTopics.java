package dev.imageanomaly.app;

import dev.imageanomaly.embedded.EmbeddedStack;
import dev.imageanomaly.scoring.bundle.ModelBundle;
import dev.imageanomaly.stream.ScorerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** Topic names and an application id of their own, so tests sharing one broker never see each other's records. */
record StreamTestTopics(String prefix) {

    static StreamTestTopics unique(String name) {
        return new StreamTestTopics(name + "-" + UUID.randomUUID().toString().substring(0, 8));
    }

    String images() {
        return prefix + ".images";
    }

    String scores() {
        return prefix + ".scores";
    }

    String alerts() {
        return prefix + ".alerts";
    }

    String deadLetters() {
        return prefix + ".dlq";
    }

    String shadowScores() {
        return prefix + ".shadow";
    }

    String drift() {
        return prefix + ".drift";
    }

    ScorerConfig scorerConfig(EmbeddedStack stack, ModelBundle bundle, String guarantee, Map<String, String> extra)
            throws java.io.IOException {
        Map<String, String> settings = settings(stack, bundle, guarantee, "");
        settings.put("http.port", "0");
        settings.putAll(extra);
        return ScorerConfig.load(null, Map.of(), settings);
    }

    /**
     * The settings of one scorer on these topics, with a state folder of its own per {@code instance}
     * (several instances of one application share the topics and the consumer group).
     */
    Map<String, String> settings(EmbeddedStack stack, ModelBundle bundle, String guarantee, String instance)
            throws java.io.IOException {
        Map<String, String> settings = new HashMap<>(Map.of(
                "bootstrap.servers", stack.bootstrapServers(),
                "schema.registry.url", stack.schemaRegistryUrl(),
                "application.id", prefix,
                "topic.images", images(), "topic.scores", scores(), "topic.alerts", alerts(),
                "topic.dead.letters", deadLetters(),
                "model.bundle", bundle.directory().toAbsolutePath().toString(),
                "processing.guarantee", guarantee,
                "execution.provider", "cpu"));
        settings.put("state.dir", Files.createDirectories(Path.of("target", "streams-state", prefix + instance))
                .toAbsolutePath().toString());
        settings.put("topic.shadow.scores", shadowScores());
        settings.put("topic.drift", drift());
        return settings;
    }

    OutputCollector collector(EmbeddedStack stack) {
        return new OutputCollector(stack.bootstrapServers(), stack.schemaRegistryUrl(), scores(), alerts(),
                deadLetters(), alert -> { });
    }

    ImagePublisher publisher(EmbeddedStack stack) {
        return new ImagePublisher(stack.bootstrapServers(), stack.schemaRegistryUrl(), images());
    }
}
