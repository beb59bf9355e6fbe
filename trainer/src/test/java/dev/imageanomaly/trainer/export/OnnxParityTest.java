package dev.imageanomaly.trainer.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.scoring.engine.EngineOptions;
import dev.imageanomaly.scoring.engine.OnnxScoringEngine;
import dev.imageanomaly.trainer.data.ImageSet;
import dev.imageanomaly.trainer.model.ModelKind;
import dev.imageanomaly.trainer.train.AutoencoderTrainer;
import dev.imageanomaly.trainer.train.TrainedAutoencoder;
import dev.imageanomaly.trainer.train.TrainingConfig;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The exported ONNX graph computes what DJL computes: same reconstruction, and the score derived from it. */
class OnnxParityTest {

    private static final InputSpec SPEC = InputSpec.image(1, 28, 28);

    @ParameterizedTest
    @EnumSource(ModelKind.class)
    void onnxRuntimeMatchesDjlForwardPassOnRandomInputs(ModelKind kind) {
        Random random = new Random(7);
        ImageSet train = randomImages(256, random);
        TrainingConfig config = TrainingConfig.defaults(kind).withEpochs(1);
        try (TrainedAutoencoder model = new AutoencoderTrainer(null, null).fit(train, randomImages(64, random), config);
                OnnxScoringEngine ort = OnnxScoringEngine.open(model.toOnnx("parity"), new long[] {1, 28, 28},
                        EngineOptions.cpu())) {
            int count = 16;
            float[] batch = randomImages(count, random).data();

            float[] djlRecon = model.reconstruct(batch, count);
            Map<String, float[]> onnx = ort.run(batch, count,
                    List.of(AutoencoderExporter.RECONSTRUCTION, AutoencoderExporter.SCORE));

            float[] onnxRecon = onnx.get(AutoencoderExporter.RECONSTRUCTION);
            assertThat(onnxRecon).hasSameSizeAs(djlRecon);
            for (int i = 0; i < djlRecon.length; i++) {
                assertThat(onnxRecon[i]).as("reconstruction[%d]", i).isCloseTo(djlRecon[i], within(1e-4f));
            }
            float[] onnxScore = onnx.get(AutoencoderExporter.SCORE);
            assertThat(onnxScore).hasSize(count);
            int n = SPEC.sampleSize();
            for (int s = 0; s < count; s++) {
                double sq = 0;
                for (int j = 0; j < n; j++) {
                    double d = batch[s * n + j] - djlRecon[s * n + j];
                    sq += d * d;
                }
                assertThat(onnxScore[s]).as("score[%d]", s).isCloseTo((float) (sq / n), within(1e-4f));
            }
        }
    }

    private static org.assertj.core.data.Offset<Float> within(float tolerance) {
        return org.assertj.core.data.Offset.offset(tolerance);
    }

    static ImageSet randomImages(int count, Random random) {
        float[] data = new float[count * SPEC.sampleSize()];
        for (int i = 0; i < data.length; i++) {
            data[i] = random.nextFloat();
        }
        String[] ids = new String[count];
        java.util.Arrays.setAll(ids, i -> "random#" + i);
        int[] labels = new int[count];
        java.util.Arrays.fill(labels, ImageSet.NO_LABEL);
        return new ImageSet(SPEC, data, count, ids, labels);
    }
}
