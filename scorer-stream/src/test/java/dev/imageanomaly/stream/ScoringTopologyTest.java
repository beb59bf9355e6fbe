package dev.imageanomaly.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageanomaly.schemas.ConfluentAvroDeserializer;
import dev.imageanomaly.schemas.ConfluentAvroSerializer;
import dev.imageanomaly.schemas.InMemorySchemaRegistry;
import dev.imageanomaly.schemas.avro.AnomalyAlert;
import dev.imageanomaly.schemas.avro.AnomalyScore;
import dev.imageanomaly.schemas.avro.DeadLetter;
import dev.imageanomaly.schemas.avro.DeadLetterReason;
import dev.imageanomaly.schemas.avro.DriftAlert;
import dev.imageanomaly.schemas.avro.DriftState;
import dev.imageanomaly.schemas.avro.ImageEncoding;
import dev.imageanomaly.schemas.avro.ImageEvent;
import dev.imageanomaly.schemas.avro.Severity;
import dev.imageanomaly.schemas.avro.Verdict;
import dev.imageanomaly.scoring.TinyBundle;
import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.scoring.image.HostileImages;
import dev.imageanomaly.scoring.bundle.ScoreStats;
import dev.imageanomaly.scoring.engine.EngineOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The scorer's topology where it lives, under {@code TopologyTestDriver} with an in-memory schema
 * registry and a tiny real ONNX model (score = mean of squared pixels in [0, 1], threshold 0.25:
 * dark images are normal, bright ones anomalous). Punctuations are fired by advancing the driver's
 * wall clock by hand.
 */
class ScoringTopologyTest {

    private static final String IMAGES = "images";
    private static final double THRESHOLD = 0.25;
    private static final int MAX_BATCH = 4;
    private static final Duration MAX_WAIT = Duration.ofMillis(100);

    @TempDir
    static Path bundles;
    private static Path bundle;

    @TempDir
    Path stateDir;
    private InMemorySchemaRegistry registry;
    private ScorerMetrics metrics;
    private ModelRollout models;
    private TopologyTestDriver driver;
    private Instant clockStart;
    private TestInputTopic<byte[], byte[]> images;
    private TestOutputTopic<String, AnomalyScore> scores;
    private TestOutputTopic<String, AnomalyAlert> alerts;
    private TestOutputTopic<String, DeadLetter> deadLetters;
    private TestOutputTopic<String, AnomalyScore> shadowScores;
    private TestOutputTopic<String, DriftAlert> drift;
    private int sequence;

    @BeforeAll
    static void tinyModel() {
        bundle = TinyBundle.write(bundles, "tiny", "v1", InputSpec.image(1, 28, 28), THRESHOLD).directory();
    }

    private void start(Map<String, String> settings) {
        start(settings, new InMemorySchemaRegistry());
    }

    private void start(Map<String, String> settings, InMemorySchemaRegistry schemas) {
        start(settings, schemas, bundle);
    }

    private void start(Map<String, String> settings, InMemorySchemaRegistry schemas, Path model) {
        // Batches are scored on the stream thread unless a test says otherwise, so a full batch's
        // outputs are there when the record that filled it has been piped (Batching specifies the
        // overlapped mode, batch.scoring.threads 1).
        Map<String, String> all = new HashMap<>(Map.of("batch.max.size", Integer.toString(MAX_BATCH),
                "batch.max.wait.ms", Long.toString(MAX_WAIT.toMillis()), "state.dir", stateDir.toString(),
                "model.bundle", bundles.toString(), "batch.scoring.threads", "0"));
        all.putAll(settings);
        ScorerConfig config = ScorerConfig.load(null, Map.of(), all);
        registry = schemas;
        metrics = new ScorerMetrics();
        models = ModelRollout.start(model, config.modelShadow(), EngineOptions.cpu(), Duration.ofHours(1), metrics);
        Properties props = ScorerApp.streamsProperties(config, metrics);
        clockStart = Instant.now();
        driver = new TopologyTestDriver(ScoringTopology.build(config, models, metrics, registry), props, clockStart);
        images = driver.createInputTopic(IMAGES, new ByteArraySerializer(), new ByteArraySerializer());
        scores = driver.createOutputTopic(config.scoresTopic(), new StringDeserializer(),
                new ConfluentAvroDeserializer<>(registry, AnomalyScore.class));
        alerts = driver.createOutputTopic(config.alertsTopic(), new StringDeserializer(),
                new ConfluentAvroDeserializer<>(registry, AnomalyAlert.class));
        deadLetters = driver.createOutputTopic(config.deadLetterTopic(), new StringDeserializer(),
                new ConfluentAvroDeserializer<>(registry, DeadLetter.class));
        shadowScores = driver.createOutputTopic(config.shadowScoresTopic(), new StringDeserializer(),
                new ConfluentAvroDeserializer<>(registry, AnomalyScore.class));
        drift = driver.createOutputTopic(config.driftTopic(), new StringDeserializer(),
                new ConfluentAvroDeserializer<>(registry, DriftAlert.class));
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.close();
            models.close();
        }
    }

    private byte[] event(String id, int brightness) {
        ImageEvent event = ImageEvent.newBuilder().setEventId(id).setSource("camera-1")
                .setEventTime(Instant.now())
                .setEncoding(ImageEncoding.PNG).setImage(ByteBuffer.wrap(HostileImages.png(
                        HostileImages.grey(28, 28, brightness)))).setAttributes(Map.of("line", "3")).build();
        return new ConfluentAvroSerializer<ImageEvent>(registry, true, false).serialize(IMAGES, event);
    }

    /**
     * Under at_least_once (the default) an emitted event leaves the store at the commit after the
     * one that flushed its outputs; the driver commits after each punctuation.
     */
    private void theNextCommit() {
        driver.advanceWallClockTime(MAX_WAIT);
    }

    private void send(String id, int brightness) {
        images.pipeInput("camera-1".getBytes(StandardCharsets.UTF_8), event(id, brightness));
    }

    /** The tiny model's score of a {@link HostileImages#grey} image of this brightness. */
    private static float scoreOf(int brightness) {
        double sum = 0;
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                double v = ((brightness + (x + y) % 3) & 0xFF) / 255.0;
                sum += v * v;
            }
        }
        return (float) (sum / (28 * 28));
    }

    @Nested
    class ModelsWhileRunning {

        @TempDir
        Path root;

        private Path version(String version, double threshold, int minute) {
            float[] darkScores = new float[41];
            for (int b = 0; b <= 40; b++) {
                darkScores[b] = scoreOf(b);
            }
            return TinyBundle.write(root, "tiny", version, InputSpec.image(1, 28, 28), threshold,
                    ScoreStats.of(darkScores), Instant.parse("2026-01-01T00:00:00Z").plusSeconds(60L * minute))
                    .directory();
        }

        @Test
        void aNewVersionTakesOverBetweenTwoBatchesAndEveryScoreNamesTheVersionThatMadeIt() {
            version("v1", 0.25, 0);
            start(Map.of(), new InMemorySchemaRegistry(), root.resolve("tiny"));
            for (int i = 0; i < MAX_BATCH; i++) {
                send("before-" + i, 150);
            }
            version("v2", 0.9, 1);
            models.poll();
            for (int i = 0; i < MAX_BATCH; i++) {
                send("after-" + i, 150);
            }

            List<AnomalyScore> all = scores.readValuesToList();
            assertThat(all).hasSize(2 * MAX_BATCH);
            assertThat(all.subList(0, MAX_BATCH)).allSatisfy(s -> {
                assertThat(s.getModelVersion()).isEqualTo("v1");
                assertThat(s.getThreshold()).isEqualTo(0.25);
                assertThat(s.getVerdict()).isEqualTo(Verdict.ANOMALY);
            });
            assertThat(all.subList(MAX_BATCH, 2 * MAX_BATCH)).allSatisfy(s -> {
                assertThat(s.getModelVersion()).isEqualTo("v2");
                assertThat(s.getThreshold()).isEqualTo(0.9);
                assertThat(s.getVerdict()).isEqualTo(Verdict.NORMAL);
            });
            assertThat(alerts.readValuesToList()).extracting(AnomalyAlert::getModelVersion).containsOnly("v1");
        }

        @Test
        void theShadowScoresEveryEventToItsOwnTopicNeverAlertsAndAgreesFullyWithItsOwnTwin() {
            Path v1 = version("v1", 0.25, 0);
            start(Map.of("model.shadow", v1.toString()), new InMemorySchemaRegistry(), v1);
            for (int i = 0; i < 2 * MAX_BATCH; i++) {
                send("e" + i, i % 2 == 0 ? 10 : 200);
            }

            List<AnomalyScore> live = scores.readValuesToList();
            List<AnomalyScore> shadow = shadowScores.readValuesToList();
            assertThat(shadow).extracting(AnomalyScore::getEventId)
                    .containsExactlyElementsOf(live.stream().map(AnomalyScore::getEventId).toList());
            assertThat(alerts.readValuesToList()).as("alerts come from the live model only").hasSize(MAX_BATCH);
            String exposition = scrape();
            assertThat(exposition).contains("scorer_shadow_agreement 1.0").contains("scorer_shadow_rank_correlation 1.0")
                    .contains("role=\"shadow\"");
        }

        @Test
        void scoresThatPartFromTheReferenceRaiseADriftAlertAndItClearsWhenTheyReturn() {
            start(Map.of("batch.max.size", "10", "drift.window.size", "50", "drift.check.every", "10"),
                    new InMemorySchemaRegistry(), version("v1", 0.25, 0));
            for (int i = 0; i < 100; i++) {
                send("dark-" + i, i % 41);
            }
            assertThat(drift.isEmpty()).as("dark images look like the reference").isTrue();

            for (int i = 0; i < 50; i++) {
                send("bright-" + i, 100 + i);
            }
            List<DriftAlert> raised = drift.readValuesToList();
            assertThat(raised).extracting(DriftAlert::getState).containsOnly(DriftState.DRIFTING);
            assertThat(raised).extracting(DriftAlert::getSource).containsExactlyInAnyOrder("*", "camera-1");
            assertThat(raised.get(0).getKs()).isGreaterThan(0.2);
            assertThat(raised.get(0).getModelVersion()).isEqualTo("v1");

            for (int i = 0; i < 100; i++) {
                send("dark-again-" + i, i % 41);
            }
            assertThat(drift.readValuesToList()).extracting(DriftAlert::getState).containsOnly(DriftState.CLEARED)
                    .hasSize(2);
            assertThat(scrape()).contains("scorer_drift_ks{source=\"*\"}").contains("scorer_drift_alerts_total{state=\"DRIFTING\"} 2.0");
        }

        private String scrape() {
            var out = new java.io.ByteArrayOutputStream();
            try {
                metrics.write(out);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    @Nested
    class Batching {

        @Test
        void aBatchIsScoredAsSoonAsItHoldsBatchMaxSizeEvents() {
            start(Map.of());
            for (int i = 0; i < MAX_BATCH - 1; i++) {
                send("e" + i, 10);
            }
            assertThat(scores.isEmpty()).as("three of four: still waiting").isTrue();

            send("e3", 10);

            assertThat(scores.readValuesToList()).extracting(AnomalyScore::getEventId)
                    .containsExactly("e0", "e1", "e2", "e3");
        }

        @Test
        void aHalfFullBatchIsScoredOnceItsOldestEventHasWaitedBatchMaxWait() {
            start(Map.of());
            send("e0", 10);
            driver.advanceWallClockTime(MAX_WAIT.dividedBy(2));
            send("e1", 10);

            driver.advanceWallClockTime(MAX_WAIT.dividedBy(2).minusMillis(1));
            assertThat(scores.isEmpty()).as("the oldest has waited 99 ms").isTrue();

            driver.advanceWallClockTime(MAX_WAIT.dividedBy(2));
            assertThat(scores.readValuesToList()).extracting(AnomalyScore::getEventId).containsExactly("e0", "e1");
        }

        @Test
        void withAScoringThreadAFullBatchLeavesInOrderByTheTimeTheNextBatchIsFull() {
            start(Map.of("batch.scoring.threads", "1"));
            for (int i = 0; i < 2 * MAX_BATCH; i++) {
                send("e" + i, 10);
            }

            List<String> early = scores.readValuesToList().stream().map(AnomalyScore::getEventId).toList();
            assertThat(early).as("the first batch at least; the second may still be with the model")
                    .startsWith("e0", "e1", "e2", "e3").isSubsetOf("e0", "e1", "e2", "e3", "e4", "e5", "e6", "e7");
            driver.advanceWallClockTime(MAX_WAIT);
            List<String> all = new ArrayList<>(early);
            scores.readValuesToList().forEach(s -> all.add(s.getEventId()));
            assertThat(all).containsExactly("e0", "e1", "e2", "e3", "e4", "e5", "e6", "e7");
        }

        @Test
        void withAScoringThreadABatchStillWithTheModelWhenItsTimeIsUpIsWaitedFor() {
            start(Map.of("batch.scoring.threads", "1"));
            for (int i = 0; i < MAX_BATCH; i++) {
                send("e" + i, 10);
            }

            driver.advanceWallClockTime(MAX_WAIT);
            assertThat(scores.readValuesToList()).extracting(AnomalyScore::getEventId)
                    .containsExactly("e0", "e1", "e2", "e3");
            theNextCommit();
            assertThat(driver.getKeyValueStore(ScoringTopology.PENDING_STORE).approximateNumEntries())
                    .as("emitted events leave the buffer").isZero();
        }

        @Test
        void everyScoreNamesTheModelAndThresholdThatProducedItAndItsBatchIsCounted() {
            start(Map.of("batch.max.size", "1"));
            send("e0", 10);

            AnomalyScore score = scores.readValue();
            assertThat(score.getModelName()).isEqualTo("tiny");
            assertThat(score.getModelVersion()).isEqualTo("v1");
            assertThat(score.getThreshold()).isEqualTo(THRESHOLD);
            assertThat(score.getVerdict()).isEqualTo(Verdict.NORMAL);
            assertThat(metrics.scoredCount()).isEqualTo(1);
        }
    }

    @Nested
    class AlertsAndSeverities {

        @Test
        void aScoreAboveTheThresholdAlsoBecomesAnAlertGradedByHowFarAboveItIs() {
            start(Map.of("batch.max.size", "3", "alert.severity.ratios", "1.5,2.5,3.5"));
            send("dark", 10);        // score ~0.002: normal
            send("grey", 150);       // score ~0.35: 1.4 x threshold, LOW
            send("white", 250);      // score ~0.97: 3.9 x threshold, CRITICAL

            assertThat(scores.readValuesToList()).extracting(AnomalyScore::getVerdict)
                    .containsExactly(Verdict.NORMAL, Verdict.ANOMALY, Verdict.ANOMALY);
            List<AnomalyAlert> raised = alerts.readValuesToList();
            assertThat(raised).extracting(AnomalyAlert::getEventId).containsExactly("grey", "white");
            assertThat(raised).extracting(AnomalyAlert::getSeverity).containsExactly(Severity.LOW, Severity.CRITICAL);
            assertThat(raised.get(0).getAttributes()).containsEntry("line", "3");
            assertThat(raised.get(0).getThumbnail()).isNotNull();
        }
    }

    @Nested
    class Restore {

        /** Kafka Streams runs the pre-commit hook (an internal interface, CachedStateStore): an upgrade that stops fails here. */
        @Test
        void eventsStillBufferedWhenKafkaStreamsCommitsAreInTheStoreUntilScored() {
            start(Map.of());
            send("e0", 10); // the test driver commits after every record
            send("e1", 10);

            KeyValueStore<Long, byte[]> store = driver.getKeyValueStore(ScoringTopology.PENDING_STORE);
            assertThat(store.approximateNumEntries()).isEqualTo(2);
            driver.advanceWallClockTime(MAX_WAIT);

            assertThat(scores.readValuesToList()).extracting(AnomalyScore::getEventId).containsExactly("e0", "e1");
            assertThat(store.approximateNumEntries()).as("the commit that flushes their scores").isEqualTo(2);
            theNextCommit();
            assertThat(store.approximateNumEntries()).isZero();
        }

        @Test
        void underExactlyOnceEmittedEventsLeaveTheStoreInTheTransactionOfTheirOutputs() {
            start(Map.of("processing.guarantee", "exactly_once_v2"));
            send("e0", 10);
            send("e1", 10);

            KeyValueStore<Long, byte[]> store = driver.getKeyValueStore(ScoringTopology.PENDING_STORE);
            assertThat(store.approximateNumEntries()).isEqualTo(2);
            driver.advanceWallClockTime(MAX_WAIT);

            assertThat(scores.readValuesToList()).extracting(AnomalyScore::getEventId).containsExactly("e0", "e1");
            assertThat(store.approximateNumEntries()).isZero();
        }

        @Test
        void eventsBufferedBeforeACrashAreScoredFirstWhenTheStoreComesBack() {
            start(Map.of());
            KeyValueStore<Long, byte[]> store = driver.getKeyValueStore(ScoringTopology.PENDING_STORE);
            // As the changelog restores them: one in today's format, one written by an older scorer.
            store.put(7L, pending("restored-a".getBytes(StandardCharsets.UTF_8), event("r0", 10), 40).toBytes());
            store.put(8L, formatOne("camera-1", event("r1", 10), 41));

            driver.advanceWallClockTime(MAX_WAIT.dividedBy(2));

            assertThat(scores.readRecordsToList()).extracting(r -> r.value().getEventId() + "@" + r.key())
                    .containsExactly("r0@restored-a", "r1@camera-1");
            theNextCommit();
            assertThat(store.approximateNumEntries()).isZero();
        }

        @Test
        void aRestoredEntryThatNoLongerDecodesBecomesADeadLetterAndLeavesTheStore() {
            start(Map.of());
            KeyValueStore<Long, byte[]> store = driver.getKeyValueStore(ScoringTopology.PENDING_STORE);
            store.put(3L, pending(null, "garbage".getBytes(StandardCharsets.UTF_8), 12).toBytes());

            driver.advanceWallClockTime(MAX_WAIT);

            DeadLetter letter = deadLetters.readValue();
            assertThat(letter.getReasonCode()).isEqualTo(DeadLetterReason.MALFORMED_RECORD);
            assertThat(letter.getSourceOffset()).isEqualTo(12);
            theNextCommit();
            assertThat(store.get(3L)).isNull();
        }

        @Test
        void newEventsAreBufferedUnderSequencesAfterTheRestoredOnes() {
            start(Map.of());
            KeyValueStore<Long, byte[]> store = driver.getKeyValueStore(ScoringTopology.PENDING_STORE);
            store.put(41L, pending(null, event("old", 10), 1).toBytes());
            send("new", 10); // restores "old" (a batch of one, scored at once), then buffers "new"

            assertThat(store.get(42L)).as("the new event's entry").isNotNull();
            assertThat(scores.readValuesToList()).extracting(AnomalyScore::getEventId).containsExactly("old");
        }

        private PendingImage pending(byte[] key, byte[] value, long offset) {
            return new PendingImage(key, value, 0L, IMAGES, 0, offset, clockStart.toEpochMilli());
        }

        /** An entry as format 1 wrote it: the key with writeUTF. */
        private byte[] formatOne(String key, byte[] value, long offset) {
            var bytes = new java.io.ByteArrayOutputStream();
            try (var out = new java.io.DataOutputStream(bytes)) {
                out.writeByte(1);
                out.writeBoolean(true);
                out.writeUTF(key);
                out.writeInt(value.length);
                out.write(value);
                out.writeLong(0L);
                out.writeUTF(IMAGES);
                out.writeInt(0);
                out.writeLong(offset);
                out.writeLong(clockStart.toEpochMilli());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }
    }

    @Nested
    class HostileInput {

        /** Built once (the bombs take a moment); every driver of this class reads it with this registry. */
        static final InMemorySchemaRegistry CORPUS_SCHEMAS = new InMemorySchemaRegistry();
        static final List<HostileRecords.Kind> CORPUS = HostileRecords.corpus(CORPUS_SCHEMAS, IMAGES);

        static Stream<HostileRecords.Kind> corpus() {
            return CORPUS.stream();
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("corpus")
        void everyRecordLeavesAsExactlyOneScoreOrOneDeadLetterWithItsReason(HostileRecords.Kind record) {
            start(Map.of("batch.max.size", "1"), CORPUS_SCHEMAS);

            images.pipeInput(new TestRecord<>(record.key(), record.value()));

            List<AnomalyScore> scored = scores.readValuesToList();
            List<DeadLetter> letters = deadLetters.readValuesToList();
            if (record.mustBeScored()) {
                assertThat(letters).as("dead letters").isEmpty();
                assertThat(scored).hasSize(1);
            } else {
                assertThat(scored).as("scores").isEmpty();
                assertThat(letters).hasSize(1);
                assertThat(letters.get(0).getReasonCode()).as(letters.get(0).getMessage()).isEqualTo(record.expected());
                assertThat(metrics.deadLetterCount(record.expected().name())).isEqualTo(1);
            }
            assertThat(driver.getKeyValueStore(ScoringTopology.PENDING_STORE).approximateNumEntries())
                    .as("nothing left behind in the buffer").isZero();
        }

        @Test
        void everyOutputOfTheWholeCorpusFitsTheOutputRecordLimit() {
            start(Map.of("batch.max.size", "1", "output.max.record.bytes", "100000"), CORPUS_SCHEMAS);
            List<HostileRecords.Kind> corpus = CORPUS;
            TestOutputTopic<byte[], byte[]> rawLetters = driver.createOutputTopic("images.dlq",
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
            TestOutputTopic<byte[], byte[]> rawAlerts = driver.createOutputTopic("anomaly-alerts",
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());

            corpus.forEach(k -> images.pipeInput(new TestRecord<>(k.key(), k.value())));

            List<TestRecord<byte[], byte[]>> outputs = Stream.concat(rawLetters.readRecordsToList().stream(),
                    rawAlerts.readRecordsToList().stream()).toList();
            assertThat(outputs).hasSizeGreaterThan(corpus.size() / 2).allSatisfy(r ->
                    assertThat((r.key() == null ? 0 : r.key().length) + r.value().length).isLessThanOrEqualTo(100_000));
        }

        @Test
        void aDeadLetterCutToFitSaysSoWithTheWholeValuesSizeAndHash() {
            start(Map.of("output.max.record.bytes", "100000"));
            byte[] garbage = new byte[300_000];
            garbage[0] = 0x42;

            images.pipeInput(new TestRecord<>("camera-9".getBytes(StandardCharsets.UTF_8), garbage));

            DeadLetter letter = deadLetters.readValue();
            assertThat(letter.getReasonCode()).isEqualTo(DeadLetterReason.MALFORMED_RECORD);
            assertThat(letter.getDetails()).containsEntry("originalValueTruncated", "true")
                    .containsEntry("originalValueBytes", "300000")
                    .containsEntry("originalValueSha256", dev.imageanomaly.scoring.bundle.ModelBundle.sha256(garbage));
            assertThat(letter.getOriginalValue().remaining()).isBetween(90_000, 100_000);
            assertThat(letter.getOriginalValue().get(0)).isEqualTo((byte) 0x42);
        }

        @Test
        void aKeyOverSixtyFourKilobytesIsDeadLetteredUnderACutKeyAndTheNextRecordIsScored() {
            start(Map.of("batch.max.size", "1"));
            byte[] hugeKey = "k".repeat(70_000).getBytes(StandardCharsets.UTF_8);

            images.pipeInput(new TestRecord<>(hugeKey, event("after-huge-key", 10)));
            send("next", 10);

            TestRecord<String, DeadLetter> letter = deadLetters.readRecord();
            assertThat(letter.value().getReasonCode()).isEqualTo(DeadLetterReason.INVALID_FIELD);
            assertThat(letter.key()).hasSize(1024);
            assertThat(letter.value().getOriginalKey().remaining()).isEqualTo(70_000);
            assertThat(scores.readValuesToList()).extracting(AnomalyScore::getEventId).containsExactly("next");
        }

        @Test
        void underTheRejectPolicyThePixelLimitIsTheModelsOwnSize() {
            start(Map.of("batch.max.size", "1", "input.size.policy", "reject"));
            ImageEvent big = ImageEvent.newBuilder().setEventId("big").setSource("camera-1")
                    .setEventTime(Instant.now()).setEncoding(ImageEncoding.PNG)
                    .setImage(ByteBuffer.wrap(HostileImages.png(HostileImages.grey(29, 28, 10)))).build();

            images.pipeInput(new TestRecord<>(null, new ConfluentAvroSerializer<ImageEvent>(registry, true, false)
                    .serialize(IMAGES, big)));

            assertThat(deadLetters.readValue().getReasonCode()).isEqualTo(DeadLetterReason.IMAGE_TOO_LARGE);
        }
    }
}
