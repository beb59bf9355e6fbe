package dev.imageanomaly.stream;

import dev.imageanomaly.schemas.avro.DriftAlert;
import dev.imageanomaly.schemas.avro.DriftState;
import dev.imageanomaly.scoring.bundle.Manifest;
import dev.imageanomaly.scoring.bundle.ScoreStats;
import dev.imageanomaly.scoring.drift.ScoreDistance;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the live scores still look like the scores of held-out normal images at training time
 * (the bundle's reference quantiles): the seeds' "score distributions show what losses hide",
 * carried into production. A sliding window of the latest scores, for every source and for all
 * sources together ({@value #ALL_SOURCES}), is compared with the reference every so many scores by
 * the Kolmogorov-Smirnov distance and the population stability index; a window whose statistic
 * crosses its level raises a {@link DriftAlert} (DRIFTING), and one that falls back below a fraction
 * of it clears it (CLEARED), so a window near its level does not flap. Windows start over when the
 * model changes: another model's scores have another scale. Thread-safe.
 */
final class DriftWatch {

    static final String ALL_SOURCES = "*";

    private static final Logger log = LoggerFactory.getLogger(DriftWatch.class);

    /**
     * @param windowSize scores per window
     * @param checkEvery a full window is compared after this many new scores
     * @param ksLevel, psiLevel a window drifts when either statistic exceeds its level
     * @param clearRatio a drifting window clears when both are below this fraction of their levels
     * @param maxSources sources watched one by one (the most recently seen); all of them count in {@value #ALL_SOURCES}
     */
    record Settings(int windowSize, int checkEvery, double ksLevel, double psiLevel, double clearRatio, int maxSources) {}

    /** One scored event, as the watch needs it. */
    record Observation(String source, double score, Instant eventTime) {}

    /** The latest statistics of a window, for the metrics. */
    record Reading(double ks, double psi, boolean drifting) {}

    private static final class Window {
        final double[] scores;
        final long[] eventTimes;
        /**
         * The same scores in ascending order, kept so as they come and go: a check then merges instead
         * of sorting, which had cost a tenth of the stream thread at the default check interval.
         */
        final double[] sorted;
        int size;
        int next;
        int sinceCheck;
        boolean drifting;
        Reading reading;

        Window(int capacity) {
            scores = new double[capacity];
            eventTimes = new long[capacity];
            sorted = new double[capacity];
        }

        void add(double score, long eventTime) {
            if (full()) {
                int out = Arrays.binarySearch(sorted, 0, size, scores[next]);
                System.arraycopy(sorted, out + 1, sorted, out, size - out - 1);
                size--;
            }
            int in = Arrays.binarySearch(sorted, 0, size, score);
            in = in >= 0 ? in : -in - 1;
            System.arraycopy(sorted, in, sorted, in + 1, size - in);
            sorted[in] = score;
            size++;
            scores[next] = score;
            eventTimes[next] = eventTime;
            next = (next + 1) % scores.length;
            sinceCheck++;
        }

        boolean full() {
            return size == scores.length;
        }
    }

    private final Settings settings;
    /** Access order: the least recently seen source is dropped first when there are too many. */
    private final Map<String, Window> windows = new LinkedHashMap<>(16, 0.75f, true);
    private String model;
    /** The model's reference quantiles, sorted once. */
    private double[] reference;
    private boolean warnedNoReference;

    DriftWatch(Settings settings) {
        this.settings = settings;
    }

    /** Adds one batch's scores; returns the alerts of every window that started or stopped drifting. */
    synchronized List<DriftAlert> observe(Manifest live, List<Observation> batch, Instant now) {
        ScoreStats stats = live.scoreStats();
        if (stats == null || !stats.hasQuantiles()) {
            if (!warnedNoReference) {
                log.warn("model {} {} records no reference score quantiles (made before they were); no drift watch",
                        live.name(), live.version());
                warnedNoReference = true;
            }
            return List.of();
        }
        String modelKey = live.name() + " " + live.version();
        if (!modelKey.equals(model)) {
            windows.clear();
            model = modelKey;
            reference = stats.quantiles().stream().mapToDouble(Double::doubleValue).sorted().toArray();
            warnedNoReference = false;
        }
        List<DriftAlert> alerts = new ArrayList<>();
        for (Observation o : batch) {
            alerts.addAll(add(ALL_SOURCES, o, live, now));
            alerts.addAll(add(o.source(), o, live, now));
        }
        return alerts;
    }

    private List<DriftAlert> add(String key, Observation o, Manifest live, Instant now) {
        Window w = windows.computeIfAbsent(key, k -> new Window(settings.windowSize()));
        if (windows.size() > settings.maxSources() + 1) {
            String eldest = windows.keySet().stream().filter(k -> !k.equals(ALL_SOURCES)).findFirst().orElseThrow();
            windows.remove(eldest);
        }
        w.add(o.score(), o.eventTime().toEpochMilli());
        if (!w.full() || w.sinceCheck < settings.checkEvery()) {
            return List.of();
        }
        w.sinceCheck = 0;
        double ks = ScoreDistance.ksOfSorted(w.sorted, reference);
        double psi = ScoreDistance.psi(w.sorted, live.scoreStats().quantiles());
        boolean over = ks > settings.ksLevel() || psi > settings.psiLevel();
        boolean under = ks < settings.ksLevel() * settings.clearRatio() && psi < settings.psiLevel() * settings.clearRatio();
        w.reading = new Reading(ks, psi, w.drifting);
        if (!w.drifting && over) {
            w.drifting = true;
            w.reading = new Reading(ks, psi, true);
            return List.of(alert(DriftState.DRIFTING, key, w, ks, psi, live, now));
        }
        if (w.drifting && under) {
            w.drifting = false;
            w.reading = new Reading(ks, psi, false);
            return List.of(alert(DriftState.CLEARED, key, w, ks, psi, live, now));
        }
        return List.of();
    }

    private DriftAlert alert(DriftState state, String source, Window w, double ks, double psi, Manifest live, Instant now) {
        // The statistic further past its level (relative to it) names the alert.
        boolean byKs = ks / settings.ksLevel() >= psi / settings.psiLevel();
        double[] sorted = w.sorted;
        long oldest = Arrays.stream(w.eventTimes).min().orElse(now.toEpochMilli());
        long newest = Arrays.stream(w.eventTimes).max().orElse(now.toEpochMilli());
        ScoreStats ref = live.scoreStats();
        return DriftAlert.newBuilder()
                .setState(state).setSource(source).setModelName(live.name()).setModelVersion(live.version())
                .setWindowSize(w.size).setWindowStart(Instant.ofEpochMilli(oldest)).setWindowEnd(Instant.ofEpochMilli(newest))
                .setStatistic(byKs ? "ks" : "psi").setValue(byKs ? ks : psi)
                .setLevel(byKs ? settings.ksLevel() : settings.psiLevel())
                .setKs(ks).setPsi(psi)
                .setWindowQuantiles(Map.of("p50", ScoreStats.quantile(sorted, 0.5), "p90", ScoreStats.quantile(sorted, 0.9),
                        "p99", ScoreStats.quantile(sorted, 0.99)))
                .setReferenceQuantiles(Map.of("p50", ref.p50(), "p90", ref.p90(), "p99", ref.p99()))
                .setDetectedAt(now)
                .build();
    }

    /** The latest reading of every watched window that has been compared at least once. */
    synchronized Map<String, Reading> readings() {
        Map<String, Reading> out = new LinkedHashMap<>();
        windows.forEach((k, w) -> {
            if (w.reading != null) {
                out.put(k, w.reading);
            }
        });
        return out;
    }
}
