package dev.imageanomaly.trainer.train;

import dev.imageanomaly.trainer.data.SampleSet;

/**
 * The training objective of each image under the model being trained, by DJL's forward pass. The
 * epoch loop averages it over the validation set (the validation loss) and compares its distribution
 * on training and validation images (the overfitting signal, {@link ScoreDrift}).
 */
@FunctionalInterface
public interface PerImageScores {

    /** @param batch {@code count} samples back to back */
    float[] of(float[] batch, int count);

    default float[] of(SampleSet set, int batchSize) {
        float[] scores = new float[set.count()];
        for (int start = 0; start < set.count(); start += batchSize) {
            int b = Math.min(batchSize, set.count() - start);
            System.arraycopy(of(MiniBatch.slice(set, start, b), b), 0, scores, start, b);
        }
        return scores;
    }

    static double mean(float[] scores) {
        double sum = 0;
        for (float s : scores) {
            sum += s;
        }
        return sum / scores.length;
    }
}
