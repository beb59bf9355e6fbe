package dev.imageanomaly.trainer.report;

import dev.imageanomaly.trainer.data.SampleSet;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * A named set of images and what the exported graph said about each: the score, and the latent code
 * when the graph outputs one.
 *
 * @param latents {@code count x latentSize} floats back to back, or null when the graph has no latent output
 */
public record ScoredImages(String name, SampleSet images, float[] scores, float[] latents, int latentSize) {

    public ScoredImages {
        if (scores.length != images.count()
                || (latents != null && latents.length != (long) images.count() * latentSize)) {
            throw new IllegalArgumentException("outputs do not match the " + images.count() + " images of " + name);
        }
    }

    public int count() {
        return images.count();
    }

    /** Indices of the images, highest score first; ties keep file order so reruns list them alike. */
    public int[] rankedByScore() {
        return IntStream.range(0, count()).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -scores[i]))
                .mapToInt(Integer::intValue).toArray();
    }

    public float[] latent(int i) {
        return Arrays.copyOfRange(latents, i * latentSize, (i + 1) * latentSize);
    }
}
