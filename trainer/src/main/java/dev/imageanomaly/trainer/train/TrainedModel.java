package dev.imageanomaly.trainer.train;

import dev.imageanomaly.trainer.export.ExportedModel;
import java.util.List;
import java.util.Map;

/** A model after training, whatever its kind: what the bundle writer and the parity tests need of it. */
public interface TrainedModel extends AutoCloseable {

    TrainingRun run();

    default TrainingConfig config() {
        return run().config();
    }

    /** One entry per epoch run (for ensembles and GANs, per epoch of the last phase). */
    default List<EpochMetrics> history() {
        return run().history();
    }

    default double trainingSeconds() {
        return run().seconds();
    }

    /** The layers, in a line a person can read; recorded in the manifest. */
    String architecture();

    /** Kind-specific facts for the manifest (beta schedule, ensemble size, ...); empty when none. */
    Map<String, Object> facts();

    ExportedModel export(String graphName);

    /**
     * DJL's own forward pass computing the exported graph's outputs, keyed by output name: the
     * reference the ONNX export is checked against.
     */
    Map<String, float[]> reference(float[] batch, int count);

    @Override
    void close();
}
