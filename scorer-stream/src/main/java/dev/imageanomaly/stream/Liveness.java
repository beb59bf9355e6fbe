package dev.imageanomaly.stream;

import java.time.Duration;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * Whether the scorer still makes progress, for {@code /health/live}: an orchestrator restarts a
 * process that answers but no longer moves (a stream thread dying and being replaced over and over,
 * a partition stuck behind one record). Live unless work is waiting (records not yet read, or a
 * thread died since the last progress) and nothing has moved for the stall timeout. An idle scorer
 * with nothing to read stays live.
 */
final class Liveness {

    private final Duration stallTimeout;
    private final LongSupplier lastProgressMillis;
    private final DoubleSupplier consumerLag;
    private volatile long lastThreadDeathMillis = Long.MIN_VALUE;

    Liveness(Duration stallTimeout, LongSupplier lastProgressMillis, DoubleSupplier consumerLag) {
        this.stallTimeout = stallTimeout;
        this.lastProgressMillis = lastProgressMillis;
        this.consumerLag = consumerLag;
    }

    void threadDied(long nowMillis) {
        lastThreadDeathMillis = nowMillis;
    }

    boolean isLive(long nowMillis) {
        long lastProgress = lastProgressMillis.getAsLong();
        boolean workWaiting = consumerLag.getAsDouble() > 0 || lastThreadDeathMillis > lastProgress;
        return !(workWaiting && nowMillis - lastProgress > stallTimeout.toMillis());
    }

    String describe(long nowMillis) {
        return "last progress " + (nowMillis - lastProgressMillis.getAsLong()) + " ms ago, stall timeout "
                + stallTimeout.toMillis() + " ms, consumer lag " + (long) consumerLag.getAsDouble();
    }
}
