package dev.imageanomaly.trainer.report;

import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.report.ReportData.ClassScores;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * A named set of images and what the exported graph said about each: the score, and the latent code
 * when the graph outputs one.
 *
 * @param latents {@code count x latentSize} floats back to back, or null when the graph has no latent output
 */
public record ScoredImages(String name, SampleSet images, float[] scores, float[] latents, int latentSize) {

    /** Most classes per set drawn as separate boxes; more would be unreadable. */
    private static final int MAX_CLASSES = 20;

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

    /** This set followed by {@code other}, under a new name. */
    public ScoredImages concat(String name, ScoredImages other) {
        float[] joinedScores = Arrays.copyOf(scores, count() + other.count());
        System.arraycopy(other.scores, 0, joinedScores, count(), other.count());
        float[] joinedLatents = null;
        if (latents != null && other.latents != null) {
            joinedLatents = Arrays.copyOf(latents, latents.length + other.latents.length);
            System.arraycopy(other.latents, 0, joinedLatents, latents.length, other.latents.length);
        }
        return new ScoredImages(name, images.concat(other.images), joinedScores, joinedLatents, latentSize);
    }

    /** Box per class of each set when the images carry class labels, else one box per set. */
    static List<ClassScores> perClass(ScoredImages... sets) {
        List<ClassScores> boxes = new ArrayList<>();
        for (ScoredImages set : sets) {
            int[] labels = set.images().labels();
            TreeSet<Integer> classes = new TreeSet<>();
            Arrays.stream(labels).forEach(classes::add);
            if (!set.images().labelled() || classes.size() > MAX_CLASSES || classes.size() < 2) {
                boxes.add(new ClassScores(set.name(), set.scores()));
                continue;
            }
            for (int c : classes) {
                float[] scores = new float[(int) Arrays.stream(labels).filter(l -> l == c).count()];
                int k = 0;
                for (int i = 0; i < set.count(); i++) {
                    if (labels[i] == c) {
                        scores[k++] = set.scores()[i];
                    }
                }
                boxes.add(new ClassScores(set.name() + " " + c, scores));
            }
        }
        return boxes;
    }
}
