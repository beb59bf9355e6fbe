package dev.imageanomaly.trainer.kinds.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imageanomaly.scoring.engine.EngineOptions;
import dev.imageanomaly.scoring.engine.OnnxScoringEngine;
import dev.imageanomaly.trainer.ShippedData;
import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.export.ExportedModel;
import dev.imageanomaly.trainer.kinds.ModelKinds;
import dev.imageanomaly.trainer.train.TrainedModel;
import dev.imageanomaly.trainer.train.TrainingConfig;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** The joined graph computes what the members compute on their own, standardized and averaged. */
class EnsembleParityTest {

    @Test
    void theJoinedGraphMatchesTheMembersReferenceScoresStandardizedAndAveraged() {
        SampleSet digits = ShippedData.mnist10k();
        TrainingConfig config = TrainingConfig.defaults(EnsembleKind.ENSEMBLE).withEpochs(1)
                .withMemberKinds(List.of("transform", "ae", "knn"));
        try (TrainedModel ensemble = ModelKinds.fit(digits.first(512), digits.where(i -> i >= 512 && i < 640), config,
                null, null)) {
            ExportedModel exported = ensemble.export("parity");
            int count = 32;
            float[] batch = digits.where(i -> i >= 9000 && i < 9000 + count).data();
            Map<String, float[]> reference = ensemble.reference(batch, count);

            Map<String, float[]> onnx;
            try (OnnxScoringEngine ort = OnnxScoringEngine.open(exported.model(), new long[] {1, 28, 28},
                    EngineOptions.cpu())) {
                onnx = ort.run(batch, count, exported.outputs());
            }
            assertThat(exported.outputs()).containsExactly("score", "member_scores");
            assertThat(onnx.get("member_scores")).hasSize(count * 3);
            for (String output : exported.outputs()) {
                float[] expected = reference.get(output);
                for (int i = 0; i < expected.length; i++) {
                    assertThat(onnx.get(output)[i]).as("%s[%d]", output, i).isCloseTo(expected[i], Offset.offset(1e-3f));
                }
            }
        }
    }

    @Test
    void anEnsembleIsNotAMemberOfItself() {
        SampleSet digits = ShippedData.mnist10k().first(64);
        TrainingConfig config = TrainingConfig.defaults(EnsembleKind.ENSEMBLE).withMemberKinds(List.of("ae", "ensemble"));

        assertThatThrownBy(() -> ModelKinds.fit(digits, digits, config, null, null))
                .hasMessageContaining("cannot be a member of itself");
    }
}
