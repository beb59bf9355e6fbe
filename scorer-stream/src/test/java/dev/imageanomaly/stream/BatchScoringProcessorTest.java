package dev.imageanomaly.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageanomaly.schemas.ConfluentAvroSerializer;
import dev.imageanomaly.schemas.InMemorySchemaRegistry;
import dev.imageanomaly.schemas.avro.AnomalyScore;
import dev.imageanomaly.schemas.avro.ImageEncoding;
import dev.imageanomaly.schemas.avro.ImageEvent;
import dev.imageanomaly.scoring.TinyBundle;
import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.scoring.engine.EngineOptions;
import dev.imageanomaly.scoring.image.HostileImages;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scoring processor where it lives, punctuations and commits fired by hand, across the lives Kafka Streams
 * gives one processor: when its task is suspended in a rebalance and resumed, or closed dirty under
 * exactly-once and revived, or recycled into a standby and later back into an active task, the same
 * processor is initialised again over a store holding what was last committed (by whichever
 * instance), and the input is read again from the last committed offset. Under at_least_once (the
 * default) unless in {@link UnderExactlyOnce}.
 */
class BatchScoringProcessorTest {

    private static final String IMAGES = "images";
    private static final Duration MAX_WAIT = Duration.ofMillis(100);

    @TempDir
    static Path bundles;
    private static Path bundle;

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final ScorerMetrics metrics = new ScorerMetrics();
    private ModelRollout models;
    private BatchScoringProcessor processor;
    private MockProcessorContext<Object, Object> context;
    private KeyValueStore<Long, byte[]> store;
    private PreCommitHook hook;
    private long now = 1_000_000;

    @BeforeAll
    static void tinyModel() {
        bundle = TinyBundle.write(bundles, "tiny", "v1", InputSpec.image(1, 28, 28), 0.25).directory();
    }

    @BeforeEach
    void processor() {
        models = ModelRollout.start(bundle, config(StreamsConfig.AT_LEAST_ONCE).modelShadow(), EngineOptions.cpu(),
                Duration.ofHours(1), metrics);
        processor = processorUnder(StreamsConfig.AT_LEAST_ONCE);
    }

    @AfterEach
    void closeModels() {
        models.close();
    }

    @Test
    void eventsEmittedBeforeTheNextCommitNeverTouchTheStore() {
        live(Map.of());
        receive(0, "a");
        receive(1, "b");
        assertThat(store.approximateNumEntries()).as("buffered, not stored").isZero();

        waitOutTheBatch();

        assertThat(scored()).containsExactly("a", "b");
        assertThat(commit()).isEmpty();
    }

    @Test
    void aTaskResumedAfterARebalanceScoresTheEventsItHadBufferedOnce() {
        live(Map.of());
        receive(0, "a");
        receive(1, "b");
        Map<Long, byte[]> committed = commit(); // suspending commits the task

        processor.close();
        live(committed);
        receive(2, "c");
        waitOutTheBatch();

        assertThat(scored()).containsExactly("a", "b", "c");
    }

    @Test
    void closingALifeCancelsItsBatchTimerForTheNextLifeSchedulesItsOwn() {
        live(Map.of());

        processor.close();

        assertThat(context.scheduledPunctuators()).singleElement()
                .satisfies(timer -> assertThat(timer.cancelled()).isTrue());
    }

    @Test
    void aStoredEventLeavesTheStoreAtTheCommitAfterTheOneThatFlushedItsOutputs() {
        live(Map.of());
        receive(0, "a");
        assertThat(commit()).containsOnlyKeys(0L);
        waitOutTheBatch();
        assertThat(scored()).containsExactly("a");

        assertThat(commit()).as("this commit flushes a's score").containsOnlyKeys(0L);
        assertThat(commit()).isEmpty();
    }

    @Test
    void aCrashBeforeACommitFlushedAStoredEventsScoreScoresItAgainRatherThanLoseIt() {
        live(Map.of());
        receive(0, "a");
        commit();
        waitOutTheBatch();
        assertThat(scored()).as("a's score, perhaps never sent").containsExactly("a");

        // The process dies. Under at_least_once the changelog may hold any write made so far, while
        // the score, sent to another partition, may not have left the producer.
        processor = processorUnder(StreamsConfig.AT_LEAST_ONCE);
        live(storeAsWritten());
        waitOutTheBatch();

        assertThat(scored()).containsExactly("a");
    }

    @Nested
    class UnderExactlyOnce {

        @BeforeEach
        void exactlyOnce() {
            processor = processorUnder(StreamsConfig.EXACTLY_ONCE_V2);
        }

        @Test
        void aTaskThatMovedAwayAndCameBackScoresWhatItsStoreHoldsNowNotWhatItHadBuffered() {
            live(Map.of());
            receive(0, "a");
            receive(1, "b");

            // The task moves to another instance (this one keeps it as a standby, the same processor
            // object): that instance restores a and b, scores them, and buffers c and d under its own
            // sequences. Then the task comes back here.
            processor.close();
            live(Map.of(2L, stored(2, "c"), 3L, stored(3, "d")));
            waitOutTheBatch();
            receive(4, "e");

            assertThat(scored()).containsExactly("c", "d");
            assertThat(commit()).as("e, buffered after the restored sequences").containsOnlyKeys(4L);
        }

        @Test
        void aCommitWritesTheEventsItCatchesUnscoredToTheStoreAndTheirOutputsTakeThemOutInTheirTransaction() {
            live(Map.of());
            receive(0, "a");
            receive(1, "b");

            assertThat(commit()).containsOnlyKeys(0L, 1L);
            receive(2, "c");
            waitOutTheBatch();

            assertThat(scored()).containsExactly("a", "b", "c");
            assertThat(commit()).isEmpty();
        }

        @Test
        void aBatchWithTheModelWhenACommitComesIsWrittenToTheStoreLikeAnyBufferedEvent() {
            live(Map.of());
            receiveAFullBatch(); // handed to the scoring thread

            assertThat(commit()).containsOnlyKeys(0L, 1L, 2L, 3L);
            waitOutTheBatch();
            assertThat(scored()).containsExactly("e0", "e1", "e2", "e3");
            assertThat(commit()).isEmpty();
        }

        @Test
        void aTaskRevivedAfterADirtyCloseScoresEveryEventOnceThoughItsLastEventsAreReadAgain() {
            live(Map.of());
            receive(0, "a");
            receive(1, "b");
            Map<Long, byte[]> committed = commit();
            receive(2, "c"); // buffered in a transaction that is then aborted

            processor.close();
            live(committed);
            receive(2, "c"); // read again: its offset was never committed
            waitOutTheBatch();

            assertThat(scored()).containsExactly("a", "b", "c");
        }

        @Test
        void anEventWhoseScoreWasAbortedWithItsTransactionIsScoredFromTheRestoredStore() {
            live(Map.of());
            receive(0, "a");
            Map<Long, byte[]> committed = commit();
            waitOutTheBatch();
            assertThat(scored()).as("scored in the transaction about to be aborted").containsExactly("a");

            processor.close();
            live(committed);
            waitOutTheBatch();

            assertThat(scored()).containsExactly("a");
        }

        @Test
        void aTaskClosedWhileABatchIsWithTheModelScoresThatBatchInItsNextLifeOnce() {
            live(Map.of());
            receiveAFullBatch(); // handed to the scoring thread
            Map<Long, byte[]> committed = commit();

            processor.close();
            assertThat(scored()).as("the scores of a life that ended are dropped").isEmpty();
            live(committed);
            waitOutTheBatch();

            assertThat(scored()).containsExactly("e0", "e1", "e2", "e3");
            assertThat(commit()).as("emitted events leave the store").isEmpty();
        }
    }

    /** The model on a scoring thread: the mode with a batch in flight across a life's end. */
    private static ScorerConfig config(String guarantee) {
        return ScorerConfig.load(null, Map.of(), Map.of("batch.max.size", "4",
                "batch.max.wait.ms", Long.toString(MAX_WAIT.toMillis()), "model.bundle", bundles.toString(),
                "batch.scoring.threads", "1", "processing.guarantee", guarantee));
    }

    private BatchScoringProcessor processorUnder(String guarantee) {
        return (BatchScoringProcessor) ScoringTopology.scorers(config(guarantee), models, new ScorerMetrics(), registry)
                .get();
    }

    /** One life of the processor: a new context over the store as restored from its changelog. */
    private void live(Map<Long, byte[]> restored) {
        context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(now);
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(ScoringTopology.PENDING_STORE),
                Serdes.Long(), Serdes.ByteArray()).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        restored.forEach(store::put);
        hook = PreCommitHook.builder(ScoringTopology.COMMIT_HOOK_STORE).build();
        hook.init(context.getStateStoreContext(), hook);
        context.addStateStore(hook);
        processor.init(context);
    }

    /** A commit, as Kafka Streams makes it: the hook first, then what the store holds is durable. */
    private Map<Long, byte[]> commit() {
        hook.flushCache();
        return storeAsWritten();
    }

    /** Every write to the store so far, committed or not. */
    private Map<Long, byte[]> storeAsWritten() {
        Map<Long, byte[]> snapshot = new TreeMap<>();
        try (var all = store.all()) {
            all.forEachRemaining(kv -> snapshot.put(kv.key, kv.value));
        }
        return snapshot;
    }

    /** Events e0..e3 at offsets 0..3: batch.max.size of them. */
    private void receiveAFullBatch() {
        for (int i = 0; i < 4; i++) {
            receive(i, "e" + i);
        }
    }

    private void receive(long offset, String eventId) {
        context.setRecordMetadata(IMAGES, 0, offset);
        processor.process(new Record<>("camera-1".getBytes(StandardCharsets.UTF_8), event(eventId), now));
    }

    /** An event as another instance buffered it. */
    private byte[] stored(long offset, String eventId) {
        return new PendingImage("camera-1".getBytes(StandardCharsets.UTF_8), event(eventId), now, IMAGES, 0, offset, now)
                .toBytes();
    }

    private void waitOutTheBatch() {
        now += MAX_WAIT.toMillis();
        context.setCurrentSystemTimeMs(now);
        context.scheduledPunctuators().forEach(p -> p.getPunctuator().punctuate(now));
    }

    /** The events scored in this life, in order. */
    private List<String> scored() {
        return context.forwarded(ScoringTopology.SCORES_SINK).stream()
                .map(f -> ((AnomalyScore) f.record().value()).getEventId()).toList();
    }

    private byte[] event(String id) {
        ImageEvent event = ImageEvent.newBuilder().setEventId(id).setSource("camera-1")
                .setEventTime(Instant.ofEpochMilli(now)).setEncoding(ImageEncoding.PNG)
                .setImage(ByteBuffer.wrap(HostileImages.png(HostileImages.grey(28, 28, 10))))
                .setAttributes(Map.of()).build();
        return new ConfluentAvroSerializer<ImageEvent>(registry, true, false).serialize(IMAGES, event);
    }
}
