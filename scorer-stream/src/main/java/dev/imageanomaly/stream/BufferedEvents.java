package dev.imageanomaly.stream;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * One life's accepted events whose outputs are not yet safe, and the rule for when each may be
 * forgotten. An event is held in memory; a commit about to pass its offset writes it to the logged
 * store first ({@link #beforeCommit}), so no crash can lose it. Once its outputs are sent it is
 * released, and leaves the store, at a moment that depends on the processing guarantee:
 *
 * <ul>
 *   <li>exactly_once_v2: at once. The delete joins the transaction of its outputs; both or neither
 *       are committed.
 *   <li>at_least_once: at the commit after the one that flushed its outputs. The producer sends to
 *       every partition on its own, so a delete sent at once can reach the changelog before the
 *       score reaches its topic; a crash between the two would lose the event (its offset is
 *       committed and the store no longer holds it). The cost: after a crash or a handover, the
 *       stored events released since the commit before the last are scored again, which
 *       at_least_once allows.
 * </ul>
 */
final class BufferedEvents {

    private final KeyValueStore<Long, byte[]> store;
    private final boolean outputsTransactional;
    /** Held since the last commit and not released, in order: not in the store. */
    private final Map<Long, PendingImage> held = new LinkedHashMap<>();
    /** Stored, released since the last commit: their outputs are not flushed yet (at_least_once). */
    private List<Long> releasedSinceCommit = new ArrayList<>();
    /** Stored, released before the last commit, which flushed their outputs (at_least_once). */
    private List<Long> releasedBeforeCommit = new ArrayList<>();

    /** @param outputsTransactional whether outputs and store writes commit in one transaction (exactly_once_v2) */
    BufferedEvents(KeyValueStore<Long, byte[]> store, boolean outputsTransactional) {
        this.store = store;
        this.outputsTransactional = outputsTransactional;
    }

    /** Calls {@code action} with each stored event, by sequence: what an earlier life (or instance) left unsent. */
    void forEachStored(BiConsumer<Long, PendingImage> action) {
        try (KeyValueIterator<Long, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<Long, byte[]> kv = it.next();
                action.accept(kv.key, PendingImage.fromBytes(kv.value));
            }
        }
    }

    /** A newly accepted event: held in memory until it is released or a commit comes. */
    void hold(long sequence, PendingImage pending) {
        held.put(sequence, pending);
    }

    /** The event's outputs (its score or its dead letter) are sent. */
    void release(long sequence) {
        if (held.remove(sequence) != null) {
            return;
        }
        if (outputsTransactional) {
            store.delete(sequence);
        } else {
            releasedSinceCommit.add(sequence);
        }
    }

    /**
     * Kafka Streams is about to flush the producer and commit past every event held: they go to the
     * store, and so to its changelog, first. Under at_least_once, the events whose outputs the last
     * commit flushed leave the store now.
     */
    void beforeCommit() {
        held.forEach((sequence, pending) -> store.put(sequence, pending.toBytes()));
        held.clear();
        releasedBeforeCommit.forEach(store::delete);
        releasedBeforeCommit = releasedSinceCommit;
        releasedSinceCommit = new ArrayList<>();
    }
}
