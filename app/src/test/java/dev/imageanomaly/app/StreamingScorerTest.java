package dev.imageanomaly.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageanomaly.embedded.EmbeddedStack;
import dev.imageanomaly.embedded.EmbeddedStackExtension;
import dev.imageanomaly.schemas.avro.AnomalyAlert;
import dev.imageanomaly.schemas.avro.AnomalyScore;
import dev.imageanomaly.schemas.avro.DeadLetter;
import dev.imageanomaly.schemas.avro.Verdict;
import dev.imageanomaly.stream.ScorerApp;
import dev.imageanomaly.stream.ScorerConfig;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The scorer against a real Kafka broker and a real schema registry: a few thousand image events,
 * broken ones among them, each leave as exactly one score or one dead letter, and the alerts find
 * the Fashion-MNIST articles among the digits.
 */
@ExtendWith(EmbeddedStackExtension.class)
class StreamingScorerTest {

    private static EmbeddedStack stack;

    @BeforeAll
    static void stack(EmbeddedStack shared) {
        stack = shared;
    }

    @Test
    void everyEventLeavesExactlyOnceAsAScoreOrADeadLetterAndAlertsFindTheFashionImages() throws Exception {
        StreamTestTopics topics = StreamTestTopics.unique("accounting");
        ScorerConfig config = topics.scorerConfig(stack, TestBundle.get(), "at_least_once", Map.of());
        try (ScorerApp scorer = ScorerApp.start(config);
                OutputCollector out = topics.collector(stack);
                ImagePublisher publisher = topics.publisher(stack)) {
            scorer.awaitRunning(Duration.ofSeconds(60));

            MixedTraffic.Sent sent = new MixedTraffic(TestBundle.digits(), TestBundle.heldOutDigits(),
                    TestBundle.fashion()).publish(publisher, 1500, 1000, 60, 0);

            assertThat(out.awaitOutcomes(sent.count(), Duration.ofSeconds(240)))
                    .as("all %d events came back", sent.count()).isTrue();
            Thread.sleep(3000); // anything arriving now would be a duplicate
            Set<String> scoredIds = out.scores().stream().map(r -> r.value().getEventId()).collect(Collectors.toSet());
            assertThat(out.scores()).as("one score per good event, no duplicates").hasSize(scoredIds.size());
            assertThat(scoredIds).isEqualTo(sent.anomalousTruth().keySet());
            assertThat(out.deadLetters()).hasSize(sent.broken());
            Map<String, Long> reasons = out.deadLetters().stream().collect(Collectors.groupingBy(
                    d -> d.getReasonCode().name(), Collectors.counting()));
            assertThat(reasons).containsOnlyKeys("MALFORMED_RECORD", "UNDECODABLE_IMAGE", "WRONG_SIZE", "NULL_VALUE")
                    .allSatisfy((reason, count) -> assertThat(count).isEqualTo(15L));
            for (DeadLetter d : out.deadLetters()) {
                assertThat(d.getSourceTopic()).isEqualTo(topics.images());
                assertThat(d.getMessage()).isNotBlank();
            }

            RunSummary summary = RunSummary.of(sent.count(), out, sent.anomalousTruth(), System.currentTimeMillis());
            System.out.println(summary.markdown());
            assertThat(summary.precision()).as("alert precision").isGreaterThanOrEqualTo(0.9);
            assertThat(summary.recall()).as("alert recall").isGreaterThanOrEqualTo(0.9);

            long anomalies = out.scores().stream().filter(r -> r.value().getVerdict() == Verdict.ANOMALY).count();
            assertThat(out.alerts()).hasSize((int) anomalies);
            for (AnomalyAlert alert : out.alerts()) {
                assertThat(alert.getScore()).isGreaterThan(alert.getThreshold());
                assertThat(alert.getAttributes()).containsKey("truth");
                byte[] png = new byte[alert.getThumbnail().remaining()];
                alert.getThumbnail().duplicate().get(png);
                assertThat(ImageIO.read(new ByteArrayInputStream(png))).as("thumbnail decodes").isNotNull();
            }
            for (var r : out.scores()) {
                AnomalyScore s = r.value();
                assertThat(s.getModelName()).isEqualTo("test-mnist-conv-ae");
                assertThat(s.getScoringLatencyMs()).isGreaterThanOrEqualTo(0);
            }

            String metrics = get(scorer, "/metrics");
            assertThat(metrics).contains("scorer_events_in_total " + (double) sent.count())
                    .contains("scorer_events_scored_total " + (double) scoredIds.size())
                    .contains("scorer_dead_letters_total{reason=\"WRONG_SIZE\"} 15.0")
                    .contains("scorer_batch_size_bucket").contains("scorer_inference_seconds_bucket")
                    .contains("scorer_end_to_end_latency_seconds_bucket").contains("scorer_consumer_lag")
                    .contains("scorer_model_info{");
            assertThat(get(scorer, "/health/ready")).startsWith("ready");
            assertThat(get(scorer, "/health/live")).startsWith("live");
        }
    }

    private static String get(ScorerApp scorer, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + scorer.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
