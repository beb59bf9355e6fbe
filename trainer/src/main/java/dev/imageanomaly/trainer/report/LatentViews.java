package dev.imageanomaly.trainer.report;

import dev.imageanomaly.scoring.bundle.GraphNames;
import dev.imageanomaly.scoring.bundle.Manifest;
import dev.imageanomaly.trainer.report.ReportData.LatentView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/** The latent codes in two dimensions (PCA and t-SNE), coloured by score fifths or by group. */
final class LatentViews {

    /** Latent views show at most this many images: enough to see structure, few enough for exact t-SNE. */
    static final int LATENT_POINTS = 2000;
    private static final int SCORE_GROUPS = 5;

    private final boolean hasLatent;

    LatentViews(Manifest manifest) {
        this.hasLatent = manifest.outputs().contains(GraphNames.LATENT);
    }

    Section<LatentView> byScore(List<ScoredImages> sets) {
        ScoredImages all = sets.get(0);
        for (ScoredImages s : sets.subList(1, sets.size())) {
            all = all.concat("all", s);
        }
        Section<int[]> shown = latentSample(all);
        if (!shown.present()) {
            return Section.omitted(shown.whyOmitted());
        }
        float[] scores = new float[shown.content().length];
        for (int k = 0; k < scores.length; k++) {
            scores[k] = all.scores()[shown.content()[k]];
        }
        float[] sorted = scores.clone();
        Arrays.sort(sorted);
        List<String> groups = new ArrayList<>();
        float[] upper = new float[SCORE_GROUPS];
        for (int g = 0; g < SCORE_GROUPS; g++) {
            float low = sorted[sorted.length * g / SCORE_GROUPS];
            upper[g] = sorted[Math.min(sorted.length - 1, sorted.length * (g + 1) / SCORE_GROUPS)];
            groups.add(String.format("score %.3g-%.3g", low, upper[g]));
        }
        int[] groupOf = new int[scores.length];
        for (int k = 0; k < scores.length; k++) {
            int g = 0;
            while (g < SCORE_GROUPS - 1 && scores[k] > upper[g]) {
                g++;
            }
            groupOf[k] = g;
        }
        return latentView(all, shown.content(), "score (fifths, light = low)", groups, groupOf);
    }

    Section<LatentView> byGroup(ScoredImages set, String by, List<String> groups, int[] groupOfImage) {
        Section<int[]> shown = latentSample(set);
        if (!shown.present()) {
            return Section.omitted(shown.whyOmitted());
        }
        int[] groupOf = Arrays.stream(shown.content()).map(i -> groupOfImage[i]).toArray();
        return latentView(set, shown.content(), by, groups, groupOf);
    }

    /** The images a latent view shows: all of them, or a seeded sample of {@value #LATENT_POINTS}. */
    private Section<int[]> latentSample(ScoredImages set) {
        if (!hasLatent) {
            return Section.omitted("the graph has no '" + GraphNames.LATENT + "' output");
        }
        if (set.latentSize() < 2) {
            return Section.omitted("the latent code has " + set.latentSize() + " dimension; the score histogram shows it");
        }
        return Section.of(set.count() <= LATENT_POINTS ? IntStream.range(0, set.count()).toArray()
                : SeededSample.indices(set.count(), LATENT_POINTS));
    }

    private Section<LatentView> latentView(ScoredImages set, int[] shown, String colouredBy, List<String> groups,
            int[] groupOf) {
        int dims = set.latentSize();
        float[] rows = new float[shown.length * dims];
        for (int k = 0; k < shown.length; k++) {
            System.arraycopy(set.latents(), shown[k] * dims, rows, k * dims, dims);
        }
        Pca.Projection pca = Pca.project(rows, shown.length, dims, 2);
        Section<double[][]> tsne = shown.length < TSne.MIN_POINTS
                ? Section.omitted("t-SNE needs at least " + TSne.MIN_POINTS + " images, there are " + shown.length)
                : Section.of(TSne.embed(rows, shown.length, dims, SeededSample.SEED));
        String note = shown.length == set.count()
                ? String.format("all %,d images", set.count())
                : String.format("a seeded random sample of %,d of the %,d images", shown.length, set.count());
        return Section.of(new LatentView(colouredBy, groups, groupOf, pca.points(), pca.explained(), tsne, note));
    }
}
