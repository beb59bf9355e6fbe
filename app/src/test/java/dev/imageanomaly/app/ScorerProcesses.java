package dev.imageanomaly.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** The scorer processes a test starts, killed after each test whatever its outcome. */
final class ScorerProcesses implements AfterEachCallback {

    private final List<ScorerProcess> started = new ArrayList<>();

    ScorerProcess start(String name, Map<String, String> settings, String maxHeap) {
        ScorerProcess scorer = ScorerProcess.start(name, settings, maxHeap);
        started.add(scorer);
        return scorer;
    }

    List<ScorerProcess> started() {
        return List.copyOf(started);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        for (ScorerProcess scorer : started) {
            scorer.kill();
        }
        started.clear();
    }
}
