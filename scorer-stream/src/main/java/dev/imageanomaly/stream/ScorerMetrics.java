package dev.imageanomaly.stream;

import dev.imageanomaly.scoring.ImageAnomalyDetector;
import dev.imageanomaly.scoring.bundle.Manifest;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import com.sun.management.GcInfo;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** The scorer's Prometheus metrics: what came in, what went out, how big the batches were and how long it took. */
public final class ScorerMetrics {

    /** Under this key the metrics reach the error handlers Kafka Streams instantiates from the configuration. */
    static final String CONFIG_KEY = "image-anomaly.scorer.metrics";

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    final Counter eventsIn = Counter.builder().name("scorer_events_in")
            .help("Image events read from the input topic").register(registry);
    final Counter scored = Counter.builder().name("scorer_events_scored")
            .help("Events scored and written to the scores topic").register(registry);
    final Counter alerts = Counter.builder().name("scorer_alerts")
            .help("Alerts written (scores above the threshold)").labelNames("severity").register(registry);
    final Counter deadLetters = Counter.builder().name("scorer_dead_letters")
            .help("Events routed to the dead-letter topic").labelNames("reason").register(registry);
    final Histogram batchSize = Histogram.builder().name("scorer_batch_size")
            .help("Events per ONNX Runtime call").classicOnly()
            .classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128, 256, 512).register(registry);
    final Histogram scoringLatency = Histogram.builder().name("scorer_inference_seconds")
            .help("ONNX Runtime time per batch").classicOnly()
            .classicExponentialUpperBounds(0.0001, 2, 16).register(registry);
    final Histogram eventLatency = Histogram.builder().name("scorer_event_latency_seconds")
            .help("From an event entering the scorer to its score being emitted (batch wait included)")
            .classicOnly().classicExponentialUpperBounds(0.0005, 2, 16).register(registry);
    final Histogram endToEndLatency = Histogram.builder().name("scorer_end_to_end_latency_seconds")
            .help("From the event's own event time to its score being emitted").classicOnly()
            .classicExponentialUpperBounds(0.001, 2, 18).register(registry);
    final Counter outputsDropped = Counter.builder().name("scorer_outputs_dropped")
            .help("Output records Kafka refused and the scorer skipped (should stay 0: outputs are built to fit)")
            .labelNames("topic", "reason").register(registry);
    final Counter recordsSkipped = Counter.builder().name("scorer_records_skipped")
            .help("Input records that failed so badly not even a dead letter could be written; logged and skipped")
            .labelNames("reason").register(registry);
    final Counter threadReplacements = Counter.builder().name("scorer_stream_thread_replacements")
            .help("Stream threads that died and were replaced").register(registry);
    final Counter modelRollouts = Counter.builder().name("scorer_model_rollouts")
            .help("Times a new model version replaced the serving one while the scorer ran").register(registry);
    final Counter modelRefusals = Counter.builder().name("scorer_model_refusals")
            .help("Model versions refused (the serving one went on), by reason: hash, manifest, input, onnx, smoke, missing, plan")
            .labelNames("reason").register(registry);
    final Counter shadowScored = Counter.builder().name("scorer_shadow_scored")
            .help("Events the shadow model scored beside the live one").register(registry);
    final Counter shadowFailures = Counter.builder().name("scorer_shadow_failures")
            .help("Batches the shadow model failed to score (the live outputs went out regardless)").register(registry);
    final Counter driftAlerts = Counter.builder().name("scorer_drift_alerts")
            .help("Drift alerts written, by state (DRIFTING, CLEARED)").labelNames("state").register(registry);
    final Counter registryWaits = Counter.builder().name("scorer_schema_registry_waits")
            .help("Retries of a schema registry call while the registry did not answer").register(registry);

    private volatile long lastProgressMillis = System.currentTimeMillis();

    public ScorerMetrics() {
        registerGauge("scorer_last_progress_timestamp_seconds",
                "When the scorer last accepted, scored or dead-lettered a record (Unix time)",
                () -> lastProgressMillis / 1000.0);
        registerGauge("scorer_heap_after_gc_bytes",
                "Heap in use right after the latest garbage collection: what the scorer really keeps (flat when it leaks nothing)",
                ScorerMetrics::heapAfterLatestGc);
    }

    /** Heap use after the most recent collection of any collector, summed over the heap's pools; NaN before the first. */
    private static double heapAfterLatestGc() {
        GcInfo latest = null;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof com.sun.management.GarbageCollectorMXBean sun) {
                GcInfo info = sun.getLastGcInfo();
                if (info != null && (latest == null || info.getEndTime() > latest.getEndTime())) {
                    latest = info;
                }
            }
        }
        if (latest == null) {
            return Double.NaN;
        }
        long heap = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && latest.getMemoryUsageAfterGc().containsKey(pool.getName())) {
                heap += latest.getMemoryUsageAfterGc().get(pool.getName()).getUsed();
            }
        }
        return heap;
    }

    /** A record moved: accepted into a batch, or a batch was emitted. */
    void progress() {
        lastProgressMillis = System.currentTimeMillis();
    }

    long lastProgressMillis() {
        return lastProgressMillis;
    }

    public void registerGauge(String name, String help, DoubleSupplier value) {
        GaugeWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsDouble()))
                .register(registry);
    }

    /** The serving models, live first and then the shadow if any, as they are at each scrape. */
    void registerModelInfo(Supplier<List<ImageAnomalyDetector>> serving) {
        GaugeWithCallback.builder().name("scorer_model_info")
                .help("The model bundles scoring now (value is always 1); role live or shadow")
                .labelNames("name", "version", "kind", "provider", "role")
                .callback(cb -> {
                    List<ImageAnomalyDetector> models = serving.get();
                    for (int i = 0; i < models.size(); i++) {
                        Manifest m = models.get(i).manifest();
                        cb.call(1, m.name(), m.version(), m.kind(), models.get(i).executionProvider().name(),
                                i == 0 ? "live" : "shadow");
                    }
                }).register(registry);
    }

    /** A gauge per label value, read at each scrape. */
    void registerLabeledGauge(String name, String help, String label, Supplier<Map<String, Double>> values) {
        GaugeWithCallback.builder().name(name).help(help).labelNames(label)
                .callback(cb -> values.get().forEach((value, reading) -> cb.call(reading, value))).register(registry);
    }

    /** For instrumentation that binds to the registry itself (JVM, Kafka Streams). */
    PrometheusRegistry registry() {
        return registry;
    }

    public void write(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }

    /**
     * Every registered metric family's name (a counter's without {@code _total}), with samples or not:
     * a labelled counter such as {@code scorer_records_skipped} has no line in the exposition until its
     * first event, which is why the dashboard adds {@code or vector(0)} to it.
     */
    public Set<String> familyNames() {
        return registry.scrape().stream().map(family -> family.getMetadata().getPrometheusName())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    public String contentType() {
        return writer.getContentType();
    }

    public double deadLetterCount(String reason) {
        return deadLetters.labelValues(reason).get();
    }

    /** Total time spent inside ONNX Runtime so far. */
    public double inferenceSeconds() {
        return scoringLatency.collect().getDataPoints().get(0).getSum();
    }

    public double scoredCount() {
        return scored.get();
    }
}
