package dev.imageanomaly.trainer.report;

import java.util.Random;

/**
 * Exact t-SNE (van der Maaten and Hinton, 2008): neighbourhoods in the latent space kept as
 * neighbourhoods in the plane. Every pair is computed each iteration, O(n^2) time and memory, which is
 * fine for the few thousand points a report shows and needs no library (Maven Central has no small,
 * maintained one; Smile's would bring far more than this).
 *
 * <p>Settings are the paper's and scikit-learn's: perplexity 30 (less for small sets), early
 * exaggeration 12 for the first 250 iterations, momentum 0.5 then 0.8, learning rate 200 with
 * per-coordinate adaptive gains.
 */
final class TSne {

    static final double PERPLEXITY = 30;
    static final int ITERATIONS = 750;
    /** Fewer points than this give no meaningful neighbourhoods. */
    static final int MIN_POINTS = 10;

    private static final int EXAGGERATION_ITERATIONS = 250;
    private static final double EXAGGERATION = 12;
    private static final double LEARNING_RATE = 200;

    private TSne() {}

    /** @param rows {@code count x dims} values back to back; returns {@code count x 2} coordinates */
    static double[][] embed(float[] rows, int count, int dims, long seed) {
        if (count < MIN_POINTS) {
            throw new IllegalArgumentException("t-SNE needs at least " + MIN_POINTS + " points, got " + count);
        }
        double perplexity = Math.min(PERPLEXITY, (count - 1) / 3.0);
        double[] p = affinities(squaredDistances(rows, count, dims), count, perplexity);
        double[] y = new double[count * 2];
        Random random = new Random(seed);
        for (int i = 0; i < y.length; i++) {
            y[i] = random.nextGaussian() * 1e-4;
        }
        double[] update = new double[y.length];
        double[] gains = new double[y.length];
        java.util.Arrays.fill(gains, 1);
        double[] gradient = new double[y.length];
        double[] q = new double[count * count];
        for (int iteration = 0; iteration < ITERATIONS; iteration++) {
            double exaggeration = iteration < EXAGGERATION_ITERATIONS ? EXAGGERATION : 1;
            double momentum = iteration < EXAGGERATION_ITERATIONS ? 0.5 : 0.8;
            gradient(p, y, count, exaggeration, q, gradient);
            for (int k = 0; k < y.length; k++) {
                boolean sameDirection = Math.signum(gradient[k]) == Math.signum(update[k]);
                gains[k] = Math.max(0.01, sameDirection ? gains[k] * 0.8 : gains[k] + 0.2);
                update[k] = momentum * update[k] - LEARNING_RATE * gains[k] * gradient[k];
                y[k] += update[k];
            }
            recentre(y, count);
        }
        double[][] out = new double[count][];
        for (int i = 0; i < count; i++) {
            out[i] = new double[] {y[2 * i], y[2 * i + 1]};
        }
        return out;
    }

    private static double[] squaredDistances(float[] rows, int count, int dims) {
        double[] d = new double[count * count];
        for (int i = 0; i < count; i++) {
            for (int j = i + 1; j < count; j++) {
                double sum = 0;
                for (int k = 0; k < dims; k++) {
                    double diff = rows[i * dims + k] - rows[j * dims + k];
                    sum += diff * diff;
                }
                d[i * count + j] = sum;
                d[j * count + i] = sum;
            }
        }
        return d;
    }

    /**
     * The symmetric joint probabilities P: per point, a Gaussian over its neighbours whose width is found
     * by bisection so that the distribution's perplexity is the target; then (P + P^T) / 2n.
     */
    private static double[] affinities(double[] distances, int count, double perplexity) {
        double targetEntropy = Math.log(perplexity);
        double[] conditional = new double[count * count];
        double[] row = new double[count];
        for (int i = 0; i < count; i++) {
            double beta = 1;
            double low = 0;
            double high = Double.POSITIVE_INFINITY;
            for (int step = 0; step < 100; step++) {
                double sum = 0;
                double weighted = 0;
                for (int j = 0; j < count; j++) {
                    row[j] = j == i ? 0 : Math.exp(-distances[i * count + j] * beta);
                    sum += row[j];
                    weighted += distances[i * count + j] * row[j];
                }
                double entropy = sum == 0 ? 0 : Math.log(sum) + beta * weighted / sum;
                if (sum > 0 && Math.abs(entropy - targetEntropy) < 1e-5) {
                    break;
                }
                if (sum == 0 || entropy < targetEntropy) { // too narrow: widen
                    high = beta;
                    beta = (low + beta) / 2;
                } else { // too wide: narrow
                    low = beta;
                    beta = Double.isInfinite(high) ? beta * 2 : (beta + high) / 2;
                }
            }
            double sum = 0;
            for (int j = 0; j < count; j++) {
                sum += row[j];
            }
            for (int j = 0; j < count; j++) {
                conditional[i * count + j] = sum == 0 ? (j == i ? 0 : 1.0 / (count - 1)) : row[j] / sum;
            }
        }
        double[] joint = new double[count * count];
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < count; j++) {
                joint[i * count + j] = Math.max(1e-12,
                        (conditional[i * count + j] + conditional[j * count + i]) / (2.0 * count));
            }
        }
        return joint;
    }

    /** The gradient of KL(P || Q) with Student-t similarities Q in the plane; fills {@code q} with their numerators. */
    private static void gradient(double[] p, double[] y, int count, double exaggeration, double[] q, double[] out) {
        double sum = 0;
        for (int i = 0; i < count; i++) {
            for (int j = i + 1; j < count; j++) {
                double dx = y[2 * i] - y[2 * j];
                double dy = y[2 * i + 1] - y[2 * j + 1];
                double numerator = 1 / (1 + dx * dx + dy * dy);
                q[i * count + j] = numerator;
                q[j * count + i] = numerator;
                sum += 2 * numerator;
            }
        }
        for (int i = 0; i < count; i++) {
            double gx = 0;
            double gy = 0;
            for (int j = 0; j < count; j++) {
                if (j == i) {
                    continue;
                }
                double numerator = q[i * count + j];
                double force = (exaggeration * p[i * count + j] - Math.max(1e-12, numerator / sum)) * numerator;
                gx += force * (y[2 * i] - y[2 * j]);
                gy += force * (y[2 * i + 1] - y[2 * j + 1]);
            }
            out[2 * i] = 4 * gx;
            out[2 * i + 1] = 4 * gy;
        }
    }

    private static void recentre(double[] y, int count) {
        double mx = 0;
        double my = 0;
        for (int i = 0; i < count; i++) {
            mx += y[2 * i] / count;
            my += y[2 * i + 1] / count;
        }
        for (int i = 0; i < count; i++) {
            y[2 * i] -= mx;
            y[2 * i + 1] -= my;
        }
    }
}
