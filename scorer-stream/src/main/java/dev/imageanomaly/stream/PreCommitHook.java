package dev.imageanomaly.stream;

import java.util.Map;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * A state store that holds nothing and runs its processor's action when Kafka Streams is about to
 * commit the task. Before a task's commit Kafka Streams flushes the task's caching stores, then
 * flushes its producer, then commits the input offsets (or the transaction) (4.3's
 * {@code StreamTask#prepareCommit}); this store declares itself a cache to be flushed in that line,
 * so what the action writes to a logged store reaches the changelog before any offset past it is
 * committed. Kafka Streams gives a processor no other hook before a commit. {@code CachedStateStore}
 * is an internal interface: {@code ScoringTopologyTest} fails if an upgrade stops calling it.
 */
final class PreCommitHook implements StateStore, CachedStateStore<Object, Object> {

    private static final Runnable NOTHING = () -> {};

    private final String name;
    private Runnable beforeCommit = NOTHING;
    private boolean open;

    private PreCommitHook(String name) {
        this.name = name;
    }

    /** What to do before each commit of the task, replacing what a processor's earlier life set. */
    void beforeCommit(Runnable action) {
        this.beforeCommit = action;
    }

    /** Called by Kafka Streams before it commits the task. */
    @Override
    public void flushCache() {
        beforeCommit.run();
    }

    /** Nothing is held: there is nothing to drop. */
    @Override
    public void clearCache() {}

    @Override
    public boolean setFlushListener(CacheFlushListener<Object, Object> listener, boolean sendOldValues) {
        return false;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        context.register(root, (key, value) -> {});
        open = true;
    }

    @Override
    public void close() {
        open = false;
        beforeCommit = NOTHING;
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public Position getPosition() {
        return Position.emptyPosition();
    }

    static StoreBuilder<PreCommitHook> builder(String name) {
        return new Builder(name);
    }

    /** Neither logged nor cached: it holds nothing to log or cache. */
    private record Builder(String name) implements StoreBuilder<PreCommitHook> {

        @Override
        public StoreBuilder<PreCommitHook> withCachingEnabled() {
            return this;
        }

        @Override
        public StoreBuilder<PreCommitHook> withCachingDisabled() {
            return this;
        }

        @Override
        public StoreBuilder<PreCommitHook> withLoggingEnabled(Map<String, String> config) {
            return this;
        }

        @Override
        public StoreBuilder<PreCommitHook> withLoggingDisabled() {
            return this;
        }

        @Override
        public PreCommitHook build() {
            return new PreCommitHook(name);
        }

        @Override
        public Map<String, String> logConfig() {
            return Map.of();
        }

        @Override
        public boolean loggingEnabled() {
            return false;
        }
    }
}
