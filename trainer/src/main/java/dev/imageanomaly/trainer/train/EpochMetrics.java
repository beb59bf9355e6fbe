package dev.imageanomaly.trainer.train;

/**
 * One line of the per-epoch metrics log.
 *
 * @param trainValidationKs Kolmogorov-Smirnov statistic between the per-image scores of a fixed training
 *     sample and of the validation set (see {@link ScoreDrift}); rising means the model is overfitting;
 *     NaN where a log predates it
 */
public record EpochMetrics(int epoch, double trainLoss, double validationLoss, double trainValidationKs,
        double learningRate, double seconds, double imagesPerSecond, boolean best) {}
