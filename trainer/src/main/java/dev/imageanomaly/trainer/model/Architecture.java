package dev.imageanomaly.trainer.model;

import java.util.List;

/** An autoencoder as two layer lists: the encoder ends at the latent code, the decoder ends at the reconstruction. */
public record Architecture(List<Layer> encoder, List<Layer> decoder, int latentSize) {}
