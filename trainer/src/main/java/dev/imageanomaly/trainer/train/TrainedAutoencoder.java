package dev.imageanomaly.trainer.train;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.trainer.export.AutoencoderExporter;
import dev.imageanomaly.trainer.model.Architecture;
import java.util.List;

/** A trained autoencoder: its DJL model (best validation epoch), the architecture, and the training history. */
public final class TrainedAutoencoder implements AutoCloseable {

    private final Model model;
    private final Architecture architecture;
    private final InputSpec input;
    private final TrainingConfig config;
    private final List<EpochMetrics> history;
    private final double trainingSeconds;

    TrainedAutoencoder(Model model, Architecture architecture, InputSpec input, TrainingConfig config,
            List<EpochMetrics> history, double trainingSeconds) {
        this.model = model;
        this.architecture = architecture;
        this.input = input;
        this.config = config;
        this.history = List.copyOf(history);
        this.trainingSeconds = trainingSeconds;
    }

    public Architecture architecture() {
        return architecture;
    }

    public TrainingConfig config() {
        return config;
    }

    public List<EpochMetrics> history() {
        return history;
    }

    public double trainingSeconds() {
        return trainingSeconds;
    }

    /** The ONNX graph of this model with the score computed inside it. */
    public byte[] toOnnx(String graphName) {
        return AutoencoderExporter.export(graphName, architecture, block(), input);
    }

    /** DJL's own forward pass (inference mode): the reference the ONNX export is checked against. */
    public float[] reconstruct(float[] batch, int count) {
        try (NDManager m = model.getNDManager().newSubManager()) {
            NDArray x = m.create(batch, new Shape(count, input.channels(), input.height(), input.width()));
            NDList out = block().forward(new ParameterStore(m, false), new NDList(x), false);
            return out.singletonOrThrow().toFloatArray();
        }
    }

    private SequentialBlock block() {
        return (SequentialBlock) model.getBlock();
    }

    @Override
    public void close() {
        model.close();
    }
}
