package dev.imageanomaly.stream;

import dev.imageanomaly.schemas.SchemaRegistryException;
import dev.imageanomaly.schemas.avro.AnomalyAlert;
import dev.imageanomaly.schemas.avro.AnomalyScore;
import dev.imageanomaly.schemas.avro.DeadLetter;
import dev.imageanomaly.schemas.avro.DeadLetterReason;
import dev.imageanomaly.schemas.avro.DriftAlert;
import dev.imageanomaly.schemas.avro.ImageEvent;
import dev.imageanomaly.scoring.ImageAnomalyDetector;
import dev.imageanomaly.scoring.Prediction;
import dev.imageanomaly.scoring.engine.OnnxScoringEngine;
import dev.imageanomaly.scoring.image.DecodedImage;
import dev.imageanomaly.scoring.image.Preprocessor;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decode, buffer, score in micro-batches, emit. An accepted event is held in memory; if Kafka
 * Streams is about to commit past it before its outputs are sent, it is written to a logged state
 * store first ({@link PreCommitHook}), and leaves it once its outputs are safe ({@link
 * BufferedEvents}). So a crash loses no buffered event (the restored store is scored on restart),
 * while the events emitted before the next commit, most of them, never touch the store. Every input
 * record leaves as one score or one dead letter (plus an alert when the score is above the
 * threshold): once under exactly_once_v2, at least once under at_least_once.
 *
 * <p>With scoring threads ({@code batch.scoring.threads}) the model and the stream thread work side
 * by side: a full batch is scored on a scoring thread while the stream thread decodes the next one,
 * and its outputs are emitted, in order, by the stream thread as soon as it sees the scores (at the
 * next record, tick or full batch). A batch flushed because its time is up is emitted at once, as
 * nothing else is coming to overlap with. Until emitted, a batch's events are buffered like any
 * other's.
 *
 * <p>No single record can stop the partition: whatever goes wrong while one record is decoded,
 * checked or turned into outputs makes that record a dead letter, and every output is built to fit
 * the size it will be sent under.
 */
final class BatchScoringProcessor implements Processor<byte[], byte[], Object, Object> {

    private static final Logger log = LoggerFactory.getLogger(BatchScoringProcessor.class);

    /**
     * A buffered event: its store key, what is persisted, and what emitting needs. Its model input
     * is already in place in the batch's input buffer, at the entry's index.
     */
    private record Entry(long sequence, PendingImage pending, ImageEvent event, DecodedImage image) {}

    /** A batch handed to the models: its events, the models, its scores to come. */
    private record Submitted(List<Entry> entries, ModelRollout.Serving serving, CompletableFuture<Scored> scored) {}

    /**
     * What the models made of a batch: the live scores, or why there are none; the shadow's scores,
     * or why there are none (both null without a shadow); how long the live model took.
     */
    private record Scored(float[] live, RuntimeException liveFailure, float[] shadow, RuntimeException shadowFailure,
            long liveNanos) {}

    private final ModelRollout models;
    private final ImageEventDecoder decoder;
    private final Alerts alerts;
    private final DeadLetters deadLetters;
    private final DriftWatch drift;
    private final ShadowComparison shadowComparison;
    private final ScorerMetrics metrics;
    private final boolean outputsTransactional;
    private final int maxBatch;
    private final Duration maxWait;
    /** Where batches are scored; null: on the stream thread. */
    private final Executor scoringThreads;

    private ProcessorContext<Object, Object> context;
    private BufferedEvents buffered;
    private List<Entry> batch = new ArrayList<>();
    /**
     * The batch's model input, sample after sample, written as each event is accepted into native
     * memory that ONNX Runtime reads where it is (live and shadow model alike): no per-event array,
     * no copy when the batch is scored.
     */
    private FloatBuffer inputs;
    /** The other input buffer: free, or read by the batch in flight; without scoring threads the same one. */
    private FloatBuffer spareInputs;
    private Submitted inFlight;
    private long nextSequence;
    private boolean restored;
    private Cancellable ticks;

    BatchScoringProcessor(ModelRollout models, ImageEventDecoder decoder, Alerts alerts, DeadLetters deadLetters,
            DriftWatch drift, ShadowComparison shadowComparison, ScorerMetrics metrics, boolean outputsTransactional,
            int maxBatch, Duration maxWait, Executor scoringThreads) {
        this.models = models;
        this.decoder = decoder;
        this.alerts = alerts;
        this.deadLetters = deadLetters;
        this.drift = drift;
        this.shadowComparison = shadowComparison;
        this.metrics = metrics;
        this.outputsTransactional = outputsTransactional;
        this.maxBatch = maxBatch;
        this.maxWait = maxWait;
        this.scoringThreads = scoringThreads;
    }

    /**
     * Starts a life of this processor. Kafka Streams re-initialises the same processor when its task
     * resumes after a rebalance, is revived after a dirty close, or comes back to this instance from
     * being its standby (the store then holds what was last committed, by whichever instance), so
     * nothing held from an earlier life is trusted: the batch is rebuilt from the store. A stale
     * batch would score again events another instance has scored since, or whose buffering was
     * aborted and which are read again; and the events in the store it does not know would never
     * be scored.
     */
    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        buffered = new BufferedEvents(context.getStateStore(ScoringTopology.PENDING_STORE), outputsTransactional);
        PreCommitHook hook = context.getStateStore(ScoringTopology.COMMIT_HOOK_STORE);
        // Runs after this life's close when a task is suspended, which closes the processor first.
        hook.beforeCommit(buffered::beforeCommit);
        batch = new ArrayList<>();
        inFlight = null;
        nextSequence = 0;
        restored = false;
        Duration tick = Duration.ofMillis(Math.max(1, maxWait.toMillis() / 2));
        ticks = context.schedule(tick, PunctuationType.WALL_CLOCK_TIME, now -> {
            restorePendingOnce();
            if (inFlight != null && (inFlight.scored().isDone() || due(inFlight.entries(), now))) {
                emitInFlight();
            }
            if (due(batch, now)) {
                flush(false);
            }
        });
    }

    /** Whether the oldest of these events has waited its longest: then it is scored and emitted, waiting for the model. */
    private boolean due(List<Entry> entries, long now) {
        return !entries.isEmpty() && now - entries.get(0).pending().receivedAtMillis() >= maxWait.toMillis();
    }

    /**
     * A task keeps its punctuations across a resume or a revival; the next life schedules its own. A
     * batch still being scored is waited for, so no scoring thread reads an input buffer after this
     * life, and its scores are dropped: its events go to the store at the commit that follows (or
     * are read again if none does), to be scored by the next life or whichever instance takes the task.
     */
    @Override
    public void close() {
        if (ticks != null) { // null when init failed
            ticks.cancel();
        }
        if (inFlight != null) {
            inFlight.scored().join();
            inFlight = null;
        }
    }

    /**
     * Events buffered before a crash or restart come back from the store and are scored first. Not
     * done in {@link #init}: the sinks are initialised after this processor, so nothing can be
     * forwarded yet; the first record or punctuation (within half the max wait) does it.
     */
    private void restorePendingOnce() {
        if (restored) {
            return;
        }
        restored = true;
        buffered.forEachStored((sequence, image) -> {
            nextSequence = Math.max(nextSequence, sequence + 1);
            accept(image, sequence);
        });
        if (!batch.isEmpty()) {
            log.info("task {}: restored {} buffered events from the state store; scoring them now",
                    context.taskId(), batch.size());
            flush(false);
        }
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        restorePendingOnce();
        emitIfScored();
        metrics.eventsIn.inc();
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        PendingImage pending = new PendingImage(record.key(), record.value(), record.timestamp(), meta.topic(),
                meta.partition(), meta.offset(), context.currentSystemTimeMs());
        accept(pending, null);
    }

    /**
     * The input buffers, made at the first event (their size comes from the model). A second one
     * only with scoring threads: on the stream thread a batch is emitted before the next one fills.
     */
    private FloatBuffer inputs(int sampleSize) {
        if (inputs == null) {
            inputs = OnnxScoringEngine.directBuffer(maxBatch * sampleSize);
            spareInputs = scoringThreads == null ? inputs : OnnxScoringEngine.directBuffer(maxBatch * sampleSize);
        }
        return inputs;
    }

    /**
     * Decodes and checks one record and adds it to the batch, or dead-letters it; a batch that is
     * full then is scored. A record coming from the store already has its sequence; a new one is
     * held in memory under the next.
     */
    private void accept(PendingImage pending, Long storedSequence) {
        Entry entry;
        try {
            ImageEventDecoder.Decoded d = decoder.decode(pending.topic(), pending.key(), pending.value(), now());
            long sequence = storedSequence != null ? storedSequence : nextSequence;
            // Any model the rollout may swap in takes the same input, so this preparation holds for it too.
            Preprocessor preprocessor = models.serving().live().preprocessor();
            int sampleSize = preprocessor.spec().sampleSize();
            preprocessor.toInput(d.image(), inputs(sampleSize), batch.size() * sampleSize);
            entry = new Entry(sequence, pending, d.event(), d.image());
        } catch (RejectedRecordException e) {
            deadLetter(pending, e.reason(), e.getMessage(),
                    e.getCause() == null ? Map.of() : Map.of("exception", e.getCause().getClass().getName()));
            forget(storedSequence);
            return;
        } catch (SchemaRegistryException e) {
            // Not the record's fault (a registry away or refusing us): never dead-letter for it. The
            // client has already waited; the thread fails and a fresh one retries from the last commit.
            throw e;
        } catch (RuntimeException e) {
            // A defect, not bad input: the record still leaves as a dead letter, with the evidence.
            log.warn("processing {}-{}@{} failed; dead-lettering it", pending.topic(), pending.partition(),
                    pending.offset(), e);
            deadLetter(pending, DeadLetterReason.PROCESSING_FAILED, e.toString(),
                    Map.of("exception", e.getClass().getName()));
            forget(storedSequence);
            return;
        }
        if (storedSequence == null) {
            buffered.hold(entry.sequence(), pending);
            nextSequence++;
        }
        batch.add(entry);
        metrics.progress();
        if (batch.size() >= maxBatch) {
            flush(true);
        }
    }

    /** A stored event that became a dead letter at its restore is released like an emitted one. */
    private void forget(Long storedSequence) {
        if (storedSequence != null) {
            buffered.release(storedSequence);
        }
    }

    /**
     * Hands the batch to the models, with one snapshot of the serving models, so it is scored wholly
     * by one live model. A full batch is left scoring while the next fills; the batch scored before
     * it is emitted meanwhile (outputs leave in input order), which frees its input buffer for the
     * next batch.
     */
    private void flush(boolean full) {
        Submitted previous = inFlight;
        ModelRollout.Serving serving = models.serving();
        List<Entry> entries = batch;
        FloatBuffer batchInputs = inputs;
        Supplier<Scored> scoring = () -> score(serving, batchInputs, entries.size());
        inFlight = new Submitted(entries, serving, scoringThreads == null
                ? CompletableFuture.completedFuture(scoring.get())
                : CompletableFuture.supplyAsync(scoring, scoringThreads));
        batch = new ArrayList<>(maxBatch);
        if (previous != null) {
            emitBatch(previous);
        }
        inputs = spareInputs;
        spareInputs = batchInputs;
        if (!full || scoringThreads == null) {
            emitInFlight();
        }
    }

    /** Runs the live model, then the shadow, on a batch; on a scoring thread, touching nothing of the task's. */
    private static Scored score(ModelRollout.Serving serving, FloatBuffer inputs, int n) {
        long start = System.nanoTime();
        float[] live;
        try {
            live = serving.live().decisionFunction(inputs, n);
        } catch (RuntimeException e) {
            return new Scored(null, e, null, null, 0);
        }
        long liveNanos = System.nanoTime() - start;
        if (serving.shadow() == null) {
            return new Scored(live, null, null, null, liveNanos);
        }
        try {
            return new Scored(live, null, serving.shadow().decisionFunction(inputs, n), null, liveNanos);
        } catch (RuntimeException e) {
            return new Scored(live, null, null, e, liveNanos);
        }
    }

    /** Emits the batch in flight if its scores are ready; never waits. */
    private void emitIfScored() {
        if (inFlight != null && inFlight.scored().isDone()) {
            emitInFlight();
        }
    }

    /** Waits for the batch in flight, if any, and emits its outputs. */
    private void emitInFlight() {
        if (inFlight != null) {
            Submitted submitted = inFlight;
            inFlight = null;
            emitBatch(submitted);
        }
    }

    /** Waits for a batch's scores and emits its outputs. */
    private void emitBatch(Submitted submitted) {
        Scored scored;
        try {
            scored = submitted.scored().join();
        } catch (CompletionException e) {
            // Only an Error gets here (score catches the rest). Thrown as itself, it fails the stream
            // thread as it would have on it; the next reads the batch's events again from the last
            // commit (or from the store, for those a commit caught).
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
        List<Entry> entries = submitted.entries();
        int n = entries.size();
        if (scored.liveFailure() != null) {
            log.error("scoring a batch of {} failed; routing it to the dead-letter topic", n, scored.liveFailure());
            for (Entry entry : entries) {
                deadLetter(entry.pending(), DeadLetterReason.SCORING_FAILED, scored.liveFailure().getMessage(),
                        Map.of("exception", scored.liveFailure().getClass().getName()));
                buffered.release(entry.sequence());
            }
            return;
        }
        ImageAnomalyDetector live = submitted.serving().live();
        float[] scores = scored.live();
        metrics.scoringLatency.observe(scored.liveNanos() / 1e9);
        metrics.batchSize.observe(n);
        Instant now = now();
        List<DriftWatch.Observation> observations = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Entry entry = entries.get(i);
            if (emit(entry, live, scores[i], now)) {
                observations.add(new DriftWatch.Observation(entry.event().getSource(), scores[i],
                        entry.event().getEventTime()));
            }
            buffered.release(entry.sequence());
        }
        if (submitted.serving().shadow() != null) {
            emitShadow(submitted, scored, now);
        }
        for (DriftAlert alert : drift.observe(live.manifest(), observations, now)) {
            context.forward(new Record<>(alert.getSource(), (Object) alert, now.toEpochMilli()), ScoringTopology.DRIFT_SINK);
            metrics.driftAlerts.labelValues(alert.getState().name()).inc();
            log.warn("drift {}: source {}, {} {} (level {}), model {} {}", alert.getState(), alert.getSource(),
                    alert.getStatistic(), String.format("%.3f", alert.getValue()), alert.getLevel(),
                    alert.getModelName(), alert.getModelVersion());
        }
        metrics.progress();
    }

    /**
     * The shadow's scores of the same batch, to their own topic and never to alerts; a shadow that
     * fails costs the live outputs nothing.
     */
    private void emitShadow(Submitted submitted, Scored scored, Instant now) {
        ModelRollout.Serving serving = submitted.serving();
        ImageAnomalyDetector shadow = serving.shadow();
        List<Entry> entries = submitted.entries();
        if (scored.shadowFailure() != null) {
            metrics.shadowFailures.inc();
            log.warn("shadow model {} {} failed on a batch of {}", shadow.manifest().name(), shadow.manifest().version(),
                    entries.size(), scored.shadowFailure());
            return;
        }
        shadowComparison.follow(serving);
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            float shadowScore = scored.shadow()[i];
            Prediction shadowPrediction = Prediction.of(shadowScore, shadow.threshold());
            AnomalyScore out = Scores.score(entry.event(), shadow.manifest(), shadowPrediction,
                    entry.pending().receivedAtMillis(), now);
            context.forward(new Record<>((Object) entry.pending().key(), (Object) out, entry.pending().timestamp()),
                    ScoringTopology.SHADOW_SCORES_SINK);
            shadowComparison.add(scored.live()[i], serving.live().isAnomalous(scored.live()[i]), shadowScore,
                    shadowPrediction.anomalous());
        }
        metrics.shadowScored.inc(entries.size());
    }

    /**
     * The event's score and, above the threshold, its alert; built before either is sent, so a
     * failure sends neither (the event becomes a dead letter instead).
     *
     * @return whether the event was scored
     */
    private boolean emit(Entry entry, ImageAnomalyDetector live, double score, Instant now) {
        ImageEvent event = entry.event();
        AnomalyScore out;
        AnomalyAlert alert;
        try {
            Prediction prediction = Prediction.of(score, live.threshold());
            out = Scores.score(event, live.manifest(), prediction, entry.pending().receivedAtMillis(), now);
            alert = prediction.anomalous() ? alerts.alert(out, event.getAttributes(), entry.image()) : null;
        } catch (RuntimeException e) {
            log.warn("building the outputs of {}-{}@{} failed; dead-lettering it", entry.pending().topic(),
                    entry.pending().partition(), entry.pending().offset(), e);
            deadLetter(entry.pending(), DeadLetterReason.PROCESSING_FAILED, e.toString(),
                    Map.of("exception", e.getClass().getName()));
            return false;
        }
        // The event's key bytes as they came: no decoding to text and encoding back per output.
        byte[] key = entry.pending().key();
        long timestamp = entry.pending().timestamp();
        context.forward(new Record<>((Object) key, (Object) out, timestamp), ScoringTopology.SCORES_SINK);
        metrics.scored.inc();
        metrics.eventLatency.observe((now.toEpochMilli() - entry.pending().receivedAtMillis()) / 1000.0);
        metrics.endToEndLatency.observe(Math.max(0, now.toEpochMilli() - event.getEventTime().toEpochMilli()) / 1000.0);
        if (alert != null) {
            context.forward(new Record<>((Object) key, (Object) alert, timestamp), ScoringTopology.ALERTS_SINK);
            metrics.alerts.labelValues(alert.getSeverity().name()).inc();
        }
        return true;
    }

    /** Kafka Streams' wall clock: the same one that fires punctuations, so batching and tests agree. */
    private Instant now() {
        return Instant.ofEpochMilli(context.currentSystemTimeMs());
    }

    private void deadLetter(PendingImage pending, DeadLetterReason reason, String message, Map<String, String> details) {
        DeadLetter letter = deadLetters.letter(pending, reason, message, details, now());
        context.forward(new Record<>(deadLetters.kafkaKey(pending), (Object) letter, pending.timestamp()),
                ScoringTopology.DEAD_LETTER_SINK);
        metrics.deadLetters.labelValues(reason.name()).inc();
        metrics.progress();
        log.debug("dead letter {} for {}-{}@{}: {}", reason, pending.topic(), pending.partition(), pending.offset(), message);
    }
}
