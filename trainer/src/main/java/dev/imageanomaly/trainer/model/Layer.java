package dev.imageanomaly.trainer.model;

/**
 * One layer of a network, described as data. The same description builds the DJL block that is
 * trained and the ONNX nodes that are exported, so the two cannot disagree about the architecture.
 */
public sealed interface Layer {

    /** Fully connected: {@code y = x W^T + b}. */
    record Dense(int units) implements Layer {}

    /**
     * Fully connected with a fixed random share {@code dropRate} of its connections removed; the
     * mask is drawn from {@code maskSeed} (RandNet's randomly connected autoencoders).
     */
    record MaskedDense(int units, float dropRate, long maskSeed) implements Layer {}

    /** 2-D convolution with a square kernel. */
    record Conv(int filters, int kernel, int stride, int padding) implements Layer {}

    /**
     * Nearest-neighbour upsampling of the two spatial axes by an integer factor. Used instead of a
     * transposed convolution, which DJL's PyTorch engine does not implement.
     */
    record Upsample(int factor) implements Layer {}

    record Relu() implements Layer {}

    /**
     * {@code max(x, alpha * x)}: a ReLU that keeps a small slope for negative inputs, so a
     * discriminating network (the WGAN critic) passes gradient back for every input.
     */
    record LeakyRelu(float alpha) implements Layer {}

    record Sigmoid() implements Layer {}

    /** {@code [N, C, H, W] -> [N, C*H*W]}. */
    record Flatten() implements Layer {}

    /** {@code [N, C*H*W] -> [N, C, H, W]}. */
    record Unflatten(int channels, int height, int width) implements Layer {}
}
