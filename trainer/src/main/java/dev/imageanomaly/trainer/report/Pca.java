package dev.imageanomaly.trainer.report;

/**
 * Principal component analysis of row vectors, by power iteration with deflation on the covariance
 * matrix: exact enough for the two leading components of a latent code of tens of dimensions, and no
 * linear-algebra library needed.
 */
final class Pca {

    /**
     * @param points each row projected on the leading components, {@code rows x components}
     * @param explained the share of the total variance each component explains
     */
    record Projection(double[][] points, double[] explained) {}

    private static final int MAX_ITERATIONS = 10_000;

    private Pca() {}

    /** @param rows {@code count x dims} values back to back */
    static Projection project(float[] rows, int count, int dims, int components) {
        double[] mean = new double[dims];
        for (int i = 0; i < count; i++) {
            for (int d = 0; d < dims; d++) {
                mean[d] += rows[i * dims + d] / (double) count;
            }
        }
        double[][] covariance = new double[dims][dims];
        for (int i = 0; i < count; i++) {
            for (int a = 0; a < dims; a++) {
                double da = rows[i * dims + a] - mean[a];
                for (int b = a; b < dims; b++) {
                    covariance[a][b] += da * (rows[i * dims + b] - mean[b]) / Math.max(1, count - 1);
                }
            }
        }
        double total = 0;
        for (int a = 0; a < dims; a++) {
            total += covariance[a][a];
            for (int b = 0; b < a; b++) {
                covariance[a][b] = covariance[b][a];
            }
        }
        double[][] axes = new double[components][];
        double[] explained = new double[components];
        for (int c = 0; c < components; c++) {
            axes[c] = leadingEigenvector(covariance);
            double eigenvalue = quadraticForm(covariance, axes[c]);
            explained[c] = total > 0 ? eigenvalue / total : 0;
            deflate(covariance, axes[c], eigenvalue);
        }
        double[][] points = new double[count][components];
        for (int i = 0; i < count; i++) {
            for (int c = 0; c < components; c++) {
                double dot = 0;
                for (int d = 0; d < dims; d++) {
                    dot += (rows[i * dims + d] - mean[d]) * axes[c][d];
                }
                points[i][c] = dot;
            }
        }
        return new Projection(points, explained);
    }

    /** Unit vector, sign fixed so its largest entry is positive: the same data always gives the same picture. */
    private static double[] leadingEigenvector(double[][] m) {
        int n = m.length;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = 1.0 / Math.sqrt(n) * (1 + 0.01 * i); // not orthogonal to any axis by accident
        }
        normalize(v);
        for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
            double[] next = multiply(m, v);
            if (norm(next) == 0) {
                break; // no variance left: any direction is as good
            }
            normalize(next);
            double change = 0;
            for (int i = 0; i < n; i++) {
                change = Math.max(change, Math.abs(next[i] - v[i]));
            }
            v = next;
            if (change < 1e-12) {
                break;
            }
        }
        int largest = 0;
        for (int i = 1; i < n; i++) {
            largest = Math.abs(v[i]) > Math.abs(v[largest]) ? i : largest;
        }
        if (v[largest] < 0) {
            for (int i = 0; i < n; i++) {
                v[i] = -v[i];
            }
        }
        return v;
    }

    private static void deflate(double[][] m, double[] v, double eigenvalue) {
        for (int a = 0; a < m.length; a++) {
            for (int b = 0; b < m.length; b++) {
                m[a][b] -= eigenvalue * v[a] * v[b];
            }
        }
    }

    private static double quadraticForm(double[][] m, double[] v) {
        double[] mv = multiply(m, v);
        double sum = 0;
        for (int i = 0; i < v.length; i++) {
            sum += v[i] * mv[i];
        }
        return sum;
    }

    private static double[] multiply(double[][] m, double[] v) {
        double[] out = new double[v.length];
        for (int a = 0; a < m.length; a++) {
            double sum = 0;
            for (int b = 0; b < v.length; b++) {
                sum += m[a][b] * v[b];
            }
            out[a] = sum;
        }
        return out;
    }

    private static double norm(double[] v) {
        double sum = 0;
        for (double x : v) {
            sum += x * x;
        }
        return Math.sqrt(sum);
    }

    private static void normalize(double[] v) {
        double n = norm(v);
        for (int i = 0; i < v.length; i++) {
            v[i] /= n;
        }
    }
}
