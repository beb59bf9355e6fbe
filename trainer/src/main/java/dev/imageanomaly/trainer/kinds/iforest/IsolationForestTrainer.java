package dev.imageanomaly.trainer.kinds.iforest;

import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.train.EpochMetrics;
import dev.imageanomaly.trainer.train.OnePassMetrics;
import dev.imageanomaly.trainer.train.TrainingConfig;
import java.io.PrintStream;
import java.nio.file.Path;

/** Trains the {@code iforest} kind: grows the trees in one pass and logs the one line of {@link OnePassMetrics}. */
public final class IsolationForestTrainer {

    private final PrintStream console;
    private final Path metricsLog;

    /**
     * @param console where the one summary line goes (null for none)
     * @param metricsLog JSON-lines file that gets the one line (null for none)
     */
    public IsolationForestTrainer(PrintStream console, Path metricsLog) {
        this.console = console;
        this.metricsLog = metricsLog;
    }

    public TrainedIsolationForest fit(SampleSet train, SampleSet validation, TrainingConfig config) {
        long start = System.nanoTime();
        TrainingConfig.ForestOptions options = config.forest();
        IsolationForest forest = IsolationForest.grow(train, options.trees(), options.sampleSize(), config.seed());
        TrainedIsolationForest trained = OnePassMetrics.measured(run -> new TrainedIsolationForest(forest, run), start,
                train, validation, config, metricsLog);
        if (console != null) {
            EpochMetrics m = trained.run().history().get(0);
            console.printf("%d isolation trees on %d of %d training samples each; mean score: training %.4f, "
                    + "validation %.4f, train/validation score KS %.3f%n", forest.trees().size(), forest.sampleSize(),
                    train.count(), m.trainLoss(), m.validationLoss(), m.trainValidationKs());
        }
        return trained;
    }
}
