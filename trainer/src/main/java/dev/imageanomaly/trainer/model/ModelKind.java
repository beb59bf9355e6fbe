package dev.imageanomaly.trainer.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The detector families the trainer offers; the name is what users type and what the manifest records. */
public enum ModelKind {
    AE("ae", Family.AUTOENCODER, true, "dense autoencoder with one hidden (code) layer"),
    DEEP_AE("deep-ae", Family.AUTOENCODER, true, "dense autoencoder with hidden layers around the code"),
    CONV_AE("conv-ae", Family.AUTOENCODER, false, "convolutional autoencoder"),
    DENOISING_AE("denoising-ae", Family.AUTOENCODER, true,
            "deep autoencoder trained to reconstruct clean images from noisy ones"),
    VAE("vae", Family.VAE, true, "dense variational autoencoder scored by reconstruction probability"),
    CONV_VAE("conv-vae", Family.VAE, false, "convolutional variational autoencoder scored by reconstruction probability"),
    RANDNET("randnet", Family.ENSEMBLE, true, "ensemble of randomly connected autoencoders (RandNet)"),
    WGAN("wgan", Family.GAN, false,
            "Wasserstein GAN with an encoder trained after it (f-AnoGAN), scored by image and critic-feature residuals");

    /** Kinds that share a training procedure and an exporter. */
    public enum Family { AUTOENCODER, VAE, ENSEMBLE, GAN }

    private final String id;
    private final Family family;
    private final boolean dense;
    private final String description;

    ModelKind(String id, Family family, boolean dense, String description) {
        this.id = id;
        this.family = family;
        this.dense = dense;
        this.description = description;
    }

    public Family family() {
        return family;
    }

    /** Dense kinds see a sample as a flat vector, so they also train on tabular feature vectors. */
    public boolean dense() {
        return dense;
    }

    public String id() {
        return id;
    }

    public String description() {
        return description;
    }

    public static ModelKind parse(String value) {
        for (ModelKind k : values()) {
            if (k.id.equalsIgnoreCase(value.trim())) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown model kind '" + value + "'; expected one of "
                + Arrays.stream(values()).map(ModelKind::id).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return id.toLowerCase(Locale.ROOT);
    }
}
