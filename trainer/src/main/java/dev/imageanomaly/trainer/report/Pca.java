package dev.imageanomaly.trainer.report;

import java.util.Arrays;
import java.util.Comparator;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.stat.correlation.Covariance;

/**
 * Principal component analysis of row vectors for the latent views: the sample covariance and its
 * symmetric eigendecomposition come from Commons Math; this class picks the leading components,
 * their share of the variance, and a sign for each so the same data always gives the same picture.
 */
final class Pca {

    /**
     * @param points each row projected on the leading components, {@code rows x components}
     * @param explained the share of the total variance each component explains
     */
    record Projection(double[][] points, double[] explained) {}

    private Pca() {}

    /** @param rows {@code count x dims} values back to back */
    static Projection project(float[] rows, int count, int dims, int components) {
        double[][] data = new double[count][dims];
        double[] mean = new double[dims];
        for (int i = 0; i < count; i++) {
            for (int d = 0; d < dims; d++) {
                data[i][d] = rows[i * dims + d];
                mean[d] += data[i][d] / count;
            }
        }
        // One point has no spread: Commons Math refuses it, the view shows it at the origin.
        RealMatrix covariance = count > 1 ? new Covariance(data, true).getCovarianceMatrix()
                : MatrixUtils.createRealMatrix(dims, dims);
        double total = covariance.getTrace();
        EigenDecomposition eigen = new EigenDecomposition(covariance);
        double[] eigenvalues = eigen.getRealEigenvalues();
        Integer[] byVariance = new Integer[dims];
        Arrays.setAll(byVariance, i -> i);
        Arrays.sort(byVariance, Comparator.comparingDouble((Integer i) -> -eigenvalues[i]));
        double[][] axes = new double[components][];
        double[] explained = new double[components];
        for (int c = 0; c < components; c++) {
            axes[c] = withLargestEntryPositive(eigen.getEigenvector(byVariance[c]));
            explained[c] = total > 0 ? Math.max(0, eigenvalues[byVariance[c]]) / total : 0;
        }
        double[][] points = new double[count][components];
        for (int i = 0; i < count; i++) {
            for (int c = 0; c < components; c++) {
                double dot = 0;
                for (int d = 0; d < dims; d++) {
                    dot += (data[i][d] - mean[d]) * axes[c][d];
                }
                points[i][c] = dot;
            }
        }
        return new Projection(points, explained);
    }

    /** A unit eigenvector's sign is arbitrary; fixing it keeps reruns' pictures alike. */
    private static double[] withLargestEntryPositive(RealVector vector) {
        double[] v = vector.unitVector().toArray();
        int largest = 0;
        for (int i = 1; i < v.length; i++) {
            largest = Math.abs(v[i]) > Math.abs(v[largest]) ? i : largest;
        }
        if (v[largest] < 0) {
            for (int i = 0; i < v.length; i++) {
                v[i] = -v[i];
            }
        }
        return v;
    }
}
