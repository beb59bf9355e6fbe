package dev.imageanomaly.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** /health/live fails only when work waits and nothing has moved for the stall timeout. */
class LivenessTest {

    private static final Duration STALL = Duration.ofSeconds(60);

    private long lastProgress = 1_000_000;
    private double lag;
    private final Liveness liveness = new Liveness(STALL, () -> lastProgress, () -> lag);

    @Test
    void anIdleScorerWithNothingToReadStaysLiveHoweverLongItWaits() {
        lag = 0;

        assertThat(liveness.isLive(lastProgress + Duration.ofHours(5).toMillis())).isTrue();
    }

    @Test
    void recordsWaitingWithNoProgressForTheStallTimeoutMeanNotLive() {
        lag = 120;

        assertThat(liveness.isLive(lastProgress + STALL.toMillis())).as("exactly the timeout").isTrue();
        assertThat(liveness.isLive(lastProgress + STALL.toMillis() + 1)).isFalse();
    }

    @Test
    void aThreadThatDiedAfterTheLastProgressCountsAsWaitingWorkEvenWithoutLag() {
        lag = 0;
        liveness.threadDied(lastProgress + 10);

        assertThat(liveness.isLive(lastProgress + STALL.toMillis() + 1)).isFalse();
    }

    @Test
    void progressAfterAThreadDiedMakesItLiveAgain() {
        lag = 0;
        liveness.threadDied(lastProgress + 10);
        lastProgress += 20;

        assertThat(liveness.isLive(lastProgress + STALL.toMillis() + 1)).isTrue();
    }
}
