package dev.imageanomaly.trainer.train;

import dev.imageanomaly.scoring.bundle.GraphNames;
import dev.imageanomaly.scoring.drift.ScoreDistance;
import dev.imageanomaly.scoring.engine.EngineOptions;
import dev.imageanomaly.scoring.engine.OnnxScoringEngine;
import dev.imageanomaly.trainer.data.SampleSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * The one metrics line of a kind fitted in one pass, without epochs ({@code knn}, {@code iforest}):
 * what every kind logs per epoch, measured through the exported graph. Train loss is the mean score
 * of (a sample of) the training samples, validation loss that of the validation samples, and the KS
 * statistic between the two shows how much the model memorized.
 */
public final class OnePassMetrics {

    private OnePassMetrics() {}

    /**
     * A model fitted in one pass since {@code startNanos}, measured through its exported graph, and
     * returned again with that one line as its run's history. The graph to measure comes from the
     * model itself, so it is built twice from the same fit: once without history, once with.
     *
     * @param fitted the fitted model, given the run it is to carry (models of plain arrays: nothing to close)
     * @param metricsLog JSON-lines file that gets the line (null for none)
     */
    public static <T extends TrainedModel> T measured(Function<TrainingRun, T> fitted, long startNanos,
            SampleSet train, SampleSet validation, TrainingConfig config, Path metricsLog) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        byte[] graph = fitted.apply(TrainingRun.since(startNanos, config, List.of())).export("one-pass").model();
        EpochMetrics m = measure(graph, train, validation, config, seconds, metricsLog);
        return fitted.apply(TrainingRun.since(startNanos, config, List.of(m)));
    }

    /**
     * @param seconds how long the fit took
     * @param metricsLog JSON-lines file that gets the line (null for none)
     */
    static EpochMetrics measure(byte[] graph, SampleSet train, SampleSet validation, TrainingConfig config,
            double seconds, Path metricsLog) {
        float[] trainScores;
        float[] validationScores;
        try (OnnxScoringEngine engine = OnnxScoringEngine.open(graph, train.spec(), EngineOptions.cpu())) {
            trainScores = score(engine, ScoreDrift.trainingSample(train, config.seed()));
            validationScores = score(engine, validation);
        }
        EpochMetrics m = new EpochMetrics(1, PerImageScores.mean(trainScores), PerImageScores.mean(validationScores),
                ScoreDistance.ks(trainScores, validationScores), 0, seconds, train.count() / Math.max(seconds, 1e-9),
                true);
        try (EpochMetricsLog log = metricsLog == null ? EpochMetricsLog.none() : EpochMetricsLog.continuing(metricsLog)) {
            log.append(m);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return m;
    }

    private static float[] score(OnnxScoringEngine engine, SampleSet set) {
        return engine.run(set.data(), set.count(), List.of(GraphNames.SCORE)).get(GraphNames.SCORE);
    }
}
