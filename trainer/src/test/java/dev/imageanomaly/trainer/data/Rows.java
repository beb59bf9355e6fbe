package dev.imageanomaly.trainer.data;

import dev.imageanomaly.scoring.bundle.InputSpec;
import java.util.Arrays;

/** Small unlabelled sample sets written out in a test, row after row. */
public final class Rows {

    private Rows() {}

    /** The samples {@code values} holds back to back, as {@code spec} lays them out, named row#0, row#1, ... */
    public static SampleSet unlabelled(InputSpec spec, float... values) {
        int count = values.length / spec.sampleSize();
        String[] ids = new String[count];
        Arrays.setAll(ids, i -> "row#" + i);
        int[] labels = new int[count];
        Arrays.fill(labels, SampleSet.NO_LABEL);
        return new SampleSet(spec, values, count, ids, labels);
    }
}
