package dev.imageanomaly.stream;

import dev.imageanomaly.schemas.avro.AnomalyAlert;
import dev.imageanomaly.schemas.avro.AnomalyScore;
import dev.imageanomaly.schemas.avro.DeadLetter;
import dev.imageanomaly.schemas.avro.DeadLetterReason;
import dev.imageanomaly.schemas.avro.ImageEvent;
import dev.imageanomaly.scoring.ImageAnomalyDetector;
import dev.imageanomaly.scoring.Verdict;
import dev.imageanomaly.scoring.image.DecodedImage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decode, buffer, score in micro-batches, emit. Every accepted event is written to a logged state
 * store before its input offset can be committed and deleted only when its score is emitted, so a
 * crash loses no buffered event: the restored store is scored on restart. Every input record leaves
 * as exactly one score or one dead letter (plus an alert when the score is above the threshold).
 *
 * <p>No single record can stop the partition: whatever goes wrong while one record is decoded,
 * checked or turned into outputs makes that record a dead letter, and every output is built to fit
 * the size it will be sent under.
 */
final class BatchScoringProcessor implements Processor<byte[], byte[], String, Object> {

    private static final Logger log = LoggerFactory.getLogger(BatchScoringProcessor.class);

    /** A buffered event: its store key, what is persisted, and what scoring and emitting need. */
    private record Entry(long sequence, PendingImage pending, ImageEvent event, DecodedImage image, float[] input) {}

    private final ImageAnomalyDetector detector;
    private final ImageEventDecoder decoder;
    private final Alerts alerts;
    private final DeadLetters deadLetters;
    private final ScorerMetrics metrics;
    private final int maxBatch;
    private final Duration maxWait;

    private ProcessorContext<String, Object> context;
    private KeyValueStore<Long, byte[]> store;
    private final List<Entry> batch = new ArrayList<>();
    private long nextSequence;
    private boolean restored;

    BatchScoringProcessor(ImageAnomalyDetector detector, ImageEventDecoder decoder, Alerts alerts,
            DeadLetters deadLetters, ScorerMetrics metrics, int maxBatch, Duration maxWait) {
        this.detector = detector;
        this.decoder = decoder;
        this.alerts = alerts;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.maxBatch = maxBatch;
        this.maxWait = maxWait;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.store = context.getStateStore(ScoringTopology.PENDING_STORE);
        Duration tick = Duration.ofMillis(Math.max(1, maxWait.toMillis() / 2));
        context.schedule(tick, PunctuationType.WALL_CLOCK_TIME, now -> {
            restorePendingOnce();
            if (!batch.isEmpty() && now - batch.get(0).pending().receivedAtMillis() >= maxWait.toMillis()) {
                flush();
            }
        });
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
        try (KeyValueIterator<Long, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<Long, byte[]> kv = it.next();
                nextSequence = Math.max(nextSequence, kv.key + 1);
                PendingImage pending = PendingImage.fromBytes(kv.value);
                accept(pending, kv.key);
            }
        }
        if (!batch.isEmpty()) {
            log.info("task {}: restored {} buffered events from the state store; scoring them now",
                    context.taskId(), batch.size());
            flush();
        }
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        restorePendingOnce();
        metrics.eventsIn.inc();
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        PendingImage pending = new PendingImage(record.key(), record.value(), record.timestamp(), meta.topic(),
                meta.partition(), meta.offset(), context.currentSystemTimeMs());
        if (accept(pending, null) && batch.size() >= maxBatch) {
            flush();
        }
    }

    /**
     * Decodes and checks one record and adds it to the batch, or dead-letters it. A record coming
     * from the store already has its sequence; a new one is written to the store under the next.
     *
     * @return whether the record joined the batch
     */
    private boolean accept(PendingImage pending, Long storedSequence) {
        Entry entry;
        try {
            ImageEventDecoder.Decoded d = decoder.decode(pending.topic(), pending.key(), pending.value(), now());
            long sequence = storedSequence != null ? storedSequence : nextSequence;
            entry = new Entry(sequence, pending, d.event(), d.image(), detector.preprocessor().toInput(d.image()));
        } catch (RejectedRecordException e) {
            deadLetter(pending, e.reason(), e.getMessage(),
                    e.getCause() == null ? Map.of() : Map.of("exception", e.getCause().getClass().getName()));
            forget(storedSequence);
            return false;
        } catch (RuntimeException e) {
            // A defect, not bad input: the record still leaves as a dead letter, with the evidence.
            log.warn("processing {}-{}@{} failed; dead-lettering it", pending.topic(), pending.partition(),
                    pending.offset(), e);
            deadLetter(pending, DeadLetterReason.PROCESSING_FAILED, e.toString(),
                    Map.of("exception", e.getClass().getName()));
            forget(storedSequence);
            return false;
        }
        if (storedSequence == null) {
            store.put(entry.sequence(), pending.toBytes());
            nextSequence++;
        }
        batch.add(entry);
        metrics.progress();
        return true;
    }

    private void forget(Long storedSequence) {
        if (storedSequence != null) {
            store.delete(storedSequence);
        }
    }

    private void flush() {
        int n = batch.size();
        int size = detector.preprocessor().spec().sampleSize();
        float[] inputs = new float[n * size];
        for (int i = 0; i < n; i++) {
            System.arraycopy(batch.get(i).input(), 0, inputs, i * size, size);
        }
        long start = System.nanoTime();
        float[] scores;
        try {
            scores = detector.decisionFunction(inputs, n);
        } catch (RuntimeException e) {
            log.error("scoring a batch of {} failed; routing it to the dead-letter topic", n, e);
            for (Entry entry : batch) {
                deadLetter(entry.pending(), DeadLetterReason.SCORING_FAILED, e.getMessage(),
                        Map.of("exception", e.getClass().getName()));
                store.delete(entry.sequence());
            }
            batch.clear();
            return;
        }
        metrics.scoringLatency.observe((System.nanoTime() - start) / 1e9);
        metrics.batchSize.observe(n);
        Instant now = now();
        for (int i = 0; i < n; i++) {
            emit(batch.get(i), scores[i], now);
            store.delete(batch.get(i).sequence());
        }
        batch.clear();
        metrics.progress();
    }

    /** The event's score and, above the threshold, its alert; built before either is sent, so a failure sends neither. */
    private void emit(Entry entry, double score, Instant now) {
        ImageEvent event = entry.event();
        AnomalyScore out;
        AnomalyAlert alert;
        try {
            Verdict verdict = Verdict.of(score, detector.threshold());
            out = Scores.score(event, detector.manifest(), verdict, entry.pending().receivedAtMillis(), now);
            alert = verdict.anomalous() ? alerts.alert(out, event.getAttributes(), entry.image()) : null;
        } catch (RuntimeException e) {
            log.warn("building the outputs of {}-{}@{} failed; dead-lettering it", entry.pending().topic(),
                    entry.pending().partition(), entry.pending().offset(), e);
            deadLetter(entry.pending(), DeadLetterReason.PROCESSING_FAILED, e.toString(),
                    Map.of("exception", e.getClass().getName()));
            return;
        }
        String key = entry.pending().keyText();
        long timestamp = entry.pending().timestamp();
        context.forward(new Record<>(key, (Object) out, timestamp), ScoringTopology.SCORES_SINK);
        metrics.scored.inc();
        metrics.eventLatency.observe((now.toEpochMilli() - entry.pending().receivedAtMillis()) / 1000.0);
        metrics.endToEndLatency.observe(Math.max(0, now.toEpochMilli() - event.getEventTime().toEpochMilli()) / 1000.0);
        if (alert != null) {
            context.forward(new Record<>(key, (Object) alert, timestamp), ScoringTopology.ALERTS_SINK);
            metrics.alerts.labelValues(alert.getSeverity().name()).inc();
        }
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
