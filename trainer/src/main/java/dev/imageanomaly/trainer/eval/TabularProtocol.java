package dev.imageanomaly.trainer.eval;

import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.trainer.data.FeatureTables;
import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.data.Splits;
import java.util.stream.IntStream;

/**
 * The two protocols for outlier-detection tables (label 1 = outlier). The standardization
 * statistics are fitted on the training rows only, whatever they contain.
 *
 * @param train standardized rows to train on
 * @param test standardized test rows labelled 0 (inlier) and 1 (outlier)
 */
public record TabularProtocol(SampleSet train, SampleSet test) {

    /** Semi-supervised (clean training data): train on a random half of the inliers, test on the other half plus every outlier. */
    public static TabularProtocol split(SampleSet rawTable, long seed) {
        int[] inliers = rows(rawTable, 0);
        int[] outliers = rows(rawTable, 1);
        requireBoth(inliers, outliers, 1);
        Splits halves = Splits.of(inliers.length, 0.5, seed);
        SampleSet trainRaw = rawTable.subset(pick(inliers, halves.train()));
        SampleSet testRaw = Evaluation.normalVersusAnomalous(rawTable.subset(pick(inliers, halves.validation())),
                rawTable.subset(outliers));
        return standardized(trainRaw, testRaw);
    }

    /**
     * ADBench's unsupervised protocol (Han et al. 2022): a stratified 70/30 split, and the detector
     * trains on the 70 % as it is, outliers included and unlabelled; it is tested on the other 30 %.
     */
    public static TabularProtocol unsupervised(SampleSet rawTable, long seed) {
        int[] inliers = rows(rawTable, 0);
        int[] outliers = rows(rawTable, 1);
        requireBoth(inliers, outliers, 2);
        Splits in = Splits.of(inliers.length, 0.3, seed);
        Splits out = Splits.of(outliers.length, 0.3, seed + 1);
        SampleSet trainRaw = rawTable.subset(pick(inliers, in.train())).concat(rawTable.subset(pick(outliers, out.train())))
                .relabel(SampleSet.NO_LABEL);
        SampleSet testRaw = Evaluation.normalVersusAnomalous(rawTable.subset(pick(inliers, in.validation())),
                rawTable.subset(pick(outliers, out.validation())));
        return standardized(trainRaw, testRaw);
    }

    private static TabularProtocol standardized(SampleSet trainRaw, SampleSet testRaw) {
        InputSpec stats = FeatureTables.fit(trainRaw);
        return new TabularProtocol(FeatureTables.standardize(trainRaw, stats), FeatureTables.standardize(testRaw, stats));
    }

    private static int[] rows(SampleSet table, int label) {
        return IntStream.range(0, table.count()).filter(i -> table.labels()[i] == label).toArray();
    }

    private static void requireBoth(int[] inliers, int[] outliers, int minOutliers) {
        if (inliers.length < 4 || outliers.length < minOutliers) {
            throw new IllegalArgumentException("the table needs inliers (label 0) and outliers (label 1), has "
                    + inliers.length + " and " + outliers.length);
        }
    }

    private static int[] pick(int[] rows, int[] positions) {
        return IntStream.of(positions).map(p -> rows[p]).toArray();
    }
}
