package dev.imageanomaly.scoring;

import dev.imageanomaly.scoring.bundle.InputSpec;

/** Per-column standardization of feature vectors, {@code (x - mean[j]) / std[j]}, as the manifest records it. */
public final class FeatureStandardizer {

    private final double[] mean;
    private final double[] std;

    private FeatureStandardizer(double[] mean, double[] std) {
        this.mean = mean;
        this.std = std;
    }

    public static FeatureStandardizer of(InputSpec spec) {
        if (!spec.isFeatures()) {
            throw new IllegalArgumentException("input layout is " + spec.layout() + ", not " + InputSpec.FEATURES);
        }
        return new FeatureStandardizer(spec.mean().stream().mapToDouble(Double::doubleValue).toArray(),
                spec.std().stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** @param rows {@code count} rows of raw values back to back; a new array is returned */
    public float[] standardize(float[] rows, int count) {
        int f = mean.length;
        if (rows.length != (long) count * f) {
            throw new IllegalArgumentException("expected " + count + " rows of " + f + " features ("
                    + (long) count * f + " values), got " + rows.length + " values");
        }
        float[] out = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            int j = i % f;
            out[i] = (float) ((rows[i] - mean[j]) / std[j]);
        }
        return out;
    }
}
