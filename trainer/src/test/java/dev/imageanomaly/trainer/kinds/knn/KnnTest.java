package dev.imageanomaly.trainer.kinds.knn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imageanomaly.scoring.bundle.GraphNames;
import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.scoring.engine.EngineOptions;
import dev.imageanomaly.scoring.engine.OnnxScoringEngine;
import dev.imageanomaly.trainer.ShippedData;
import dev.imageanomaly.trainer.data.Rows;
import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.eval.DetectionMetrics;
import dev.imageanomaly.trainer.kinds.ModelKinds;
import dev.imageanomaly.trainer.train.TrainedModel;
import dev.imageanomaly.trainer.train.TrainingConfig;
import dev.imageanomaly.trainer.train.TrainingConfig.NeighbourOptions;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** The knn kind: the mean distance to the nearest codebook samples, and to their flat, computed in the graph. */
class KnnTest {

    static final InputSpec TWO_FEATURES = InputSpec.features(List.of(0.0, 0.0), List.of(1.0, 1.0));

    @Test
    void theScoreIsTheMeanDistanceToTheNearestCodebookSamples() {
        // Codebook (0,0), (3,0), (0,4), (10,10).
        SampleSet train = Rows.unlabelled(TWO_FEATURES, 0, 0, 3, 0, 0, 4, 10, 10);

        // A blur, unit length and a flat are asked for; feature vectors are not images: they are compared as they are.
        try (TrainedModel knn = fit(train, new NeighbourOptions(100, 3, 0.35, 1.0, 1, 10))) {
            float[] scores = onnxScores(knn, new float[] {6, 8, 1, 0}, 2, new long[] {1, 1, 2});

            assertThat(knn.facts()).containsEntry("subspaceNeighbours", 0);

            // (6,8) is sqrt(16+4), sqrt(36+16) and sqrt(9+64) from (10,10), (0,4) and (3,0); 10 from (0,0).
            assertThat(scores[0]).isCloseTo((float) ((Math.sqrt(20) + Math.sqrt(52) + Math.sqrt(73)) / 3),
                    Offset.offset(1e-4f));
            // (1,0) is 1, 2 and sqrt(17) from (0,0), (3,0) and (0,4).
            assertThat(scores[1]).isCloseTo((float) ((1 + 2 + Math.sqrt(17)) / 3), Offset.offset(1e-4f));
        }
    }

    @Test
    void theGraphMatchesThePlainComputationOnRealDigitsWithACodebookSubsampleAllImagePriorsAndTheSubspace() {
        SampleSet digits = ShippedData.mnist10k();
        try (TrainedModel knn = fit(digits.first(3000), new NeighbourOptions(1000, 5, 0.35, 1.0, 0.5, 10))) {
            SampleSet queries = digits.where(i -> i >= 9000 && i < 9064);
            float[] onnx = onnxScores(knn, queries.data(), queries.count(), ShippedData.MNIST_SPEC.sampleShape());
            float[] plain = knn.reference(queries.data(), queries.count()).get(GraphNames.SCORE);

            assertThat(knn.facts()).containsEntry("codebookSize", 1000).containsEntry("neighbours", 5)
                    .containsEntry("pixelExponent", 0.35).containsEntry("blurSigma", 1.0)
                    .containsEntry("lengthExponent", 0.5).containsEntry("subspaceNeighbours", 10);
            for (int i = 0; i < plain.length; i++) {
                assertThat(onnx[i]).as("score[%d]", i).isCloseTo(plain[i], Offset.offset(1e-3f * plain[i]));
            }
        }
    }

    @Test
    void aCodebookSampleIsNotItsOwnNeighbourItScoresAsIfItHadBeenLeftOut() {
        SampleSet digits = ShippedData.mnist10k().first(200);
        SampleSet query = digits.where(i -> i == 17);
        SampleSet others = digits.where(i -> i != 17);
        long[] shape = ShippedData.MNIST_SPEC.sampleShape();

        try (TrainedModel all = fit(digits, new NeighbourOptions(200, 3, 0.35, 1.0, 0.5, 10));
                TrainedModel leftOut = fit(others, new NeighbourOptions(200, 3, 0.35, 1.0, 0.5, 10))) {
            float inCodebook = onnxScores(all, query.data(), 1, shape)[0];

            assertThat(inCodebook).isGreaterThan(0.5f)
                    .isCloseTo(onnxScores(leftOut, query.data(), 1, shape)[0], Offset.offset(1e-4f))
                    .isCloseTo(all.reference(query.data(), 1).get(GraphNames.SCORE)[0], Offset.offset(1e-4f));
        }
    }

    @Test
    void theLengthExponentDecidesHowFarADimmerCopyOfACodebookImageIs() {
        SampleSet digits = ShippedData.mnist10k().first(100);
        float[] digit = digits.sample(3);
        float[] dimmer = digit.clone();
        double length = 0;
        for (int i = 0; i < dimmer.length; i++) {
            dimmer[i] *= 0.6f;
            length += digit[i] * digit[i];
        }
        length = Math.sqrt(length);
        long[] shape = ShippedData.MNIST_SPEC.sampleShape();

        try (TrainedModel asIs = fit(digits, new NeighbourOptions(100, 1, 1, 0, 0, 0));
                TrainedModel compressed = fit(digits, new NeighbourOptions(100, 1, 1, 0, 0.5, 0));
                TrainedModel shapeOnly = fit(digits, new NeighbourOptions(100, 1, 1, 0, 1, 0))) {
            // x / |x|^a maps 0.6 x to 0.6^(1 - a) times the image of x: the distance is (1 - 0.6^(1 - a)) |x|^(1 - a).
            assertThat(onnxScores(asIs, dimmer, 1, shape)[0]).isCloseTo((float) (0.4 * length), Offset.offset(1e-3f));
            assertThat(onnxScores(compressed, dimmer, 1, shape)[0])
                    .isCloseTo((float) ((1 - Math.sqrt(0.6)) * Math.sqrt(length)), Offset.offset(1e-3f));
            // At exponent 1 the copy has the very representation of the codebook image: it scores as that image does.
            assertThat(onnxScores(shapeOnly, dimmer, 1, shape)[0])
                    .isCloseTo(onnxScores(shapeOnly, digit, 1, shape)[0], Offset.offset(1e-4f));
        }
    }

    @Test
    void thePixelExponentLiftsFaintPixelsTowardsSolidOnesBeforeDistances() {
        InputSpec twoPixels = InputSpec.image(1, 1, 2);
        SampleSet black = Rows.unlabelled(twoPixels, 0, 0);
        // One faint pixel (0.04) beside one solid (1): raised to 0.5 they become 0.2 and 1.
        float[] faintAndSolid = {0.04f, 1};

        try (TrainedModel pixels = fit(black, new NeighbourOptions(1, 1, 1, 0, 0, 0));
                TrainedModel lifted = fit(black, new NeighbourOptions(1, 1, 0.5, 0, 0, 0))) {
            assertThat(onnxScores(pixels, faintAndSolid, 1, twoPixels.sampleShape())[0])
                    .isCloseTo((float) Math.sqrt(0.04 * 0.04 + 1), Offset.offset(1e-5f));
            assertThat(onnxScores(lifted, faintAndSolid, 1, twoPixels.sampleShape())[0])
                    .isCloseTo((float) Math.sqrt(0.2 * 0.2 + 1), Offset.offset(1e-5f));
            assertThat(lifted.architecture()).contains("pixels raised to the power 0.5");
        }
    }

    @Test
    void theSubspaceDistanceIsWhatTheRidgeFitToTheNearestSamplesLeavesAndTheScoreItsGeometricMeanWithTheMean() {
        InputSpec twoPixels = InputSpec.image(1, 1, 2);
        // Two codebook images, (0, 0) and (1, 0): their flat is the line through both.
        SampleSet line = Rows.unlabelled(twoPixels, 0, 0, 1, 0);
        float[] offTheLine = {0.5f, 0.5f};
        float[] alongTheLine = {0.9f, 0};

        try (TrainedModel knn = fit(line, new NeighbourOptions(2, 1, 1, 0, 0, 2))) {
            float[] scores = onnxScores(knn, concat(offTheLine, alongTheLine), 2, twoPixels.sampleShape());
            float[] plain = knn.reference(concat(offTheLine, alongTheLine), 2).get(GraphNames.SCORE);

            // Half a pixel straight off the line: 0.5 from the flat, sqrt(0.5) from the nearest image.
            assertThat(scores[0]).isCloseTo((float) Math.sqrt(0.5 * Math.sqrt(0.5)), Offset.offset(1e-5f));
            // On the line, 0.4 from the images' mean (0.5, 0). Their spread has trace 0.5, so the ridge is
            // 3 x 0.5 / 2 = 0.75 against the line's eigenvalue 0.5: the fit reaches 0.5 / 1.25 of the way and
            // leaves 0.4 x 0.75 / 1.25 = 0.24; the nearest image is 0.1 away.
            assertThat(scores[1]).isCloseTo((float) Math.sqrt(0.1 * 0.24), Offset.offset(1e-5f));
            assertThat(plain[0]).isCloseTo(scores[0], Offset.offset(1e-5f));
            assertThat(plain[1]).isCloseTo(scores[1], Offset.offset(1e-5f));
            assertThat(knn.architecture()).contains("flat through the 2 nearest");
        }
    }

    @Test
    void whereTheNearestSamplesCoincideTheirFlatIsThatOnePointAndTheScoreTheDistanceToIt() {
        InputSpec twoPixels = InputSpec.image(1, 1, 2);
        SampleSet twins = Rows.unlabelled(twoPixels, 0.2f, 0.2f, 0.2f, 0.2f);
        float[] query = {0.5f, 0.6f};

        try (TrainedModel knn = fit(twins, new NeighbourOptions(2, 2, 1, 0, 0, 2))) {
            float expected = (float) Math.sqrt(0.3 * 0.3 + 0.4 * 0.4);

            assertThat(onnxScores(knn, query, 1, twoPixels.sampleShape())[0]).isCloseTo(expected, Offset.offset(1e-5f));
            assertThat(knn.reference(query, 1).get(GraphNames.SCORE)[0]).isCloseTo(expected, Offset.offset(1e-5f));
        }
    }

    @Test
    void theSubspaceTellsAHeldOutDigitFromTheOthersBetterThanTheMeanDistanceAlone() {
        // Eights are the digits every detector finds hardest; 500 of them as the codebook.
        SampleSet digits = ShippedData.mnist10k();
        SampleSet eights = digits.where(i -> i < 6000 && digits.labels()[i] == 8);
        SampleSet queries = digits.where(i -> i >= 8000);
        int[] anomalous = IntStream.of(queries.labels()).map(label -> label == 8 ? 0 : 1).toArray();
        long[] shape = ShippedData.MNIST_SPEC.sampleShape();

        try (TrainedModel alone = fit(eights, new NeighbourOptions(500, 5, 0.35, 1.0, 0.15, 0));
                TrainedModel withSubspace = fit(eights, new NeighbourOptions(500, 5, 0.35, 1.0, 0.15, 10))) {
            double aloneAuroc = DetectionMetrics.auroc(onnxScores(alone, queries.data(), queries.count(), shape),
                    anomalous);
            double withAuroc = DetectionMetrics.auroc(onnxScores(withSubspace, queries.data(), queries.count(), shape),
                    anomalous);

            assertThat(withAuroc).isGreaterThan(aloneAuroc + 0.01);
        }
    }

    @Test
    void aPixelExponentIsRefusedForImagesThatAreNotInTheUnitRange() {
        InputSpec normalized = new InputSpec(InputSpec.NCHW, 1, 1, 2, List.of(0.0, 1.0), List.of(0.5), List.of(0.25));

        assertThatThrownBy(() -> Representation.of(normalized, 0.35, GaussianBlur.NONE, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("images in [0, 1]");
        assertThat(Representation.of(normalized, 1, GaussianBlur.NONE, 0).pixelExponent()).isEqualTo(1);
    }

    @Test
    void theBlurSpreadsAPointAsANormalizedGaussianCutOffAtTwoSigmaWithZerosBeyondTheBorder() {
        GaussianBlur blur = new GaussianBlur(1.0);
        float[] k = blur.kernel();
        float[] point = new float[7 * 7];
        point[3 * 7 + 3] = 1;
        float[] corner = new float[7 * 7];
        corner[0] = 1;

        float[] spread = blur.apply(point, 1, 7, 7);
        float[] cut = blur.apply(corner, 1, 7, 7);

        assertThat(k).hasSize(5);
        assertThat(k[0] + k[1] + k[2] + k[3] + k[4]).isCloseTo(1f, Offset.offset(1e-6f));
        assertThat(k[1] / k[2]).isCloseTo((float) Math.exp(-0.5), Offset.offset(1e-6f));
        assertThat(spread[3 * 7 + 4]).isCloseTo(k[2] * k[3], Offset.offset(1e-7f));
        assertThat(spread[1 * 7 + 1]).isCloseTo(k[0] * k[0], Offset.offset(1e-7f));
        assertThat(spread[0]).isZero();
        assertThat(cut[0]).as("what falls beyond the border is lost").isCloseTo(k[2] * k[2], Offset.offset(1e-7f));
        assertThat(GaussianBlur.NONE.apply(point, 1, 7, 7)).isSameAs(point);
    }

    @Test
    void theCodebookIsASeededSubsampleOfAtMostItsSizeAndNeverMoreNeighboursThanSamples() {
        SampleSet digits = ShippedData.mnist10k().first(500);

        Codebook a = Codebook.of(digits, 100, 7, Representation.AS_IS, LocalSubspace.NONE);
        Codebook b = Codebook.of(digits, 100, 7, Representation.AS_IS, LocalSubspace.NONE);
        Codebook other = Codebook.of(digits, 100, 8, Representation.AS_IS, LocalSubspace.NONE);
        Codebook all = Codebook.of(digits, 1000, 7, Representation.AS_IS, LocalSubspace.NONE);

        assertThat(a.count()).isEqualTo(100);
        assertThat(a.samples()).isEqualTo(b.samples());
        assertThat(Arrays.equals(a.samples(), other.samples())).isFalse();
        assertThat(all.count()).isEqualTo(500);
        assertThat(all.samples()).isEqualTo(digits.data());
        assertThat(a.neighbours(5)).isEqualTo(5);
        assertThat(Codebook.of(digits.first(3), 100, 7, Representation.AS_IS, LocalSubspace.NONE).neighbours(5))
                .isEqualTo(3);
    }

    private static TrainedModel fit(SampleSet train, NeighbourOptions neighbours) {
        TrainingConfig d = TrainingConfig.defaults(KnnKind.KNN);
        TrainingConfig config = new TrainingConfig(d.kind(), d.epochs(), d.batchSize(), d.learningRate(), d.schedule(),
                d.latent(), d.hidden(), d.patience(), d.noiseStd(), d.seed(), d.vae(), d.ensemble(), d.gan(), neighbours,
                d.forest(), d.memberKinds(), 0);
        return ModelKinds.fit(train, train, config, null, null);
    }

    private static float[] concat(float[] a, float[] b) {
        float[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static float[] onnxScores(TrainedModel model, float[] batch, int count, long[] sampleShape) {
        try (OnnxScoringEngine ort = OnnxScoringEngine.open(model.export("knn-test").model(), sampleShape,
                EngineOptions.cpu())) {
            return ort.run(batch, count, List.of(GraphNames.SCORE)).get(GraphNames.SCORE);
        }
    }
}
