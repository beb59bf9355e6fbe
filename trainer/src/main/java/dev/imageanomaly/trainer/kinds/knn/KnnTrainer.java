package dev.imageanomaly.trainer.kinds.knn;

import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.train.EpochMetrics;
import dev.imageanomaly.trainer.train.OnePassMetrics;
import dev.imageanomaly.trainer.train.TrainingConfig;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * "Trains" the {@code knn} kind: keeps a seeded subsample of the training samples as the codebook,
 * and logs the one line of {@link OnePassMetrics}. Samples in the codebook score near zero, so the
 * KS statistic between training and validation scores is high by nature here: it shows
 * memorization, which is what this kind does.
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
                Representation.of(train.spec(), options.pixelExponent(), new GaussianBlur(options.blurSigma()),
                        options.lengthExponent()), LocalSubspace.of(train.spec(), options.subspaceNeighbours()));
        TrainedKnn knn = OnePassMetrics.measured(run -> new TrainedKnn(codebook, run), start, train, validation, config,
                metricsLog);
        if (console != null) {
            EpochMetrics m = knn.run().history().get(0);
            console.printf("codebook of %d of %d training samples; mean score: training %.4f, validation %.4f, "
                    + "train/validation score KS %.3f%n", codebook.count(), train.count(), m.trainLoss(),
                    m.validationLoss(), m.trainValidationKs());
        }
        return knn;
    }
}
