package dev.imageanomaly.app;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What became of the events a fault test sent, in the form of the fault table: how many were scored
 * or dead-lettered, how many never came out (lost) and how many came out more than once
 * (duplicated), and the longest pause in the output while the fault played out.
 *
 * @param longestGapMillis the longest time between two consecutive outputs of one source (so of one
 *     partition) across the fault's window: a stalled partition shows even while others flow
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
        int lost = neverScored(sentIds, out).size();
        int duplicated = perId.values().stream().mapToInt(n -> (int) (n - 1)).sum()
                + Math.max(0, out.deadLetters().size() - brokenSent);
        long gap = longestGapOfOneSource(out, windowStart, windowEnd);
        perId.forEach((id, n) -> {
            if (n > 1) {
                System.out.println("scored " + n + " times: " + id + " " + out.scores().stream()
                        .filter(r -> r.value().getEventId().equals(id))
                        .map(r -> r.value().getModelVersion() + "@" + r.value().getScoredAt() + " (read at "
                                + r.receivedAtMillis() + ")").toList());
            }
        });
        return new Accounting(fault, sentIds.size() + brokenSent, perId.size(), out.deadLetters().size(), lost,
                duplicated, gap);
    }

    /** The sent events no score came out for, by id. */
    static List<String> neverScored(Collection<String> sentIds, OutputCollector out) {
        Set<String> scored = out.scores().stream().map(r -> r.value().getEventId()).collect(Collectors.toSet());
        return sentIds.stream().filter(id -> !scored.contains(id)).sorted().toList();
    }

    /**
     * The longest time between two consecutive outputs of one source, over the whole run, among the
     * gaps that overlap the window: a partition stalled by the fault shows, whichever instance it
     * was on, even while other partitions flow.
     */
    private static long longestGapOfOneSource(OutputCollector out, long windowStart, long windowEnd) {
        Map<String, List<Long>> arrivalsBySource = out.scores().stream().collect(Collectors.groupingBy(
                r -> r.value().getSource(), Collectors.mapping(OutputCollector.Received::receivedAtMillis,
                        Collectors.toList())));
        long gap = 0;
        for (List<Long> arrivals : arrivalsBySource.values()) {
            List<Long> sorted = arrivals.stream().sorted().toList();
            for (int i = 1; i < sorted.size(); i++) {
                if (sorted.get(i) >= windowStart && sorted.get(i - 1) <= windowEnd) {
                    gap = Math.max(gap, sorted.get(i) - sorted.get(i - 1));
                }
            }
        }
        return gap;
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
