package dev.imageanomaly.trainer.kinds.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * The VAE's objective, the negative ELBO, and its two terms: the Gaussian decoder's negative
 * log-likelihood of the image and the KL divergence of the code from the prior.
 */
final class VaeLoss {

    static final double LOG_2PI = Math.log(2 * Math.PI);

    private VaeLoss() {}

    /** {@code -log N(x | mean, exp(logvar))} element by element. */
    static NDArray negativeLogLikelihood(NDArray x, NDArray mean, NDArray logvar) {
        NDArray d = x.sub(mean);
        return d.mul(d).div(logvar.exp()).add(logvar).add(LOG_2PI).mul(0.5);
    }

    /** {@code KL(N(mu, exp(logvar)) || N(0, I))} per sample: {@code [N, L] -> [N]}. */
    static NDArray klToStandardNormal(NDArray mu, NDArray logvar) {
        return logvar.add(1).sub(mu.mul(mu)).sub(logvar.exp()).sum(new int[] {1}).mul(-0.5);
    }

    /**
     * Per image and per pixel: (NLL summed over pixels + beta * KL) / pixels.
     *
     * @param out the {@link VaeBlock}'s outputs for images {@code x}
     */
    static NDArray perImageNegativeElbo(NDList out, NDArray x, float beta) {
        long pixels = x.getShape().size() / x.getShape().get(0);
        NDArray nll = negativeLogLikelihood(x, out.get(2), out.get(3)).reshape(x.getShape().get(0), -1)
                .sum(new int[] {1});
        NDArray kl = klToStandardNormal(out.get(0), out.get(1));
        return nll.add(kl.mul(beta)).div(pixels);
    }
}
