package dev.imageanomaly.trainer.model;

import java.util.List;

/**
 * A WGAN critic as two layer lists: {@code features} maps an image to the feature vector f(x)
 * that f-AnoGAN compares between an image and its reconstruction; {@code head} maps f(x) to the
 * critic's scalar score.
 */
public record Critic(List<Layer> features, List<Layer> head) {}
