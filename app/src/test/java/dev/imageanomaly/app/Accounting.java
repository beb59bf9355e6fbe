package dev.imageanomaly.app;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What became of the events a fault test sent, in the form of the fault table: how many were scored
 * or dead-lettered, how many never came out (lost) and how many came out more than once
 * (duplicated), and the longest pause in the output while the fault played out.
 *
 * @param longestGapMillis the longest time between two consecutive outputs of one source (so of one
 *     partition) inside the fault's window: a stalled partition shows even while others flow
 */
record Accounting(String fault, int in, int scored, int deadLetters, int lost, int duplicated, long longestGapMillis) {

    /**
     * @param sentIds the event ids that were sent (each once)
     * @param brokenSent records sent that must become dead letters
     * @param windowStart, windowEnd the fault's window, in output-arrival wall-clock time
     */
    static Accounting of(String fault, Collection<String> sentIds, int brokenSent, OutputCollector out,
            long windowStart, long windowEnd) {
        Map<String, Long> perId = out.scores().stream().collect(Collectors.groupingBy(r -> r.value().getEventId(),
                Collectors.counting()));
        int lost = (int) sentIds.stream().filter(id -> !perId.containsKey(id)).count();
        int duplicated = perId.values().stream().mapToInt(n -> (int) (n - 1)).sum()
                + Math.max(0, out.deadLetters().size() - brokenSent);
        Map<String, List<Long>> arrivalsBySource = out.scores().stream()
                .filter(r -> r.receivedAtMillis() >= windowStart && r.receivedAtMillis() <= windowEnd)
                .collect(Collectors.groupingBy(r -> r.value().getSource(),
                        Collectors.mapping(OutputCollector.Received::receivedAtMillis, Collectors.toList())));
        long gap = 0;
        for (List<Long> arrivals : arrivalsBySource.values()) {
            long previous = windowStart;
            for (long t : arrivals.stream().sorted().toList()) {
                gap = Math.max(gap, t - previous);
                previous = t;
            }
        }
        return new Accounting(fault, sentIds.size() + brokenSent, perId.size(), out.deadLetters().size(), lost,
                duplicated, gap);
    }

    static String header() {
        return "| fault | events in | scored | dead letters | lost | duplicated | longest output gap |\n"
                + "|---|---:|---:|---:|---:|---:|---:|";
    }

    String row() {
        return String.format("| %s | %d | %d | %d | %d | %d | %.1f s |", fault, in, scored, deadLetters, lost, duplicated,
                longestGapMillis / 1000.0);
    }
}
