package dev.imageanomaly.trainer.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** PCA and t-SNE of latent codes: the views keep what they promise to keep. */
class ProjectionsTest {

    @Test
    void pcaFindsTheDirectionsOfLargestSpreadAndTheirShareOfVariance() {
        // standard deviations 3, 2, 1 along the axes: variances 9, 4, 1 of 14
        Random random = new Random(1);
        int n = 20_000;
        float[] rows = new float[n * 3];
        for (int i = 0; i < n; i++) {
            rows[i * 3] = (float) (random.nextGaussian() * 1);
            rows[i * 3 + 1] = (float) (random.nextGaussian() * 3 + 5);
            rows[i * 3 + 2] = (float) (random.nextGaussian() * 2);
        }

        Pca.Projection p = Pca.project(rows, n, 3, 2);

        assertThat(p.explained()[0]).isCloseTo(9 / 14.0, within(0.02));
        assertThat(p.explained()[1]).isCloseTo(4 / 14.0, within(0.02));
        // the first component is the second axis: centred, and its values track that coordinate
        for (int i = 0; i < 5; i++) {
            assertThat(p.points()[i][0]).isCloseTo(rows[i * 3 + 1] - 5, within(0.2));
        }
    }

    @Test
    void pcaOfPointsOnALineExplainsEverythingWithTheFirstComponent() {
        float[] rows = new float[200];
        for (int i = 0; i < 100; i++) {
            rows[2 * i] = i;
            rows[2 * i + 1] = 2 * i;
        }

        Pca.Projection p = Pca.project(rows, 100, 2, 2);

        assertThat(p.explained()[0]).isCloseTo(1, within(1e-9));
        assertThat(p.explained()[1]).isCloseTo(0, within(1e-9));
    }

    @Test
    void tsneKeepsTwoSeparateClustersApart() {
        Random random = new Random(2);
        int perCluster = 60;
        int dims = 10;
        float[] rows = new float[2 * perCluster * dims];
        for (int i = 0; i < 2 * perCluster; i++) {
            for (int d = 0; d < dims; d++) {
                rows[i * dims + d] = (float) (random.nextGaussian() + (i < perCluster ? 0 : 6));
            }
        }

        double[][] y = TSne.embed(rows, 2 * perCluster, dims, 42);

        for (int i = 0; i < y.length; i++) {
            int nearest = -1;
            double best = Double.POSITIVE_INFINITY;
            for (int j = 0; j < y.length; j++) {
                double d = Math.hypot(y[i][0] - y[j][0], y[i][1] - y[j][1]);
                if (j != i && d < best) {
                    best = d;
                    nearest = j;
                }
            }
            assertThat(nearest < perCluster).as("nearest neighbour of point %d in the map", i).isEqualTo(i < perCluster);
        }
    }

    @Test
    void tsneIsRepeatableForTheSameSeed() {
        Random random = new Random(3);
        float[] rows = new float[30 * 4];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = (float) random.nextGaussian();
        }

        assertThat(TSne.embed(rows, 30, 4, 7)).isDeepEqualTo(TSne.embed(rows, 30, 4, 7));
    }
}
