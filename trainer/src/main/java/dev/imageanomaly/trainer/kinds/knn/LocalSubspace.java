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
 * <p>Written out plainly here (the reference) and as graph nodes; in the graph the ridge system is
 * solved by Newton-Schulz steps, which use only matrix products: the ridge bounds the system's
 * eigenvalues, so the number of steps that reaches {@link #SOLVE_TOLERANCE} is known in advance.
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

    /** Keeps the ridge positive where all neighbours coincide (their spread is zero). */
    static final float RIDGE_FLOOR = 1e-12f;

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
        double ridge = RIDGE * gram.getTrace() / s + RIDGE_FLOOR;
        RealMatrix system = gram.add(MatrixUtils.createRealIdentityMatrix(s).scalarMultiply(ridge));
        RealVector weights = new CholeskyDecomposition(system).getSolver().solve(v.operate(new ArrayRealVector(offset)));
        RealVector residual = new ArrayRealVector(offset).subtract(v.transpose().operate(weights));
        return residual.getNorm();
    }

    /**
     * The same as nodes. {@code flat [N, D]} are the queries' representations, {@code indices [N, S]} their
     * nearest codebook samples, {@code codebook [D, M]} the codebook as the exporter keeps it, each
     * sample a column multiplied by {@code codebookScale}. Out: the distances {@code [N]}.
     */
    String distance(OnnxGraph g, String flat, String indices, String codebook, float codebookScale) {
        int s = neighbours;
        float[] eye = new float[s * s];
        for (int i = 0; i < s; i++) {
            eye[i * s + i] = 1;
        }
        String identity = g.floats("subspace_identity", eye, s, s);
        String gathered = g.node("Gather", List.of(codebook, indices), List.of(integer("axis", 1)), null);
        String near = g.node("Mul", g.node("Transpose", List.of(gathered), List.of(ints("perm", 1, 2, 0)), null),
                g.scalar(1 / codebookScale));
        String mean = g.node("ReduceMean", List.of(near), List.of(ints("axes", 1), integer("keepdims", 1)), null);
        String spread = g.node("Sub", near, mean);
        String offset = g.node("Sub", g.unsqueeze(flat, 1), mean);
        String spreadTransposed = g.node("Transpose", List.of(spread), List.of(ints("perm", 0, 2, 1)), null);
        String gram = g.node("MatMul", spread, spreadTransposed);
        String trace = g.node("ReduceSum", List.of(g.node("Mul", gram, identity), g.longs("axes", 1, 2)),
                List.of(integer("keepdims", 1)), null);
        String ridge = g.node("Add", g.node("Mul", trace, g.scalar((float) (RIDGE / s))), g.scalar(RIDGE_FLOOR));
        String system = g.node("Add", gram, g.node("Mul", ridge, identity));
        // The system's eigenvalues lie in [ridge, ridge + trace]: starting from 2 / (2 ridge + trace) times I,
        // I - A X has norm at most trace / (2 ridge + trace), and each step squares it.
        String inverse = g.node("Mul", identity, g.node("Div", g.scalar(2),
                g.node("Add", g.node("Mul", ridge, g.scalar(2)), trace)));
        String twice = g.node("Mul", identity, g.scalar(2));
        for (int step = 0; step < solveSteps(); step++) {
            inverse = g.node("MatMul", inverse, g.node("Sub", twice, g.node("MatMul", system, inverse)));
        }
        String weights = g.node("MatMul", g.node("MatMul", offset, spreadTransposed), inverse);
        String residual = g.node("Sub", offset, g.node("MatMul", weights, spread));
        String squared = g.node("ReduceSum", List.of(g.node("Mul", residual, residual), g.longs("axes", 1, 2)),
                List.of(integer("keepdims", 0)), null);
        return g.node("Sqrt", squared);
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
