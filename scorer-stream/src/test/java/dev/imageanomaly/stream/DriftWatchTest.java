package dev.imageanomaly.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageanomaly.scoring.TinyBundle;
import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.scoring.bundle.Manifest;
import dev.imageanomaly.scoring.bundle.ScoreStats;
import dev.imageanomaly.scoring.drift.ScoreDistance;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the drift watch reads is the statistics of its latest window, as ScoreDistance computes them. */
class DriftWatchTest {

    private static final int WINDOW = 50;
    private static final int CHECK_EVERY = 7;

    @TempDir
    static Path bundles;

    @Test
    void everyCheckReadsTheKsAndPsiOfTheLatestWindowWhateverTheOrderAndTiesOfItsScores() {
        Random random = new Random(5);
        float[] held = new float[300];
        for (int i = 0; i < held.length; i++) {
            held[i] = (float) Math.abs(random.nextGaussian() * 0.05 + 0.1);
        }
        Manifest manifest = TinyBundle.write(bundles, "tiny", "v1", InputSpec.image(1, 28, 28), 0.25,
                ScoreStats.of(held), Instant.EPOCH).manifest();
        double[] reference = manifest.scoreStats().quantiles().stream().mapToDouble(Double::doubleValue).toArray();
        DriftWatch watch = new DriftWatch(new DriftWatch.Settings(WINDOW, CHECK_EVERY, 0.2, 0.25, 0.8, 10));
        List<Double> seen = new ArrayList<>();
        int checks = 0;
        for (int i = 1; i <= 400; i++) {
            // Repeated values among drawn ones, and a drift half-way: the window changes in every way.
            double score = random.nextInt(3) == 0 ? 0.01 * random.nextInt(4)
                    : Math.abs(random.nextGaussian() * 0.05 + (i > 200 ? 0.6 : 0.1));
            seen.add(score);
            watch.observe(manifest, List.of(new DriftWatch.Observation("camera-1", score, Instant.EPOCH)), Instant.EPOCH);
            if (i >= WINDOW && (i - WINDOW) % CHECK_EVERY == 0) {
                double[] window = seen.subList(i - WINDOW, i).stream().mapToDouble(Double::doubleValue).toArray();
                DriftWatch.Reading reading = watch.readings().get(DriftWatch.ALL_SOURCES);
                assertThat(reading.ks()).as("KS after %d scores", i).isEqualTo(ScoreDistance.ks(window, reference));
                assertThat(reading.psi()).as("PSI after %d scores", i)
                        .isEqualTo(ScoreDistance.psi(window, manifest.scoreStats().quantiles()));
                checks++;
            }
        }
        assertThat(checks).isEqualTo(51);
    }
}
