package dev.imageanomaly.trainer.data;

import dev.imageanomaly.scoring.FeatureStandardizer;
import dev.imageanomaly.scoring.bundle.InputSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Tabular feature vectors as samples the dense kinds train on: a CSV table becomes an
 * {@link SampleSet} of {@code [1, 1, features]} samples, standardized per column. The statistics are
 * fitted on the rows a model trains on and travel in the bundle's input spec, so scoring applies
 * exactly the same transform.
 */
public final class FeatureTables {

    /** Columns that never vary would divide by zero; they are centred and left unscaled. */
    private static final double MIN_STD = 1e-12;

    private FeatureTables() {}

    /** The table's rows as they are, not yet standardized (identity statistics). */
    public static SampleSet raw(CsvTable table, String source) {
        InputSpec identity = InputSpec.features(Collections.nCopies(table.features(), 0.0),
                Collections.nCopies(table.features(), 1.0));
        String[] ids = new String[table.count()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = source + "#" + i;
        }
        return new SampleSet(identity, table.data().clone(), table.count(), ids, table.labels().clone());
    }

    /** Per-column mean and standard deviation of raw rows. */
    public static InputSpec fit(SampleSet raw) {
        int f = raw.spec().width();
        double[] sum = new double[f];
        double[] sq = new double[f];
        for (int i = 0; i < raw.count(); i++) {
            for (int j = 0; j < f; j++) {
                double v = raw.data()[i * f + j];
                sum[j] += v;
                sq[j] += v * v;
            }
        }
        List<Double> mean = new ArrayList<>(f);
        List<Double> std = new ArrayList<>(f);
        for (int j = 0; j < f; j++) {
            double m = sum[j] / raw.count();
            double sd = Math.sqrt(Math.max(0, sq[j] / raw.count() - m * m));
            mean.add(m);
            std.add(sd > MIN_STD ? sd : 1.0);
        }
        return InputSpec.features(mean, std);
    }

    /** Raw rows standardized with a spec's statistics (fitted here, or read from a bundle). */
    public static SampleSet standardize(SampleSet raw, InputSpec spec) {
        if (spec.width() != raw.spec().width()) {
            throw new IllegalArgumentException("the model expects " + spec.width() + " features per row, the data has "
                    + raw.spec().width());
        }
        float[] data = FeatureStandardizer.of(spec).standardize(raw.data(), raw.count());
        return new SampleSet(spec, data, raw.count(), raw.ids(), raw.labels());
    }
}
