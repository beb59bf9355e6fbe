package dev.imageanomaly.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imageanomaly.embedded.EmbeddedStack;
import dev.imageanomaly.embedded.EmbeddedStackExtension;
import dev.imageanomaly.schemas.ConfluentAvroDeserializer;
import dev.imageanomaly.schemas.SchemaRegistryClient;
import dev.imageanomaly.schemas.avro.AnomalyScore;
import dev.imageanomaly.schemas.avro.DriftAlert;
import dev.imageanomaly.schemas.avro.DriftState;
import dev.imageanomaly.scoring.TinyBundle;
import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.scoring.bundle.ModelBundle;
import dev.imageanomaly.scoring.bundle.ModelFolder;
import dev.imageanomaly.scoring.bundle.ModelFolder.RolloutPlan;
import dev.imageanomaly.scoring.source.LoadedImages;
import dev.imageanomaly.stream.ScorerApp;
import dev.imageanomaly.trainer.TrainingJob;
import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.data.Splits;
import dev.imageanomaly.trainer.kinds.autoencoder.AutoencoderKinds;
import dev.imageanomaly.trainer.train.TrainingConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The scorer manages its models while it runs, against the real broker and registry: a new version
 * rolls out mid-stream between two micro-batches with every event scored once, broken versions are
 * refused while the serving one goes on, a shadow scores beside the live model, and the live scores
 * of a stream that slides from digits to clothes raise a drift alert that the digits alone never do.
 */
@ExtendWith(EmbeddedStackExtension.class)
class ModelsInProductionTest {

    private static final int EVENTS = 3000;
    private static final double RATE = 150;

    private static EmbeddedStack stack;

    @BeforeAll
    static void stack(EmbeddedStack shared) {
        stack = shared;
    }

    @Test
    void aNewVersionRollsOutMidStreamBrokenOnesAreRefusedAndAShadowAgreesWithItsTwin() throws Exception {
        StreamTestTopics topics = StreamTestTopics.unique("rollout");
        Path folder = Files.createDirectories(Path.of("target", "rollout-models", topics.prefix(), "mnist"));
        copyVersion(TestBundle.get().directory(), folder.resolve("v1"), "v1", Instant.parse("2026-01-01T00:00:00Z"));
        Map<String, String> settings = Map.of("model.bundle", folder.toAbsolutePath().toString(),
                "model.poll.interval.ms", "500", "batch.max.size", "32", "batch.max.wait.ms", "20");
        try (ScorerApp scorer = ScorerApp.start(topics.scorerConfig(stack, TestBundle.get(), "exactly_once_v2", settings));
                OutputCollector out = topics.collector(stack); ImagePublisher publisher = topics.publisher(stack)) {
            scorer.awaitRunning(Duration.ofSeconds(60));
            List<String> ids = new ArrayList<>();
            long[] swapAt = new long[1];
            publishDigits(publisher, EVENTS, ids, i -> {
                if (i == EVENTS / 3) {
                    swapAt[0] = System.currentTimeMillis();
                    copyVersion(TestBundle.get().directory(), folder.resolve("v2"), "v2",
                            Instant.parse("2026-02-01T00:00:00Z"));
                } else if (i == EVENTS / 2) {
                    corruptCopy(TestBundle.get().directory(), folder.resolve("v3"));
                    TinyBundle.write(folder.getParent(), "mnist", "v4", InputSpec.image(1, 32, 32), 0.5,
                            TestBundle.get().manifest().scoreStats(), Instant.parse("2026-04-01T00:00:00Z"));
                } else if (i == 2 * EVENTS / 3) {
                    new ModelFolder(folder).writePlan(new RolloutPlan("v2", "v1"));
                }
            });

            assertThat(out.awaitOutcomes(EVENTS, Duration.ofSeconds(180))).as("outcomes %d", out.outcomes()).isTrue();
            Thread.sleep(3000);
            Accounting result = Accounting.of("rollout v1 -> v2 mid-stream", ids, 0, out, swapAt[0], swapAt[0] + 10_000);
            System.out.println(Accounting.header() + "\n" + result.row());
            assertThat(result.lost()).isZero();
            assertThat(result.duplicated()).isZero();

            // Per source (one partition each), once v2 has scored an event, v1 never scores another.
            Map<String, List<String>> versionsBySource = out.scores().stream().map(OutputCollector.Received::value)
                    .collect(Collectors.groupingBy(AnomalyScore::getSource,
                            Collectors.mapping(AnomalyScore::getModelVersion, Collectors.toList())));
            versionsBySource.forEach((source, versions) -> {
                int firstV2 = versions.indexOf("v2");
                assertThat(firstV2).as("%s took v2", source).isPositive();
                assertThat(versions.subList(firstV2, versions.size())).as(source).containsOnly("v2");
                assertThat(versions.subList(0, firstV2)).as(source).containsOnly("v1");
            });
            long pauseMillis = result.longestGapMillis();
            System.out.printf("longest pause in any source's scores within 10 s of the new version: %d ms%n", pauseMillis);

            String metrics = get(scorer, "/metrics");
            assertThat(metrics).contains("scorer_model_rollouts_total 1.0")
                    .contains("scorer_model_refusals_total{reason=\"hash\"} 1.0")
                    .contains("scorer_model_refusals_total{reason=\"input\"} 1.0")
                    .contains("version=\"v1\"").contains("role=\"shadow\"")
                    .contains("scorer_shadow_agreement 1.0");
            String model = get(scorer, "/model");
            assertThat(model).contains("\"version\" : \"v2\"").contains("v3: SHA-256").contains("v4: its input");
            List<AnomalyScore> shadowScores = readAll(topics.shadowScores(), AnomalyScore.class);
            assertThat(shadowScores).isNotEmpty().allSatisfy(s -> assertThat(s.getModelVersion()).isEqualTo("v1"));
        }
    }

    @Test
    void scoresThatSlideFromDigitsToClothesRaiseADriftAlertThatDigitsAloneNeverRaise() throws Exception {
        LoadedImages digits = TestBundle.digits();
        int[] order = Splits.permutation(digits.images().size(), new Random(11));
        int[] train = Arrays.copyOf(order, 5000);
        int[] stream = Arrays.copyOfRange(order, 5000, 10_000);
        ModelBundle model = new TrainingJob(System.out).run(
                SampleSet.preprocess(digits, InputSpec.image(1, 28, 28)).subset(train),
                new TrainingJob.Request("drift-deep-ae", "v1", Path.of("target", "test-bundles"),
                        TrainingConfig.defaults(AutoencoderKinds.DEEP_AE).withEpochs(10), 0.1, 0.01));
        StreamTestTopics topics = StreamTestTopics.unique("drift");
        try (ScorerApp scorer = ScorerApp.start(topics.scorerConfig(stack, model, "at_least_once", Map.of()));
                ImagePublisher publisher = topics.publisher(stack)) {
            scorer.awaitRunning(Duration.ofSeconds(60));
            for (int i = 0; i < stream.length; i++) {
                publisher.publish(ImageEvents.png("digit-" + stream[i], "camera-" + i % 4,
                        digits.images().get(stream[i]), Map.of()));
            }
            publisher.flush();
            List<DriftAlert> afterDigits = awaitDrift(topics, scorer, stream.length);
            assertThat(afterDigits).as("no drift alert over %d digits", stream.length).isEmpty();
            String windowsChecked = get(scorer, "/metrics");

            // Then the share of clothes grows from 0 to 50 % over 2,000 events.
            int mix = 2000;
            Random random = new Random(3);
            for (int i = 0; i < mix; i++) {
                boolean clothes = random.nextDouble() < 0.5 * i / mix;
                var image = clothes ? TestBundle.fashion().images().get(i) : digits.images().get(stream[i]);
                publisher.publish(ImageEvents.png((clothes ? "fashion-" : "again-") + i, "camera-" + i % 4, image,
                        Map.of()));
            }
            publisher.flush();
            List<DriftAlert> alerts = awaitDrift(topics, scorer, stream.length + mix);
            assertThat(alerts).isNotEmpty();
            DriftAlert first = alerts.get(0);
            assertThat(first.getState()).isEqualTo(DriftState.DRIFTING);
            assertThat(first.getModelVersion()).isEqualTo("v1");
            long mixEventsBeforeAlert = scoredBeforeAlert(topics, first) - stream.length;
            System.out.printf("first drift alert (source %s, %s %.3f, level %.2f) after %d events of the mix; all: %s%n",
                    first.getSource(), first.getStatistic(), first.getValue(), first.getLevel(), mixEventsBeforeAlert,
                    alerts.stream().map(a -> a.getState() + " " + a.getSource()).toList());
            System.out.println("last readings over the digits alone: " + windowsChecked.lines()
                    .filter(l -> l.startsWith("scorer_drift_ks{") || l.startsWith("scorer_drift_psi{")).toList());
            assertThat(mixEventsBeforeAlert).as("events of the mix before the first alert").isBetween(0L, (long) mix);
        }
    }

    private interface AtEvent {
        void run(int index) throws IOException;
    }

    private static void publishDigits(ImagePublisher publisher, int count, List<String> ids, AtEvent hook)
            throws Exception {
        long start = System.nanoTime();
        int[] digits = TestBundle.heldOutDigits();
        for (int i = 0; i < count; i++) {
            hook.run(i);
            long wait = start + (long) (i * 1e9 / RATE) - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000);
            }
            String id = "digit-" + i;
            publisher.publish(ImageEvents.png(id, "camera-" + i % 4, TestBundle.digits().images().get(digits[i % digits.length]),
                    Map.of()));
            ids.add(id);
        }
        publisher.flush();
    }

    /** A copy of a bundle as another version (the same network, so the same scores), newer by its creation time. */
    private static void copyVersion(Path from, Path to, String version, Instant createdAt) throws IOException {
        Files.createDirectories(to);
        Files.copy(from.resolve(ModelBundle.MODEL_FILE), to.resolve(ModelBundle.MODEL_FILE));
        ObjectNode manifest = (ObjectNode) ModelBundle.json().readTree(from.resolve(ModelBundle.MANIFEST_FILE).toFile());
        manifest.put("version", version).put("createdAt", createdAt.toString());
        // The manifest last, as a trainer writes it: a scorer polling meanwhile sees no half version.
        Path partial = to.resolve(ModelBundle.MANIFEST_FILE + ".partial");
        ModelBundle.json().writeValue(partial.toFile(), manifest);
        Files.move(partial, to.resolve(ModelBundle.MANIFEST_FILE));
    }

    private static void corruptCopy(Path from, Path to) throws IOException {
        copyVersion(from, to, "v3", Instant.parse("2026-03-01T00:00:00Z"));
        byte[] model = Files.readAllBytes(to.resolve(ModelBundle.MODEL_FILE));
        model[model.length / 2] ^= 0x55;
        Files.write(to.resolve(ModelBundle.MODEL_FILE), model);
    }

    /** Waits until the scorer has scored {@code scored} events, then reads the drift topic. */
    private static List<DriftAlert> awaitDrift(StreamTestTopics topics, ScorerApp scorer, long scored) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (scorer.metrics().scoredCount() < scored && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        assertThat(scorer.metrics().scoredCount()).as("scored").isGreaterThanOrEqualTo(scored);
        Thread.sleep(1000);
        return readAll(topics.drift(), DriftAlert.class);
    }

    private static long scoredBeforeAlert(StreamTestTopics topics, DriftAlert alert) throws Exception {
        return readAll(topics.scores(), AnomalyScore.class).stream()
                .filter(s -> !s.getScoredAt().isAfter(alert.getDetectedAt())).count();
    }

    /** Every committed record of a topic the scorer writes, from the beginning, until it has been quiet for 3 s. */
    private static <T extends SpecificRecord> List<T> readAll(String topic, Class<T> type) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "read-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            var reader = new ConfluentAvroDeserializer<>(new SchemaRegistryClient(stack.schemaRegistryUrl()), type);
            List<T> out = new ArrayList<>();
            long quietSince = System.currentTimeMillis();
            while (System.currentTimeMillis() - quietSince < 3000) {
                var records = consumer.poll(Duration.ofMillis(300));
                if (!records.isEmpty()) {
                    quietSince = System.currentTimeMillis();
                }
                records.forEach(r -> out.add(reader.deserialize(r.topic(), r.value())));
            }
            return out;
        }
    }

    private static String get(ScorerApp scorer, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + scorer.httpPort()
                + path)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
