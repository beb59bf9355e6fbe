package dev.imageanomaly.trainer.data;

import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.scoring.image.DecodedImage;
import dev.imageanomaly.scoring.image.Preprocessor;
import dev.imageanomaly.scoring.source.LoadedImages;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * Preprocessed samples ready for a model, images or standardized feature rows of a CSV table (the
 * spec says which): {@code count} samples laid out back to back in {@code data} (each
 * {@code spec.sampleSize()} floats, CHW for images), with an id per sample and a label per sample
 * ({@link #NO_LABEL} when unknown).
 */
public record SampleSet(InputSpec spec, float[] data, int count, String[] ids, int[] labels) {

    public static final int NO_LABEL = LoadedImages.NO_LABEL;

    public SampleSet {
        if (data.length != (long) count * spec.sampleSize() || ids.length != count || labels.length != count) {
            throw new IllegalArgumentException("sample set arrays do not match count " + count);
        }
    }

    /**
     * Decoded images preprocessed into a spec through the scoring module's {@link Preprocessor}: the
     * very code the scorer runs.
     */
    public static SampleSet preprocess(LoadedImages loaded, InputSpec spec) {
        Preprocessor pre = new Preprocessor(spec);
        int n = spec.sampleSize();
        List<DecodedImage> images = loaded.images();
        float[] data = new float[images.size() * n];
        for (int i = 0; i < images.size(); i++) {
            pre.toInput(images.get(i), data, i * n);
        }
        return new SampleSet(spec, data, images.size(), loaded.ids().toArray(String[]::new), loaded.labels());
    }

    public boolean labelled() {
        return Arrays.stream(labels).allMatch(l -> l != NO_LABEL);
    }

    public float[] sample(int i) {
        int n = spec.sampleSize();
        return Arrays.copyOfRange(data, i * n, (i + 1) * n);
    }

    public SampleSet subset(int[] indices) {
        int n = spec.sampleSize();
        float[] out = new float[indices.length * n];
        String[] outIds = new String[indices.length];
        int[] outLabels = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(data, indices[i] * n, out, i * n, n);
            outIds[i] = ids[indices[i]];
            outLabels[i] = labels[indices[i]];
        }
        return new SampleSet(spec, out, indices.length, outIds, outLabels);
    }

    public SampleSet where(IntPredicate indexFilter) {
        return subset(java.util.stream.IntStream.range(0, count).filter(indexFilter).toArray());
    }

    public SampleSet withLabels(Set<Integer> classes) {
        return where(i -> classes.contains(labels[i]));
    }

    public SampleSet first(int n) {
        return n >= count ? this : subset(java.util.stream.IntStream.range(0, n).toArray());
    }

    /** All samples relabelled with one label, e.g. 0 for "normal", 1 for "anomalous". */
    public SampleSet relabel(int label) {
        int[] same = new int[count];
        Arrays.fill(same, label);
        return new SampleSet(spec, data, count, ids, same);
    }

    public SampleSet concat(SampleSet other) {
        if (!spec.equals(other.spec)) {
            throw new IllegalArgumentException("cannot join sample sets with different input specs");
        }
        float[] joined = Arrays.copyOf(data, data.length + other.data.length);
        System.arraycopy(other.data, 0, joined, data.length, other.data.length);
        String[] joinedIds = Arrays.copyOf(ids, count + other.count);
        System.arraycopy(other.ids, 0, joinedIds, count, other.count);
        int[] joinedLabels = Arrays.copyOf(labels, count + other.count);
        System.arraycopy(other.labels, 0, joinedLabels, count, other.count);
        return new SampleSet(spec, joined, count + other.count, joinedIds, joinedLabels);
    }

    /** SHA-256 over the preprocessed samples: two trainings saw the same data iff their fingerprints match. */
    public String fingerprint() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            ByteBuffer buf = ByteBuffer.allocate(4 * 4096);
            for (int i = 0; i < data.length; i++) {
                if (!buf.hasRemaining()) {
                    md.update(buf.array(), 0, buf.position());
                    buf.clear();
                }
                buf.putFloat(data[i]);
            }
            md.update(buf.array(), 0, buf.position());
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
