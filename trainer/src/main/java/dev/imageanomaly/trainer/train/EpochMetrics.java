package dev.imageanomaly.trainer.train;

/** One line of the per-epoch metrics log. */
public record EpochMetrics(int epoch, double trainLoss, double validationLoss, double learningRate,
        double seconds, double imagesPerSecond, boolean best) {}
