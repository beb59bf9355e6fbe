package dev.imageanomaly.trainer.train;

import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.data.Splits;
import java.util.Arrays;
import java.util.Random;

/**
 * Overfitting that the loss curves hide: a model that memorizes its training images scores them lower
 * than unseen normal images, so the two score distributions drift apart while the mean validation loss
 * may still look fine. The two-sample Kolmogorov-Smirnov statistic measures that gap: 0 when the
 * distributions match, 1 when every training score is below every validation score.
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
        if (train.count() <= TRAINING_SAMPLE) {
            return train;
        }
        int[] order = Splits.permutation(train.count(), new Random(seed));
        return train.subset(Arrays.copyOf(order, TRAINING_SAMPLE));
    }

    /**
     * The two-sample Kolmogorov-Smirnov statistic: the largest vertical distance between the empirical
     * distribution functions of {@code a} and {@code b}, in [0, 1]. NaN when either holds a NaN (a
     * diverged model), so a broken epoch is not reported as a small drift.
     */
    public static double ks(float[] a, float[] b) {
        if (a.length == 0 || b.length == 0) {
            throw new IllegalArgumentException("the KS statistic needs two non-empty samples, got " + a.length
                    + " and " + b.length + " values");
        }
        float[] x = a.clone();
        float[] y = b.clone();
        Arrays.sort(x);
        Arrays.sort(y);
        // Arrays.sort puts NaN last, so one look at each end finds any.
        if (Float.isNaN(x[x.length - 1]) || Float.isNaN(y[y.length - 1])) {
            return Double.NaN;
        }
        int i = 0;
        int j = 0;
        double largest = 0;
        // Step both distribution functions past each distinct value (ties in either sample move together).
        while (i < x.length && j < y.length) {
            float value = Math.min(x[i], y[j]);
            while (i < x.length && x[i] <= value) {
                i++;
            }
            while (j < y.length && y[j] <= value) {
                j++;
            }
            largest = Math.max(largest, Math.abs((double) i / x.length - (double) j / y.length));
        }
        return largest;
    }
}
