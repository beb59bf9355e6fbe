package dev.imageanomaly.trainer.kinds.knn;

import static dev.imageanomaly.trainer.export.OnnxGraph.integer;
import static dev.imageanomaly.trainer.export.OnnxGraph.ints;

import dev.imageanomaly.trainer.export.OnnxGraph;
import java.util.List;

/**
 * A Gaussian blur of each image channel with standard deviation {@code sigma} pixels, cut off at two
 * standard deviations, with zeros beyond the border. Distances between blurred images forgive a
 * stroke or an edge that lies a pixel away from where the nearest normal image has it. The same blur
 * runs here (on the codebook and in the reference) and as one grouped Conv in the graph.
 */
record GaussianBlur(double sigma) {

    static final GaussianBlur NONE = new GaussianBlur(0);

    GaussianBlur {
        if (sigma < 0) {
            throw new IllegalArgumentException("blur sigma must not be negative, was " + sigma);
        }
    }

    boolean isNone() {
        return sigma == 0;
    }

    int radius() {
        return (int) Math.ceil(2 * sigma);
    }

    /** The normalized 1-D kernel, {@code 2 * radius + 1} weights. */
    float[] kernel() {
        int r = radius();
        double[] w = new double[2 * r + 1];
        double sum = 0;
        for (int t = -r; t <= r; t++) {
            w[t + r] = Math.exp(-t * t / (2 * sigma * sigma));
            sum += w[t + r];
        }
        float[] k = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            k[i] = (float) (w[i] / sum);
        }
        return k;
    }

    /** {@code planes} images of {@code height x width} back to back, blurred along rows, then columns. */
    float[] apply(float[] planes, int count, int height, int width) {
        if (isNone()) {
            return planes;
        }
        float[] k = kernel();
        int r = radius();
        float[] rows = new float[planes.length];
        float[] out = new float[planes.length];
        for (int p = 0; p < count; p++) {
            int base = p * height * width;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    float s = 0;
                    for (int t = -r; t <= r; t++) {
                        int xx = x + t;
                        if (xx >= 0 && xx < width) {
                            s += k[t + r] * planes[base + y * width + xx];
                        }
                    }
                    rows[base + y * width + x] = s;
                }
            }
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    float s = 0;
                    for (int t = -r; t <= r; t++) {
                        int yy = y + t;
                        if (yy >= 0 && yy < height) {
                            s += k[t + r] * rows[base + yy * width + x];
                        }
                    }
                    out[base + y * width + x] = s;
                }
            }
        }
        return out;
    }

    /** The blur of an {@code [N, C, H, W]} tensor as one Conv: each channel by the outer product of the kernel. */
    String apply(OnnxGraph g, String images, int channels) {
        if (isNone()) {
            return images;
        }
        float[] k = kernel();
        int size = k.length;
        float[] weights = new float[channels * size * size];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    weights[(c * size + y) * size + x] = k[y] * k[x];
                }
            }
        }
        int r = radius();
        return g.node("Conv", List.of(images, g.floats("blur", weights, channels, 1, size, size)),
                List.of(integer("group", channels), ints("kernel_shape", size, size), ints("pads", r, r, r, r)), null);
    }
}
