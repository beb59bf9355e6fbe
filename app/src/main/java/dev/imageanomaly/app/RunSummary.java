package dev.imageanomaly.app;

import dev.imageanomaly.schemas.avro.AnomalyScore;
import dev.imageanomaly.schemas.avro.Verdict;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What a streaming run did, measured against the known truth of what was sent: counts, detection
 * quality of the alerts, throughput and latency percentiles.
 */
record RunSummary(int published, int scored, int alerts, Map<String, Long> deadLettersByReason,
        long truePositives, long falsePositives, long falseNegatives, double seconds,
        double scoringLatencyP50Ms, double scoringLatencyP99Ms, double endToEndP50Ms, double endToEndP99Ms) {

    /**
     * @param anomalousTruth event id -> whether the event really is anomalous
     * @param firstPublishMillis wall-clock time the first event was published
     */
    static RunSummary of(int published, OutputCollector out, Map<String, Boolean> anomalousTruth,
            long firstPublishMillis) {
        long tp = 0;
        long fp = 0;
        long fn = 0;
        double[] scoring = new double[out.scores().size()];
        double[] endToEnd = new double[out.scores().size()];
        long lastReceived = firstPublishMillis;
        for (int i = 0; i < out.scores().size(); i++) {
            OutputCollector.Received<AnomalyScore> r = out.scores().get(i);
            AnomalyScore s = r.value();
            boolean flagged = s.getVerdict() == Verdict.ANOMALY;
            boolean truth = anomalousTruth.getOrDefault(s.getEventId(), false);
            tp += flagged && truth ? 1 : 0;
            fp += flagged && !truth ? 1 : 0;
            fn += !flagged && truth ? 1 : 0;
            scoring[i] = s.getScoringLatencyMs();
            endToEnd[i] = r.receivedAtMillis() - s.getEventTime().toEpochMilli();
            lastReceived = Math.max(lastReceived, r.receivedAtMillis());
        }
        Map<String, Long> dead = out.deadLetters().stream().collect(Collectors.groupingBy(
                d -> d.getReasonCode().name(), TreeMap::new, Collectors.counting()));
        return new RunSummary(published, out.scores().size(), out.alerts().size(), dead, tp, fp, fn,
                (lastReceived - firstPublishMillis) / 1000.0, percentile(scoring, 0.5), percentile(scoring, 0.99),
                percentile(endToEnd, 0.5), percentile(endToEnd, 0.99));
    }

    static double percentile(double[] values, double q) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    long deadLetters() {
        return deadLettersByReason.values().stream().mapToLong(Long::longValue).sum();
    }

    double precision() {
        return truePositives + falsePositives == 0 ? 0 : (double) truePositives / (truePositives + falsePositives);
    }

    double recall() {
        return truePositives + falseNegatives == 0 ? 0 : (double) truePositives / (truePositives + falseNegatives);
    }

    double throughput() {
        return seconds > 0 ? (scored + deadLetters()) / seconds : Double.NaN;
    }

    String markdown() {
        return String.join("\n",
                "| measure | value |",
                "|---|---:|",
                row("events published", published),
                row("scored", scored),
                row("dead letters", deadLetters() + " " + deadLettersByReason),
                row("alerts", alerts),
                row("alert precision vs truth", String.format("%.3f", precision())),
                row("alert recall vs truth", String.format("%.3f", recall())),
                row("throughput (events/s, first publish to last score)", String.format("%.0f", throughput())),
                row("scorer latency p50 / p99 (ms, in scorer incl. batch wait)",
                        String.format("%.1f / %.1f", scoringLatencyP50Ms, scoringLatencyP99Ms)),
                row("end-to-end latency p50 / p99 (ms, event time to score read)",
                        String.format("%.1f / %.1f", endToEndP50Ms, endToEndP99Ms)));
    }

    private static String row(String name, Object value) {
        return "| " + name + " | " + value + " |";
    }
}
