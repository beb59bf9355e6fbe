package dev.imageanomaly.trainer.kinds.wgan;

/**
 * How different the images of a batch are from one another: the standard deviation of each pixel
 * across the batch, averaged over pixels. A batch of identical images has spread 0; a batch of
 * varied digits has a spread near that of the training images. Half the mean squared distance
 * between two images of the batch is the sum of the per-pixel variances, so this is a cheap stand-in
 * for their mean pairwise distance.
 */
final class SampleSpread {

    private SampleSpread() {}

    /** @param images {@code count} samples of equal size, one after another */
    static double of(float[] images, int count) {
        if (count < 2 || images.length % count != 0) {
            throw new IllegalArgumentException("need at least two samples of equal size, got " + count
                    + " samples in " + images.length + " values");
        }
        int size = images.length / count;
        double stdSum = 0;
        for (int p = 0; p < size; p++) {
            double sum = 0;
            double sumSquares = 0;
            for (int i = 0; i < count; i++) {
                double v = images[i * size + p];
                sum += v;
                sumSquares += v * v;
            }
            double mean = sum / count;
            stdSum += Math.sqrt(Math.max(0, sumSquares / count - mean * mean));
        }
        return stdSum / size;
    }
}
