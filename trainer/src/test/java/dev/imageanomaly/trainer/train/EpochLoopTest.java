package dev.imageanomaly.trainer.train;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import dev.imageanomaly.trainer.ShippedData;
import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.kinds.autoencoder.AutoencoderKinds;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The loop every gradient-trained kind runs its epochs in. */
class EpochLoopTest {

    @Test
    void aLossThatIsNotANumberStopsTrainingWithAClearErrorInsteadOfSavingABrokenModel() {
        SampleSet digits = ShippedData.mnist10k().first(64);
        TrainingConfig config = TrainingConfig.defaults(AutoencoderKinds.AE).withEpochs(3);
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = Linear.builder().setUnits(1).build();
            block.initialize(manager, DataType.FLOAT32, new Shape(1, 784));
            PerImageScores finite = (batch, count) -> new float[count];

            assertThatThrownBy(() -> new EpochLoop(null, null).run(config, block, manager, digits, digits,
                    epoch -> epoch == 2 ? Double.NaN : 0.5, finite, epoch -> 1e-3))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("training diverged in epoch 2: the loss is not a number (training NaN, "
                            + "validation 0.0)");
            PerImageScores broken = (batch, count) -> {
                float[] scores = new float[count];
                Arrays.fill(scores, Float.NaN);
                return scores;
            };
            assertThatThrownBy(() -> new EpochLoop(null, null).run(config, block, manager, digits, digits,
                    epoch -> 0.5, broken, epoch -> 1e-3))
                    .hasMessageContaining("training diverged in epoch 1");
        }
    }
}
