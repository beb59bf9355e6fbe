package dev.imageanomaly.trainer.kinds.iforest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageanomaly.scoring.bundle.GraphNames;
import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.scoring.engine.EngineOptions;
import dev.imageanomaly.scoring.engine.OnnxScoringEngine;
import dev.imageanomaly.trainer.ShippedData;
import dev.imageanomaly.trainer.data.Rows;
import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.kinds.ModelKinds;
import dev.imageanomaly.trainer.train.TrainedModel;
import dev.imageanomaly.trainer.train.TrainingConfig;
import dev.imageanomaly.trainer.train.TrainingConfig.ForestOptions;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** The iforest kind: isolation trees grown on subsamples, walked inside the exported graph. */
class IsolationForestTest {

    static final InputSpec TWO_FEATURES = InputSpec.features(List.of(0.0, 0.0), List.of(1.0, 1.0));

    @Test
    void theAveragePathLengthIsThatOfAnUnsuccessfulSearchInABinarySearchTree() {
        assertThat(IsolationTree.averagePathLength(1)).isZero();
        assertThat(IsolationTree.averagePathLength(2)).isEqualTo(1);
        // c(256) = 2 H(255) - 2 * 255 / 256, H(i) ~ ln i + Euler's gamma: 10.2448 (Liu et al. 2008).
        assertThat(IsolationTree.averagePathLength(256)).isCloseTo(10.2448, Offset.offset(1e-3));
    }

    @Test
    void aTreeIsolatesEveryTrainingSampleWithinItsHeightLimitAndEachSplitSeparatesTheRows() {
        SampleSet rows = gaussianRows(64, new Random(1));

        IsolationTree tree = IsolationTree.grow(rows.data(), 2, range(64), 6, new Random(2));

        assertThat(tree.leaves()).isEqualTo((tree.nodes() + 1) / 2);
        for (int i = 0; i < 64; i++) {
            // 64 distinct rows and a height limit of log2(64): each ends at depth <= 6 with what is left of c().
            assertThat(tree.pathLength(rows.data(), 2 * i)).isBetween(1f, (float) (6 + IsolationTree.averagePathLength(64)));
        }
        for (int n = 0; n < tree.nodes(); n++) {
            if (!tree.isLeaf(n)) {
                assertThat(tree.left()[n]).isNotEqualTo(tree.right()[n]).isGreaterThan(n);
            }
        }
    }

    @Test
    void anOutlierIsIsolatedSoonerAndScoresHigherThanTheNormalRows() {
        SampleSet train = gaussianRows(1000, new Random(3));
        try (TrainedModel forest = fit(train, new ForestOptions(100, 256))) {
            float[] scores = onnxScores(forest, TWO_FEATURES, new float[] {0, 0, 6, 6, 0.5f, -0.5f, -8, 0}, 4);

            // scikit-learn's IsolationForest (100 trees) on such rows scores these 0.40, 0.76, 0.42 and 0.64.
            assertThat(scores[1]).as("(6, 6)").isGreaterThan(0.7f).isGreaterThan(scores[0]);
            assertThat(scores[3]).as("(-8, 0)").isGreaterThan(0.6f).isGreaterThan(scores[2]);
            // Normal samples score below one half: their mean path length is at least c(256).
            assertThat(scores[0]).as("(0, 0)").isLessThan(0.5f);
            assertThat(scores[2]).as("(0.5, -0.5)").isLessThan(0.5f);
        }
    }

    @Test
    void theGraphMatchesThePlainWalkOnRealDigitsAndTheForestIsSeeded() {
        SampleSet digits = ShippedData.mnist10k();
        SampleSet queries = digits.where(i -> i >= 9000 && i < 9064);
        try (TrainedModel forest = fit(digits.first(2000), new ForestOptions(50, 128));
                TrainedModel again = fit(digits.first(2000), new ForestOptions(50, 128))) {
            float[] onnx = onnxScores(forest, digits.spec(), queries.data(), queries.count());
            float[] plain = forest.reference(queries.data(), queries.count()).get(GraphNames.SCORE);

            assertThat(forest.facts()).containsEntry("trees", 50).containsEntry("treeSampleSize", 128);
            for (int i = 0; i < plain.length; i++) {
                assertThat(onnx[i]).as("score[%d]", i).isCloseTo(plain[i], Offset.offset(1e-5f));
            }
            assertThat(again.reference(queries.data(), queries.count()).get(GraphNames.SCORE)).isEqualTo(plain);
        }
    }

    @Test
    void aSetSmallerThanTheSampleSizeGrowsEveryTreeOnAllOfItAndIdenticalRowsEndInOneLeaf() {
        SampleSet five = Rows.unlabelled(TWO_FEATURES, 1, 1, 1, 1, 1, 1, 2, 5, 3, 4);
        IsolationForest forest = IsolationForest.grow(five, 10, 256, 42);

        assertThat(forest.sampleSize()).isEqualTo(5);
        // Three identical rows cannot be split: their leaf adds c(3) to its depth.
        float[] scores = forest.scores(new float[] {1, 1}, 1);
        assertThat(scores[0]).isLessThan(forest.scores(new float[] {3, 4}, 1)[0]);
    }

    private static TrainedModel fit(SampleSet train, ForestOptions forest) {
        TrainingConfig d = TrainingConfig.defaults(IsolationForestKind.IFOREST);
        TrainingConfig config = new TrainingConfig(d.kind(), d.epochs(), d.batchSize(), d.learningRate(), d.schedule(),
                d.latent(), d.hidden(), d.patience(), d.noiseStd(), d.seed(), d.vae(), d.ensemble(), d.gan(),
                d.neighbours(), forest, d.memberKinds(), 0);
        return ModelKinds.fit(train, train, config, null, null);
    }

    private static float[] onnxScores(TrainedModel model, InputSpec spec, float[] batch, int count) {
        try (OnnxScoringEngine ort = OnnxScoringEngine.open(model.export("iforest-test").model(), spec,
                EngineOptions.cpu())) {
            return ort.run(batch, count, List.of(GraphNames.SCORE)).get(GraphNames.SCORE);
        }
    }

    private static int[] range(int n) {
        int[] r = new int[n];
        Arrays.setAll(r, i -> i);
        return r;
    }

    private static SampleSet gaussianRows(int count, Random random) {
        float[] values = new float[2 * count];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return Rows.unlabelled(TWO_FEATURES, values);
    }
}
