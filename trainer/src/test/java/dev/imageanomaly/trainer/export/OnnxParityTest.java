package dev.imageanomaly.trainer.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.scoring.engine.EngineOptions;
import dev.imageanomaly.scoring.engine.OnnxScoringEngine;
import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.kinds.ModelKinds;
import dev.imageanomaly.trainer.kinds.ensemble.EnsembleKind;
import dev.imageanomaly.trainer.train.ModelKind;
import dev.imageanomaly.trainer.train.TrainedModel;
import dev.imageanomaly.trainer.train.TrainingConfig;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The exported ONNX graph computes what DJL computes: every output of every kind, to 1e-4. */
class OnnxParityTest {

    static final InputSpec SPEC = InputSpec.image(1, 28, 28);

    /**
     * The ensemble divides member scores by their spread on held-out images, which is near zero for
     * models of random images; EnsembleParityTest checks it on real digits.
     */
    static Stream<ModelKind> everyKind() {
        return ModelKinds.all().stream().filter(kind -> kind != EnsembleKind.ENSEMBLE);
    }

    @ParameterizedTest
    @MethodSource("everyKind")
    void onnxRuntimeMatchesDjlForwardPassOnRandomInputs(ModelKind kind) {
        Random random = new Random(7);
        TrainingConfig config = TrainingConfig.defaults(kind).withEpochs(1);
        try (TrainedModel model = ModelKinds.fit(randomImages(256, random), randomImages(64, random), config,
                null, null)) {
            ExportedModel exported = model.export("parity");
            int count = 16;
            float[] batch = randomImages(count, random).data();
            Map<String, float[]> djl = model.reference(batch, count);
            assertThat(djl.keySet()).containsExactlyInAnyOrderElementsOf(exported.outputs());

            Map<String, float[]> onnx;
            try (OnnxScoringEngine ort = OnnxScoringEngine.open(exported.model(), new long[] {1, 28, 28},
                    EngineOptions.cpu())) {
                onnx = ort.run(batch, count, exported.outputs());
            }
            for (String output : exported.outputs()) {
                float[] expected = djl.get(output);
                float[] actual = onnx.get(output);
                assertThat(actual).as(output).hasSameSizeAs(expected);
                for (int i = 0; i < expected.length; i++) {
                    assertThat(actual[i]).as("%s[%d]", output, i).isCloseTo(expected[i], Offset.offset(1e-4f));
                }
            }
        }
    }

    static SampleSet randomImages(int count, Random random) {
        float[] data = new float[count * SPEC.sampleSize()];
        for (int i = 0; i < data.length; i++) {
            data[i] = random.nextFloat();
        }
        String[] ids = new String[count];
        java.util.Arrays.setAll(ids, i -> "random#" + i);
        int[] labels = new int[count];
        java.util.Arrays.fill(labels, SampleSet.NO_LABEL);
        return new SampleSet(SPEC, data, count, ids, labels);
    }
}
