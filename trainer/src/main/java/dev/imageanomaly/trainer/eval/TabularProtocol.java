package dev.imageanomaly.trainer.eval;

import dev.imageanomaly.trainer.data.FeatureTables;
import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.data.Splits;
import dev.imageanomaly.scoring.bundle.InputSpec;
import java.util.stream.IntStream;

/**
 * The ADBench-style protocol for outlier-detection tables (label 1 = outlier): train on a random
 * half of the inliers, test on the other half plus every outlier. The standardization statistics
 * are fitted on the training half only.
 *
 * @param train standardized inliers to train on
 * @param test standardized test rows labelled 0 (inlier) and 1 (outlier)
 */
public record TabularProtocol(SampleSet train, SampleSet test) {

    public static TabularProtocol split(SampleSet rawTable, long seed) {
        int[] inliers = IntStream.range(0, rawTable.count()).filter(i -> rawTable.labels()[i] == 0).toArray();
        int[] outliers = IntStream.range(0, rawTable.count()).filter(i -> rawTable.labels()[i] == 1).toArray();
        if (inliers.length < 4 || outliers.length == 0) {
            throw new IllegalArgumentException("the table needs inliers (label 0) and outliers (label 1), has "
                    + inliers.length + " and " + outliers.length);
        }
        Splits halves = Splits.of(inliers.length, 0.5, seed);
        SampleSet trainRaw = rawTable.subset(pick(inliers, halves.train()));
        InputSpec stats = FeatureTables.fit(trainRaw);
        SampleSet testRaw = Evaluation.normalVersusAnomalous(rawTable.subset(pick(inliers, halves.validation())),
                rawTable.subset(outliers));
        return new TabularProtocol(FeatureTables.standardize(trainRaw, stats), FeatureTables.standardize(testRaw, stats));
    }

    private static int[] pick(int[] rows, int[] positions) {
        return IntStream.of(positions).map(p -> rows[p]).toArray();
    }
}
