package dev.imageanomaly.stream;

import dev.imageanomaly.schemas.avro.AnomalyAlert;
import dev.imageanomaly.schemas.avro.AnomalyScore;
import dev.imageanomaly.schemas.avro.DeadLetter;
import dev.imageanomaly.schemas.avro.DeadLetterReason;
import dev.imageanomaly.schemas.avro.ImageEvent;
import dev.imageanomaly.schemas.avro.Verdict;
import dev.imageanomaly.scoring.ImageAnomalyDetector;
import dev.imageanomaly.scoring.image.DecodedImage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
 */
final class BatchScoringProcessor implements Processor<String, byte[], String, Object> {

    private static final Logger log = LoggerFactory.getLogger(BatchScoringProcessor.class);

    /** A buffered event: its store key, what is persisted, and what scoring and emitting need. */
    private record Entry(long sequence, PendingImage pending, ImageEvent event, DecodedImage image, float[] input) {}

    private final ImageAnomalyDetector detector;
    private final ImageEventDecoder decoder;
    private final Alerts alerts;
    private final ScorerMetrics metrics;
    private final int maxBatch;
    private final Duration maxWait;

    private ProcessorContext<String, Object> context;
    private KeyValueStore<Long, byte[]> store;
    private final List<Entry> batch = new ArrayList<>();
    private long nextSequence;
    private boolean restored;

    BatchScoringProcessor(ImageAnomalyDetector detector, ImageEventDecoder decoder, Alerts alerts,
            ScorerMetrics metrics, int maxBatch, Duration maxWait) {
        this.detector = detector;
        this.decoder = decoder;
        this.alerts = alerts;
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
                try {
                    ImageEventDecoder.Decoded d = decoder.decode(pending.topic(), pending.value());
                    batch.add(new Entry(kv.key, pending, d.event(), d.image(), detector.preprocessor().toInput(d.image())));
                } catch (RejectedRecordException e) {
                    deadLetter(pending, e.reason(), e.getMessage(), Map.of());
                    store.delete(kv.key);
                }
            }
        }
        if (!batch.isEmpty()) {
            log.info("task {}: restored {} buffered events from the state store; scoring them now",
                    context.taskId(), batch.size());
            flush();
        }
    }

    @Override
    public void process(Record<String, byte[]> record) {
        restorePendingOnce();
        metrics.eventsIn.inc();
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        PendingImage pending = new PendingImage(record.key(), record.value(), record.timestamp(), meta.topic(),
                meta.partition(), meta.offset(), System.currentTimeMillis());
        ImageEventDecoder.Decoded decoded;
        try {
            decoded = decoder.decode(meta.topic(), record.value());
        } catch (RejectedRecordException e) {
            deadLetter(pending, e.reason(), e.getMessage(),
                    e.getCause() == null ? Map.of() : Map.of("exception", e.getCause().getClass().getName()));
            return;
        }
        long sequence = nextSequence++;
        store.put(sequence, pending.toBytes());
        batch.add(new Entry(sequence, pending, decoded.event(), decoded.image(),
                detector.preprocessor().toInput(decoded.image())));
        if (batch.size() >= maxBatch) {
            flush();
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
        long now = System.currentTimeMillis();
        for (int i = 0; i < n; i++) {
            emit(batch.get(i), scores[i], now);
            store.delete(batch.get(i).sequence());
        }
        batch.clear();
    }

    private void emit(Entry entry, double score, long now) {
        ImageEvent event = entry.event();
        double threshold = detector.threshold();
        boolean anomalous = detector.isAnomalous(score);
        AnomalyScore out = AnomalyScore.newBuilder()
                .setEventId(event.getEventId()).setSource(event.getSource()).setEventTime(event.getEventTime())
                .setModelName(detector.manifest().name()).setModelVersion(detector.manifest().version())
                .setScore(score).setFeatureScores(Map.of(detector.manifest().scoreOutput(), score))
                .setThreshold(threshold).setVerdict(anomalous ? Verdict.ANOMALY : Verdict.NORMAL)
                .setScoringLatencyMs(now - entry.pending().receivedAtMillis()).setScoredAt(java.time.Instant.ofEpochMilli(now))
                .build();
        Record<String, Object> scoreRecord = new Record<>(entry.pending().key(), out, entry.pending().timestamp());
        context.forward(scoreRecord, ScoringTopology.SCORES_SINK);
        metrics.scored.inc();
        metrics.eventLatency.observe((now - entry.pending().receivedAtMillis()) / 1000.0);
        metrics.endToEndLatency.observe(Math.max(0, now - event.getEventTime().toEpochMilli()) / 1000.0);
        if (anomalous) {
            AnomalyAlert alert = alerts.alert(out, event.getAttributes(), entry.image());
            context.forward(new Record<>(entry.pending().key(), (Object) alert, entry.pending().timestamp()),
                    ScoringTopology.ALERTS_SINK);
            metrics.alerts.labelValues(alert.getSeverity().name()).inc();
        }
    }

    private void deadLetter(PendingImage pending, DeadLetterReason reason, String message, Map<String, String> details) {
        DeadLetter letter = DeadLetter.newBuilder()
                .setReasonCode(reason)
                .setMessage(message == null ? reason.name() : message)
                .setSourceTopic(pending.topic()).setSourcePartition(pending.partition())
                .setSourceOffset(pending.offset())
                .setOriginalKey(pending.key() == null ? null
                        : ByteBuffer.wrap(pending.key().getBytes(StandardCharsets.UTF_8)))
                .setOriginalValue(pending.value() == null ? null : ByteBuffer.wrap(pending.value()))
                .setFailedAt(java.time.Instant.now())
                .setDetails(details)
                .build();
        context.forward(new Record<>(pending.key(), (Object) letter, pending.timestamp()), ScoringTopology.DEAD_LETTER_SINK);
        metrics.deadLetters.labelValues(reason.name()).inc();
        log.debug("dead letter {} for {}-{}@{}: {}", reason, pending.topic(), pending.partition(), pending.offset(), message);
    }
}
