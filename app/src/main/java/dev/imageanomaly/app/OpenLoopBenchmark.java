package dev.imageanomaly.app;

import dev.imageanomaly.embedded.EmbeddedStack;
import dev.imageanomaly.schemas.ConfluentAvroDeserializer;
import dev.imageanomaly.schemas.ConfluentAvroSerializer;
import dev.imageanomaly.schemas.SchemaRegistryClient;
import dev.imageanomaly.schemas.avro.AnomalyScore;
import dev.imageanomaly.schemas.avro.ImageEncoding;
import dev.imageanomaly.schemas.avro.ImageEvent;
import dev.imageanomaly.scoring.image.DecodedImage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The scorer under a steady offered load, as a fleet of cameras gives it: events are published on a
 * fixed schedule, R per second, and each event's latency runs from its <em>intended</em> send time
 * (its event time) to the moment its score is read back, so a publisher or scorer that falls
 * behind shows as latency instead of hiding it (no coordinated omission). The in-scorer part is the
 * score's own {@code scoringLatencyMs}. Latencies are recorded in HdrHistograms; every minute the
 * scorer's heap after GC and resident memory are sampled, for soaks.
 */
final class OpenLoopBenchmark {

    /** One minute of a run. */
    record Minute(int minute, double eventsPerSecond, Histogram endToEnd, double heapAfterGcBytes, long residentBytes) {}

    /** One run at one offered rate. */
    record Result(double offeredRate, Duration duration, long published, long scored, Histogram endToEnd,
            Histogram inScorer, List<Minute> minutes) {
        double achievedRate() {
            return scored / (double) duration.toSeconds();
        }
    }

    private final EmbeddedStack stack;
    private final String imagesTopic;
    private final String scoresTopic;
    private final ScorerProcess scorer;
    private final List<byte[]> pngs;

    OpenLoopBenchmark(EmbeddedStack stack, String imagesTopic, String scoresTopic, ScorerProcess scorer,
            List<DecodedImage> images) {
        this.stack = stack;
        this.imagesTopic = imagesTopic;
        this.scoresTopic = scoresTopic;
        this.scorer = scorer;
        // Encoded once: the publisher must keep its schedule, not spend the shared cores on PNG encoding.
        this.pngs = images.stream().limit(2000).map(ImageEvents::encodePng).toList();
    }

    /**
     * Offers {@code rate} events/s for {@code warmup} (not measured) and then {@code duration}, and
     * waits (at most a minute) for the last scores before returning.
     */
    Result run(double rate, Duration warmup, Duration duration) throws Exception {
        String run = "r" + (int) rate + "-" + UUID.randomUUID().toString().substring(0, 6) + "-";
        Recorder endToEnd = new Recorder(3);
        Recorder inScorer = new Recorder(3);
        Recorder minuteRecorder = new Recorder(3);
        AtomicLong scored = new AtomicLong();
        AtomicLong scoredThisMinute = new AtomicLong();
        long start = System.currentTimeMillis() + 1000;
        long measureFrom = start + warmup.toMillis();
        long measureUntil = measureFrom + duration.toMillis();
        AtomicBoolean stop = new AtomicBoolean();
        Thread reader = new Thread(() -> read(run, measureFrom, measureUntil, endToEnd, inScorer, minuteRecorder,
                scored, scoredThisMinute, stop), "latency-reader");
        reader.setDaemon(true);
        reader.start();
        List<Minute> minutes = new ArrayList<>();
        long published = publish(run, rate, start, measureFrom, measureUntil, minuteRecorder, scoredThisMinute, minutes);
        long giveUp = System.currentTimeMillis() + 60_000;
        while (scored.get() < published && System.currentTimeMillis() < giveUp) {
            Thread.sleep(50);
        }
        // Told, not interrupted: an interrupt inside the consumer's close turns into a page of errors.
        stop.set(true);
        reader.join(10_000);
        return new Result(rate, duration, published, scored.get(), endToEnd.getIntervalHistogram(),
                inScorer.getIntervalHistogram(), minutes);
    }

    /**
     * Publishes on schedule from {@code start} until {@code until}; samples a minute row every 60 s
     * from {@code measureFrom}.
     *
     * @return how many events were published for the measured part
     */
    private long publish(String run, double rate, long start, long measureFrom, long until, Recorder minuteRecorder,
            AtomicLong scoredThisMinute, List<Minute> minutes) throws Exception {
        ConfluentAvroSerializer<ImageEvent> serializer = new ConfluentAvroSerializer<>(
                new SchemaRegistryClient(stack.schemaRegistryUrl()), true, false);
        long measured = 0;
        long nextMinute = measureFrom + 60_000;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 0, ProducerConfig.ACKS_CONFIG, "1"),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (long i = 0; ; i++) {
                long intended = start + (long) (i * 1000 / rate);
                if (intended >= until) {
                    break;
                }
                long wait = intended - System.currentTimeMillis();
                if (wait > 0) {
                    Thread.sleep(wait);
                }
                String camera = "camera-" + (i % 24 + 1);
                ImageEvent event = ImageEvent.newBuilder().setEventId(run + i).setSource(camera)
                        .setEventTime(Instant.ofEpochMilli(intended)).setEncoding(ImageEncoding.PNG)
                        .setImage(ByteBuffer.wrap(pngs.get((int) (i % pngs.size())))).build();
                producer.send(new ProducerRecord<>(imagesTopic, camera.getBytes(StandardCharsets.UTF_8),
                        serializer.serialize(imagesTopic, event)));
                if (intended >= measureFrom) {
                    measured++;
                }
                if (System.currentTimeMillis() >= nextMinute) {
                    minutes.add(new Minute(minutes.size() + 1, scoredThisMinute.getAndSet(0) / 60.0,
                            minuteRecorder.getIntervalHistogram(), scorer.metric("scorer_heap_after_gc_bytes"),
                            scorer.residentBytes()));
                    nextMinute += 60_000;
                }
            }
        }
        return measured;
    }

    /**
     * Reads the scores of this run, until told to stop, and records the latencies of those whose event
     * time falls in the measured part.
     */
    private void read(String run, long from, long until, Recorder endToEnd, Recorder inScorer, Recorder minute,
            AtomicLong scored, AtomicLong scoredThisMinute, AtomicBoolean stop) {
        ConfluentAvroDeserializer<AnomalyScore> reader = new ConfluentAvroDeserializer<>(
                new SchemaRegistryClient(stack.schemaRegistryUrl()), AnomalyScore.class);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "latency-" + run,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(scoresTopic));
            while (!stop.get()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(20))) {
                    long now = System.currentTimeMillis();
                    AnomalyScore score = reader.deserialize(r.topic(), r.value());
                    long eventTime = score.getEventTime().toEpochMilli();
                    if (!score.getEventId().startsWith(run) || eventTime < from || eventTime >= until) {
                        continue;
                    }
                    long latency = Math.max(0, now - eventTime);
                    endToEnd.recordValue(latency);
                    minute.recordValue(latency);
                    inScorer.recordValue(Math.max(0, Math.round(score.getScoringLatencyMs())));
                    scored.incrementAndGet();
                    scoredThisMinute.incrementAndGet();
                }
            }
        }
    }

    /** The runs as the latency-versus-throughput table. */
    static String table(List<Result> results, String title) {
        StringBuilder md = new StringBuilder("\n" + title + "\n\n");
        md.append("| offered events/s | achieved events/s | end-to-end p50 | p95 | p99 | p99.9 | max"
                + " | in-scorer p50 | p99 | max |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Result r : results) {
            Histogram e = r.endToEnd();
            Histogram s = r.inScorer();
            md.append(String.format("| %.0f | %.0f | %d ms | %d ms | %d ms | %d ms | %d ms | %d ms | %d ms | %d ms |%n",
                    r.offeredRate(), r.achievedRate(), e.getValueAtPercentile(50), e.getValueAtPercentile(95),
                    e.getValueAtPercentile(99), e.getValueAtPercentile(99.9), e.getMaxValue(),
                    s.getValueAtPercentile(50), s.getValueAtPercentile(99), s.getMaxValue()));
        }
        return md.toString();
    }

    /** The minutes of a long run (a soak): throughput, latency and the scorer's memory, minute by minute. */
    static String minutesTable(Result r) {
        StringBuilder md = new StringBuilder(String.format("%nsoak at %.0f events/s offered, minute by minute%n%n", r.offeredRate()));
        md.append("| minute | scored events/s | end-to-end p50 | p99 | p99.9 | heap after GC | resident |\n"
                + "|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Minute m : r.minutes()) {
            md.append(String.format("| %d | %.0f | %d ms | %d ms | %d ms | %.1f MB | %.1f MB |%n", m.minute(),
                    m.eventsPerSecond(), m.endToEnd().getValueAtPercentile(50), m.endToEnd().getValueAtPercentile(99),
                    m.endToEnd().getValueAtPercentile(99.9), m.heapAfterGcBytes() / 1e6, m.residentBytes() / 1e6));
        }
        if (r.minutes().size() >= 3) {
            md.append(String.format("%nheap after GC slope (least squares over the minutes): %+.2f MB/min; resident: %+.2f MB/min%n",
                    slope(r.minutes(), Minute::heapAfterGcBytes) / 1e6,
                    slope(r.minutes(), m -> (double) m.residentBytes()) / 1e6));
        }
        return md.toString();
    }

    private static double slope(List<Minute> minutes, java.util.function.ToDoubleFunction<Minute> y) {
        int n = minutes.size();
        double mx = (n + 1) / 2.0;
        double my = minutes.stream().mapToDouble(y).average().orElse(0);
        double num = 0;
        double den = 0;
        for (Minute m : minutes) {
            num += (m.minute() - mx) * (y.applyAsDouble(m) - my);
            den += (m.minute() - mx) * (m.minute() - mx);
        }
        return num / den;
    }
}
