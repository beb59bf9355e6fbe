package dev.imageanomaly.scoring.bundle;

import java.util.List;

/**
 * What the ONNX graph expects as input, and how raw pixels or feature values become that input.
 * The scorer preprocesses with exactly this spec, so production sees what training saw.
 *
 * <p>Images ({@value #NCHW}): pixels are scaled from [0, 255] to {@code valueRange}, then
 * normalized per channel as {@code (x - mean[c]) / std[c]}.
 *
 * <p>Feature vectors ({@value #FEATURES}, tabular data): a sample is {@code width} numbers, fed to
 * the graph as {@code [N, 1, 1, width]} after per-column standardization
 * {@code (x - mean[j]) / std[j]}; {@code valueRange} does not apply and is null.
 */
public record InputSpec(
        String layout,
        int channels,
        int height,
        int width,
        List<Double> valueRange,
        List<Double> mean,
        List<Double> std) {

    public static final String NCHW = "NCHW";
    public static final String FEATURES = "features";

    public static InputSpec image(int channels, int height, int width) {
        List<Double> zeros = java.util.Collections.nCopies(channels, 0.0);
        List<Double> ones = java.util.Collections.nCopies(channels, 1.0);
        return new InputSpec(NCHW, channels, height, width, List.of(0.0, 1.0), zeros, ones);
    }

    /** A spec for feature vectors standardized with the given per-column statistics. */
    public static InputSpec features(List<Double> mean, List<Double> std) {
        return new InputSpec(FEATURES, 1, 1, mean.size(), null, List.copyOf(mean), List.copyOf(std));
    }

    public boolean isFeatures() {
        return FEATURES.equals(layout);
    }

    /** Images in exactly [0, 1] without normalization: a sigmoid output can reproduce them. */
    public boolean isUnitRangeImage() {
        return NCHW.equals(layout) && valueRange.equals(List.of(0.0, 1.0))
                && mean.stream().allMatch(m -> m == 0.0) && std.stream().allMatch(s -> s == 1.0);
    }

    /** Number of floats one sample occupies in the input tensor. */
    public int sampleSize() {
        return channels * height * width;
    }

    /** The shape of one sample in the input tensor, without the batch dimension. */
    public long[] sampleShape() {
        return new long[] {channels, height, width};
    }

    public long[] batchShape(int batchSize) {
        return new long[] {batchSize, channels, height, width};
    }

    void validate() {
        if (FEATURES.equals(layout)) {
            ManifestException.require(channels == 1 && height == 1, "input", "feature vectors have channels 1 and height 1");
            ManifestException.require(width > 0, "input.width", "must be the positive number of features, was " + width);
            ManifestException.require(mean != null && mean.size() == width, "input.mean", "must have one value per feature");
            ManifestException.require(std != null && std.size() == width && std.stream().allMatch(s -> s > 0),
                    "input.std", "must have one positive value per feature");
            return;
        }
        ManifestException.require(NCHW.equals(layout), "input.layout",
                "must be " + NCHW + " or " + FEATURES + ", was " + layout);
        ManifestException.require(channels == 1 || channels == 3, "input.channels", "must be 1 or 3, was " + channels);
        ManifestException.require(height > 0, "input.height", "must be positive, was " + height);
        ManifestException.require(width > 0, "input.width", "must be positive, was " + width);
        ManifestException.require(valueRange != null && valueRange.size() == 2 && valueRange.get(0) < valueRange.get(1),
                "input.valueRange", "must be [low, high] with low < high");
        ManifestException.require(mean != null && mean.size() == channels, "input.mean", "must have one value per channel");
        ManifestException.require(std != null && std.size() == channels && std.stream().allMatch(s -> s > 0),
                "input.std", "must have one positive value per channel");
    }
}
