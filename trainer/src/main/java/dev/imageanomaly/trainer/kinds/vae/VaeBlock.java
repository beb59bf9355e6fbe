package dev.imageanomaly.trainer.kinds.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.imageanomaly.trainer.model.Architecture;
import dev.imageanomaly.trainer.model.DjlBlocks;

/**
 * A variational autoencoder with a Gaussian decoder. Inputs: images {@code x [N, C, H, W]} and
 * standard normal noise {@code eps [N, L]}; outputs: the code's mean and log-variance {@code [N, L]}
 * and the pixels' mean and log-variance {@code [N, C, H, W]} decoded from {@code z = mu + sigma * eps}.
 * Passing the noise in, rather than drawing it inside, lets training seed it and lets the exported
 * graph fix it, so a score is repeatable.
 */
public final class VaeBlock extends AbstractBlock {

    /** Code log-variance bounds: keep exp() finite however the encoder starts. */
    public static final float CODE_LOGVAR_MIN = -10f;
    public static final float CODE_LOGVAR_MAX = 10f;
    /**
     * Pixel log-variance bounds. The lower bound stops the decoder from claiming near-certainty about
     * always-black background pixels, which would make the likelihood explode and training diverge.
     */
    public static final float PIXEL_LOGVAR_MIN = -5f;
    public static final float PIXEL_LOGVAR_MAX = 2f;

    private final SequentialBlock encoder;
    private final SequentialBlock decoder;
    private final int latent;
    private final boolean sigmoidMean;

    /** @param sigmoidMean squash the pixel mean into [0, 1] (inputs in exactly that range) */
    public VaeBlock(Architecture arch, boolean sigmoidMean) {
        this.encoder = addChildBlock("encoder", DjlBlocks.sequence(arch.encoder()));
        this.decoder = addChildBlock("decoder", DjlBlocks.sequence(arch.decoder()));
        this.latent = arch.latentSize();
        this.sigmoidMean = sigmoidMean;
    }

    public SequentialBlock encoder() {
        return encoder;
    }

    public SequentialBlock decoder() {
        return decoder;
    }

    public boolean sigmoidMean() {
        return sigmoidMean;
    }

    /** {@code [mu, logvar]} of the code. */
    public NDList encode(ParameterStore ps, NDArray x, boolean training) {
        NDList halves = encoder.forward(ps, new NDList(x), training).singletonOrThrow().split(2, 1);
        return new NDList(halves.get(0), halves.get(1).clip(CODE_LOGVAR_MIN, CODE_LOGVAR_MAX));
    }

    /** {@code [mean, logvar]} of the pixels given codes {@code z [M, L]}. */
    public NDList decode(ParameterStore ps, NDArray z, boolean training) {
        NDList halves = decoder.forward(ps, new NDList(z), training).singletonOrThrow().split(2, 1);
        NDArray mean = sigmoidMean ? Activation.sigmoid(halves.get(0)) : halves.get(0);
        return new NDList(mean, halves.get(1).clip(PIXEL_LOGVAR_MIN, PIXEL_LOGVAR_MAX));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList code = encode(ps, inputs.get(0), training);
        NDArray z = code.get(0).add(code.get(1).mul(0.5).exp().mul(inputs.get(1)));
        NDList pixels = decode(ps, z, training);
        return new NDList(code.get(0), code.get(1), pixels.get(0), pixels.get(1));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape x = inputShapes[0];
        Shape code = new Shape(x.get(0), latent);
        return new Shape[] {code, code, x, x};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        encoder.initialize(manager, dataType, inputShapes[0]);
        decoder.initialize(manager, dataType, new Shape(inputShapes[0].get(0), latent));
    }
}
