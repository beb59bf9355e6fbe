package dev.imageanomaly.trainer.train;

import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.data.Splits;
import java.util.Arrays;
import java.util.Random;

/**
 * Overfitting that the loss curves hide: a model that memorizes its training images scores them lower
 * than unseen normal images, so the two score distributions drift apart while the mean validation loss
 * may still look fine. The two-sample Kolmogorov-Smirnov statistic ({@code ScoreDistance.ks}) between
 * a fixed training sample and the validation set measures that gap every epoch.
 */
public final class ScoreDrift {

    /** Training images scored each epoch: enough for a stable statistic, few enough to cost little. */
    public static final int TRAINING_SAMPLE = 2000;

    private ScoreDrift() {}

    /**
     * A fixed, seeded subsample of at most {@value #TRAINING_SAMPLE} training images; the same images
     * every epoch, so a change of the statistic is a change of the model, not of the sample.
     */
    public static SampleSet trainingSample(SampleSet train, long seed) {
        return trainingSample(train, seed, TRAINING_SAMPLE);
    }

    /** The same with at most {@code size} images, for kinds whose scoring costs many passes per image. */
    public static SampleSet trainingSample(SampleSet train, long seed, int size) {
        if (train.count() <= size) {
            return train;
        }
        int[] order = Splits.permutation(train.count(), new Random(seed));
        return train.subset(Arrays.copyOf(order, size));
    }
}
