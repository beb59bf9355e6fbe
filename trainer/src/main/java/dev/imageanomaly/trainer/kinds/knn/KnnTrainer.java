package dev.imageanomaly.trainer.kinds.knn;

import dev.imageanomaly.scoring.bundle.GraphNames;
import dev.imageanomaly.scoring.drift.ScoreDistance;
import dev.imageanomaly.scoring.engine.EngineOptions;
import dev.imageanomaly.scoring.engine.OnnxScoringEngine;
import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.train.EpochMetrics;
import dev.imageanomaly.trainer.train.EpochMetricsLog;
import dev.imageanomaly.trainer.train.PerImageScores;
import dev.imageanomaly.trainer.train.ScoreDrift;
import dev.imageanomaly.trainer.train.TrainingConfig;
import dev.imageanomaly.trainer.train.TrainingRun;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * "Trains" the {@code knn} kind: keeps a seeded subsample of the training samples as the codebook.
 * The one line of the metrics log is what every kind logs per epoch, measured through the exported
 * graph: the mean score of training samples (train loss), of the validation samples (validation
 * loss), and the KS statistic between the two. Samples in the codebook score near zero, so the KS
 * statistic is high by nature here: it shows memorization, which is what this kind does.
 */
public final class KnnTrainer {

    private final PrintStream console;
    private final Path metricsLog;

    /**
     * @param console where the one summary line goes (null for none)
     * @param metricsLog JSON-lines file that gets the one line (null for none)
     */
    public KnnTrainer(PrintStream console, Path metricsLog) {
        this.console = console;
        this.metricsLog = metricsLog;
    }

    public TrainedKnn fit(SampleSet train, SampleSet validation, TrainingConfig config) {
        long start = System.nanoTime();
        TrainingConfig.NeighbourOptions options = config.neighbours();
        Codebook codebook = Codebook.of(train, options.codebookSize(), config.seed(),
                Representation.of(train.spec(), new GaussianBlur(options.blurSigma()), options.lengthExponent()));
        double seconds = (System.nanoTime() - start) / 1e9;
        TrainedKnn unmeasured = new TrainedKnn(codebook, TrainingRun.since(start, config, List.of()));
        byte[] graph = unmeasured.export("knn").model();
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
        if (console != null) {
            console.printf("codebook of %d of %d training samples; mean score: training %.4f, validation %.4f, "
                    + "train/validation score KS %.3f%n", codebook.count(), train.count(), m.trainLoss(),
                    m.validationLoss(), m.trainValidationKs());
        }
        return new TrainedKnn(codebook, TrainingRun.since(start, config, List.of(m)));
    }

    private static float[] score(OnnxScoringEngine engine, SampleSet set) {
        return engine.run(set.data(), set.count(), List.of(GraphNames.SCORE)).get(GraphNames.SCORE);
    }
}
