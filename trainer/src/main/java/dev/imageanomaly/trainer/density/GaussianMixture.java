package dev.imageanomaly.trainer.density;

import java.util.Random;

/**
 * A Gaussian mixture with diagonal covariances, fitted by expectation-maximization. Small and
 * exact enough for latent codes (thousands of points, tens of dimensions, a handful of components).
 *
 * <p>Written here rather than taken from a library: Tribuo's GMM module (tribuo-clustering-gmm) is
 * not released for any Tribuo version on Maven Central (4.3.x has none), and Commons Math's mixture
 * EM fits full covariance matrices, a different model from the diagonal one the exported graph
 * computes.
 *
 * @param weights mixing weights {@code [K]}
 * @param means component means {@code [K][D]}
 * @param variances component variances {@code [K][D]}
 */
public record GaussianMixture(double[] weights, double[][] means, double[][] variances) {

    /** Keeps a component from collapsing onto a single point, relative to the data's own spread. */
    private static final double VARIANCE_FLOOR = 1e-3;
    private static final int MAX_ITERATIONS = 200;
    private static final double TOLERANCE = 1e-6;

    public int components() {
        return weights.length;
    }

    public int dimensions() {
        return means[0].length;
    }

    /** @param points {@code n} points of {@code d} values back to back */
    public static GaussianMixture fit(float[] points, int n, int d, int components, long seed) {
        if (components <= 0 || n < components) {
            throw new IllegalArgumentException("need at least " + components + " points for " + components
                    + " components, got " + n);
        }
        double[] spread = new double[d];
        double[] centre = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                centre[j] += points[i * d + j] / (double) n;
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                double v = points[i * d + j] - centre[j];
                spread[j] += v * v / n;
            }
        }
        double[] floor = new double[d];
        for (int j = 0; j < d; j++) {
            floor[j] = Math.max(VARIANCE_FLOOR * spread[j], 1e-9);
        }
        double[] weights = new double[components];
        double[][] means = new double[components][d];
        double[][] variances = new double[components][d];
        int[] picks = seeds(points, n, d, components, new Random(seed));
        for (int k = 0; k < components; k++) {
            int pick = picks[k];
            for (int j = 0; j < d; j++) {
                means[k][j] = points[pick * d + j];
                variances[k][j] = Math.max(spread[j], floor[j]);
            }
            weights[k] = 1.0 / components;
        }
        GaussianMixture gmm = new GaussianMixture(weights, means, variances);
        double[][] resp = new double[n][components];
        double previous = Double.NEGATIVE_INFINITY;
        for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
            double logLikelihood = 0;
            for (int i = 0; i < n; i++) {
                double[] logs = gmm.componentLogDensities(points, i * d);
                double total = logSumExp(logs);
                logLikelihood += total;
                for (int k = 0; k < components; k++) {
                    resp[i][k] = Math.exp(logs[k] - total);
                }
            }
            for (int k = 0; k < components; k++) {
                double mass = 1e-12;
                double[] mean = new double[d];
                for (int i = 0; i < n; i++) {
                    mass += resp[i][k];
                    for (int j = 0; j < d; j++) {
                        mean[j] += resp[i][k] * points[i * d + j];
                    }
                }
                double[] var = new double[d];
                for (int j = 0; j < d; j++) {
                    mean[j] /= mass;
                }
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < d; j++) {
                        double v = points[i * d + j] - mean[j];
                        var[j] += resp[i][k] * v * v;
                    }
                }
                for (int j = 0; j < d; j++) {
                    var[j] = Math.max(var[j] / mass, floor[j]);
                }
                weights[k] = mass / n;
                means[k] = mean;
                variances[k] = var;
            }
            if (Math.abs(logLikelihood - previous) < TOLERANCE * Math.abs(logLikelihood)) {
                break;
            }
            previous = logLikelihood;
        }
        return gmm;
    }

    /**
     * k-means++ seeding: each next centre is drawn with probability proportional to its squared
     * distance from the nearest centre so far, so two starting centres rarely share one cluster
     * (EM cannot split a component that covers two clusters).
     */
    private static int[] seeds(float[] points, int n, int d, int components, Random random) {
        int[] picks = new int[components];
        picks[0] = random.nextInt(n);
        double[] nearest = new double[n];
        java.util.Arrays.fill(nearest, Double.POSITIVE_INFINITY);
        for (int k = 1; k < components; k++) {
            double total = 0;
            for (int i = 0; i < n; i++) {
                double dist = 0;
                for (int j = 0; j < d; j++) {
                    double v = points[i * d + j] - points[picks[k - 1] * d + j];
                    dist += v * v;
                }
                nearest[i] = Math.min(nearest[i], dist);
                total += nearest[i];
            }
            double target = random.nextDouble() * total;
            int chosen = n - 1;
            for (int i = 0; i < n; i++) {
                target -= nearest[i];
                if (target <= 0) {
                    chosen = i;
                    break;
                }
            }
            picks[k] = chosen;
        }
        return picks;
    }

    /** {@code log p(x)} of the point starting at {@code offset}. */
    public double logDensity(float[] points, int offset) {
        return logSumExp(componentLogDensities(points, offset));
    }

    /** {@code log w_k + log N(x | mean_k, diag(var_k))} for each component. */
    double[] componentLogDensities(float[] points, int offset) {
        int d = dimensions();
        double[] logs = new double[components()];
        for (int k = 0; k < components(); k++) {
            double q = 0;
            for (int j = 0; j < d; j++) {
                double v = points[offset + j] - means[k][j];
                q += v * v / variances[k][j];
            }
            logs[k] = logNormalizer(k) - 0.5 * q;
        }
        return logs;
    }

    /** {@code log w_k - 0.5 * sum_j log(2 pi var_kj)}: the part of a component's log-density that x does not change. */
    public double logNormalizer(int k) {
        double sum = Math.log(weights[k]);
        for (double v : variances[k]) {
            sum -= 0.5 * Math.log(2 * Math.PI * v);
        }
        return sum;
    }

    private static double logSumExp(double[] values) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (double v : values) {
            sum += Math.exp(v - max);
        }
        return max + Math.log(sum);
    }
}
