package dev.imageanomaly.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.trainer.data.SampleSet;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The fixed training sample whose scores are compared with the validation scores every epoch. */
class ScoreDriftTest {

    @Test
    void theTrainingSampleIsSeededAndCapped() {
        SampleSet train = tinyImages(ScoreDrift.TRAINING_SAMPLE + 500);

        SampleSet sample = ScoreDrift.trainingSample(train, 42);

        assertThat(sample.count()).isEqualTo(ScoreDrift.TRAINING_SAMPLE);
        assertThat(ScoreDrift.trainingSample(train, 42).ids()).isEqualTo(sample.ids());
        assertThat(Arrays.stream(sample.ids()).distinct().count()).isEqualTo(ScoreDrift.TRAINING_SAMPLE);
        SampleSet small = tinyImages(10);
        assertThat(ScoreDrift.trainingSample(small, 42)).isSameAs(small);
    }

    private static SampleSet tinyImages(int count) {
        InputSpec spec = InputSpec.image(1, 1, 1);
        String[] ids = new String[count];
        Arrays.setAll(ids, i -> "image#" + i);
        int[] labels = new int[count];
        return new SampleSet(spec, new float[count], count, ids, labels);
    }
}
