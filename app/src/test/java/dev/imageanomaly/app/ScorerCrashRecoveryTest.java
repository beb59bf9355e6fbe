package dev.imageanomaly.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageanomaly.embedded.EmbeddedStack;
import dev.imageanomaly.embedded.EmbeddedStackExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The scorer is killed with SIGKILL in the middle of a stream and started again: under
 * exactly_once_v2 no event is lost and none is scored twice, including events that sat in a
 * half-filled micro-batch when the process died.
 */
@ExtendWith(EmbeddedStackExtension.class)
class ScorerCrashRecoveryTest {

    private static EmbeddedStack stack;
    private final List<ScorerProcess> scorers = new ArrayList<>();

    @BeforeAll
    static void stack(EmbeddedStack shared) {
        stack = shared;
    }

    @AfterEach
    void stopScorers() throws InterruptedException {
        for (ScorerProcess scorer : scorers) {
            scorer.kill();
        }
    }

    @Test
    void aScorerKilledMidStreamLosesAndDuplicatesNothingUnderExactlyOnce() throws Exception {
        StreamTestTopics topics = StreamTestTopics.unique("crash");
        Path stateDir = Files.createDirectories(Path.of("target", "streams-state", topics.prefix()));
        Map<String, String> settings = Map.ofEntries(
                Map.entry("bootstrap.servers", stack.bootstrapServers()),
                Map.entry("schema.registry.url", stack.schemaRegistryUrl()),
                Map.entry("application.id", topics.prefix()),
                Map.entry("topic.images", topics.images()), Map.entry("topic.scores", topics.scores()),
                Map.entry("topic.alerts", topics.alerts()), Map.entry("topic.dead.letters", topics.deadLetters()),
                Map.entry("model.bundle", TestBundle.get().directory().toAbsolutePath().toString()),
                Map.entry("execution.provider", "cpu"),
                Map.entry("processing.guarantee", "exactly_once_v2"),
                // Large batches with a long wait leave events buffered when the kill comes.
                Map.entry("batch.max.size", "200"), Map.entry("batch.max.wait.ms", "500"),
                Map.entry("state.dir", stateDir.toAbsolutePath().toString()),
                // The killed member must leave the group quickly for the restarted one to take over.
                Map.entry("streams.session.timeout.ms", "6000"), Map.entry("streams.heartbeat.interval.ms", "1500"));

        try (OutputCollector out = topics.collector(stack); ImagePublisher publisher = topics.publisher(stack)) {
            ScorerProcess first = startScorer(settings, "first");
            Thread publishing = new Thread(() -> {
                try {
                    new MixedTraffic(TestBundle.digits(), TestBundle.heldOutDigits(), TestBundle.fashion())
                            .publish(publisher, 1200, 300, 20, 250);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "publisher");
            publishing.start();
            assertThat(out.awaitOutcomes(300, Duration.ofSeconds(120))).as("first scorer made progress").isTrue();
            first.kill();
            int beforeCrash = out.outcomes();

            startScorer(settings, "restarted");
            publishing.join();
            int expected = 1200 + 300 + 20;
            assertThat(out.awaitOutcomes(expected, Duration.ofSeconds(240)))
                    .as("all events came back after the restart (had %d before the kill)", beforeCrash).isTrue();
            Thread.sleep(5000); // a duplicate would arrive in this window

            Map<String, Long> scoresPerEvent = out.scores().stream().collect(Collectors.groupingBy(
                    r -> r.value().getEventId(), Collectors.counting()));
            assertThat(scoresPerEvent).hasSize(1500).allSatisfy((id, count) -> assertThat(count).as(id).isEqualTo(1L));
            Map<Long, Long> deadLettersPerOffset = out.deadLetters().stream().collect(Collectors.groupingBy(
                    d -> d.getSourcePartition() * 1_000_000_000L + d.getSourceOffset(), Collectors.counting()));
            assertThat(deadLettersPerOffset).hasSize(20).allSatisfy((offset, count) -> assertThat(count).isEqualTo(1L));
            assertThat(out.outcomes()).isEqualTo(expected);
        }
    }

    private ScorerProcess startScorer(Map<String, String> settings, String name) throws IOException {
        ScorerProcess scorer = ScorerProcess.start(name + "-" + settings.get("application.id"), settings, "1g");
        scorers.add(scorer);
        return scorer;
    }
}
