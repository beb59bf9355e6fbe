package dev.imageanomaly.trainer.kinds.knn;

import static dev.imageanomaly.trainer.export.OnnxGraph.integer;
import static dev.imageanomaly.trainer.export.OnnxGraph.ints;

import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.trainer.export.OnnxGraph;
import java.util.List;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;

/**
 * The second distance the {@code knn} kind measures for images: from a query to the flat through its
 * {@code neighbours} nearest codebook samples (their mean plus combinations of their differences
 * from it), fitted by ridge regression. A normal image differs from its neighbours mostly along the
 * ways normal images vary (a stroke a little thicker, a sleeve a little longer), which such
 * combinations follow; an anomaly differs in ways they do not. Vincent and Bengio's (2002) local
 * hyperplane distance, regularized: the ridge, {@link #RIDGE} times the neighbours' mean squared
 * spread, keeps a flat through ten images of a 784-pixel space from reaching everything.
 *
 * <p>Written out plainly here (the reference: the neighbours' differences from their mean, a Cholesky
 * solve) and as graph nodes, which work on the neighbours' dot products instead and solve the ridge
 * system by Newton-Schulz steps, matrix products only: the ridge bounds the system's eigenvalues, so
 * the number of steps that reaches {@link #SOLVE_TOLERANCE} is known in advance.
 *
 * <p>An image prior: on standardized table rows the flat through ten rows of a few columns reaches
 * most anomalies too, and the plain distance measures better; feature vectors get {@link #NONE}.
 */
record LocalSubspace(int neighbours) {

    /** Off: the score is the mean distance alone. */
    static final LocalSubspace NONE = new LocalSubspace(0);

    /** Ridge over the neighbours' mean squared spread (the trace of their Gram matrix over its size). */
    static final double RIDGE = 3;

    /** How close to the exact ridge solution the graph's Newton-Schulz steps get (spectral norm of I - A X). */
    static final double SOLVE_TOLERANCE = 1e-6;

    /**
     * The least ridge, over the squared length of the neighbours' mean: where the neighbours coincide
     * (no spread) the flat is their point, and the float rounding left in the graph's targets must
     * not be divided by a ridge near zero. {@code Float.MIN_NORMAL} more keeps it positive where
     * they are all zero.
     */
    static final double RIDGE_FLOOR = 1e-6;

    LocalSubspace {
        if (neighbours < 0) {
            throw new IllegalArgumentException("the subspace neighbours must be 0 (off) or more, was " + neighbours);
        }
    }

    /** Images as asked; feature vectors without. */
    static LocalSubspace of(InputSpec spec, int neighbours) {
        return spec.isFeatures() ? NONE : new LocalSubspace(neighbours);
    }

    boolean isNone() {
        return neighbours == 0;
    }

    /** No more neighbours than there are samples. */
    LocalSubspace limitedTo(int samples) {
        return neighbours <= samples ? this : new LocalSubspace(samples);
    }

    String describe() {
        return isNone() ? "" : "geometric mean with the distance to the ridge-fitted flat through the " + neighbours
                + " nearest (ridge " + RIDGE + " times their mean squared spread)";
    }

    /** Plainly: the distance from {@code query} to the flat through the codebook rows {@code nearest}. */
    double distance(float[] query, int queryOffset, float[] samples, int[] nearest, int width) {
        int s = nearest.length;
        double[] mean = new double[width];
        for (int row : nearest) {
            for (int j = 0; j < width; j++) {
                mean[j] += samples[row * width + j] / (double) s;
            }
        }
        double[][] spread = new double[s][width];
        double[] offset = new double[width];
        for (int i = 0; i < s; i++) {
            for (int j = 0; j < width; j++) {
                spread[i][j] = samples[nearest[i] * width + j] - mean[j];
            }
        }
        for (int j = 0; j < width; j++) {
            offset[j] = query[queryOffset + j] - mean[j];
        }
        RealMatrix v = new Array2DRowRealMatrix(spread, false);
        RealMatrix gram = v.multiply(v.transpose());
        double ridge = RIDGE * gram.getTrace() / s + RIDGE_FLOOR * new ArrayRealVector(mean).dotProduct(
                new ArrayRealVector(mean)) + Float.MIN_NORMAL;
        RealMatrix system = gram.add(MatrixUtils.createRealIdentityMatrix(s).scalarMultiply(ridge));
        // Positive definite by the ridge, however small the spread: no threshold of Cholesky's own applies.
        CholeskyDecomposition cholesky = new CholeskyDecomposition(system,
                CholeskyDecomposition.DEFAULT_RELATIVE_SYMMETRY_THRESHOLD, 0);
        RealVector weights = cholesky.getSolver().solve(v.operate(new ArrayRealVector(offset)));
        RealVector residual = new ArrayRealVector(offset).subtract(v.transpose().operate(weights));
        return residual.getNorm();
    }

    /**
     * The same as nodes, from what the exporter already has: {@code queryNorms [N, 1]} the queries'
     * squared lengths, {@code crossTerms [N, M]} minus twice their dot products with every codebook
     * sample, {@code indices [N, S]} their nearest samples, {@code codebook [M, D]} the samples, a row
     * each. Out: the distances {@code [N]}.
     *
     * <p>Only the neighbours' Gram matrix {@code P} ({@code S x S}) is computed from their pixels; the
     * rest is algebra on {@code S}-sized quantities: with {@code m} the neighbours' mean and {@code
     * r = q - m}, the centred Gram matrix is {@code P} minus its row and column means plus its mean,
     * {@code b_i = (n_i - m).r} likewise from the dot products {@code n_i.q}, and the squared residual
     * is {@code |r|^2 - b.w - ridge |w|^2} for the ridge solution {@code w} (since {@code A w = b}).
     */
    String distance(OnnxGraph g, String queryNorms, String crossTerms, String indices, String codebook) {
        int s = neighbours;
        float[] eye = new float[s * s];
        for (int i = 0; i < s; i++) {
            eye[i * s + i] = 1;
        }
        String identity = g.floats("subspace_identity", eye, s, s);
        String near = g.node("Gather", List.of(codebook, indices), List.of(integer("axis", 0)), null);
        String products = g.node("MatMul", near,
                g.node("Transpose", List.of(near), List.of(ints("perm", 0, 2, 1)), null));
        String rowMeans = g.node("ReduceMean", List.of(products), List.of(ints("axes", 2), integer("keepdims", 0)),
                null);
        String meanSquared = g.node("ReduceMean", List.of(rowMeans), List.of(ints("axes", 1), integer("keepdims", 1)),
                null);
        String gram = g.node("Add", g.node("Sub", g.node("Sub", products, g.unsqueeze(rowMeans, 2)),
                g.unsqueeze(rowMeans, 1)), g.unsqueeze(meanSquared, 2));
        String dots = g.node("Mul", g.node("GatherElements", List.of(crossTerms, indices), List.of(integer("axis", 1)),
                null), g.scalar(-0.5f));
        String meanDot = g.node("ReduceMean", List.of(dots), List.of(ints("axes", 1), integer("keepdims", 1)), null);
        String targets = g.node("Add", g.node("Sub", g.node("Sub", dots, rowMeans), meanDot), meanSquared);
        String offsetSquared = g.node("Add", g.node("Sub", queryNorms, g.node("Mul", meanDot, g.scalar(2))),
                meanSquared);
        String trace = g.node("ReduceSum", List.of(g.node("Mul", gram, identity), g.longs("axes", 1, 2)),
                List.of(integer("keepdims", 1)), null);
        String floor = g.node("Add", g.node("Mul", g.unsqueeze(meanSquared, 2), g.scalar((float) RIDGE_FLOOR)),
                g.scalar(Float.MIN_NORMAL));
        String ridge = g.node("Add", g.node("Mul", trace, g.scalar((float) (RIDGE / s))), floor);
        String system = g.node("Add", gram, g.node("Mul", ridge, identity));
        // The system's eigenvalues lie in [ridge, ridge + trace]: starting from 2 / (2 ridge + trace) times I,
        // I - A X has norm at most trace / (2 ridge + trace), and each step squares it.
        String inverse = g.node("Mul", identity, g.node("Div", g.scalar(2),
                g.node("Add", g.node("Mul", ridge, g.scalar(2)), trace)));
        String twice = g.node("Mul", identity, g.scalar(2));
        for (int step = 0; step < solveSteps(); step++) {
            inverse = g.node("MatMul", inverse, g.node("Sub", twice, g.node("MatMul", system, inverse)));
        }
        String rowTargets = g.unsqueeze(targets, 1);
        String weights = g.node("MatMul", rowTargets, inverse);
        String explained = g.node("Add", g.node("Mul", weights, rowTargets),
                g.node("Mul", g.node("Mul", weights, weights), ridge));
        String explainedSum = g.node("ReduceSum", List.of(explained, g.longs("axes", 1, 2)),
                List.of(integer("keepdims", 0)), null);
        String squared = g.node("Sub", g.node("Squeeze", offsetSquared, g.longs("axes", 1)), explainedSum);
        // Rounding can leave a tiny negative where the query lies on the flat.
        return g.node("Sqrt", g.node("Relu", squared));
    }

    /** Newton-Schulz steps from the bound above: the smallest t with bound^(2^t) at most the tolerance. */
    int solveSteps() {
        double bound = neighbours / (2 * RIDGE + neighbours);
        int steps = 0;
        for (double error = bound; error > SOLVE_TOLERANCE; error *= error) {
            steps++;
        }
        return steps;
    }
}
