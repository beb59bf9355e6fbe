package dev.imageanomaly.trainer.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The detector families the trainer offers; the name is what users type and what the manifest records. */
public enum ModelKind {
    AE("ae", "dense autoencoder with one hidden (code) layer"),
    DEEP_AE("deep-ae", "dense autoencoder with hidden layers around the code"),
    CONV_AE("conv-ae", "convolutional autoencoder"),
    DENOISING_AE("denoising-ae", "deep autoencoder trained to reconstruct clean images from noisy ones");

    private final String id;
    private final String description;

    ModelKind(String id, String description) {
        this.id = id;
        this.description = description;
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
