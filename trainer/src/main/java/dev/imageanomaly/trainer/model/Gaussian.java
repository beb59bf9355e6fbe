package dev.imageanomaly.trainer.model;

import ai.djl.ndarray.NDArray;

/** The two terms of a Gaussian VAE's objective, element-wise and per sample. */
public final class Gaussian {

    public static final double LOG_2PI = Math.log(2 * Math.PI);

    private Gaussian() {}

    /** {@code -log N(x | mean, exp(logvar))} element by element. */
    public static NDArray negativeLogLikelihood(NDArray x, NDArray mean, NDArray logvar) {
        NDArray d = x.sub(mean);
        return d.mul(d).div(logvar.exp()).add(logvar).add(LOG_2PI).mul(0.5);
    }

    /** {@code KL(N(mu, exp(logvar)) || N(0, I))} per sample: {@code [N, L] -> [N]}. */
    public static NDArray klToStandardNormal(NDArray mu, NDArray logvar) {
        return logvar.add(1).sub(mu.mul(mu)).sub(logvar.exp()).sum(new int[] {1}).mul(-0.5);
    }
}
