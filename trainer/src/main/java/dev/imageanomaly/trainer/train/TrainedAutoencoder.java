package dev.imageanomaly.trainer.train;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import dev.imageanomaly.scoring.bundle.GraphNames;
import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.export.AutoencoderExporter;
import dev.imageanomaly.trainer.export.ExportedModel;
import dev.imageanomaly.trainer.model.Architecture;
import dev.imageanomaly.trainer.model.ModelKind;
import java.util.List;
import java.util.Map;

/** A trained autoencoder: its DJL model (best validation epoch), the architecture, and the training history. */
public final class TrainedAutoencoder implements TrainedModel {

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

    @Override
    public TrainingConfig config() {
        return config;
    }

    @Override
    public List<EpochMetrics> history() {
        return history;
    }

    @Override
    public double trainingSeconds() {
        return trainingSeconds;
    }

    @Override
    public String architecture() {
        return architecture.toString();
    }

    @Override
    public Map<String, Object> facts() {
        return config.kind() == ModelKind.DENOISING_AE ? Map.of("noiseStd", config.noiseStd()) : Map.of();
    }

    @Override
    public ExportedModel export(String graphName) {
        return AutoencoderExporter.export(graphName, architecture, block(), input);
    }

    @Override
    public Map<String, float[]> reference(float[] batch, int count) {
        try (NDManager m = model.getNDManager().newSubManager()) {
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = MiniBatch.images(m, batch, input);
            NDArray latent = child(0).forward(ps, new NDList(x), false).singletonOrThrow();
            NDArray recon = child(1).forward(ps, new NDList(latent), false).singletonOrThrow();
            NDArray score = perSampleMean(recon.sub(x).square());
            return Map.of(GraphNames.SCORE, score.toFloatArray(),
                    GraphNames.RECONSTRUCTION, recon.toFloatArray(),
                    GraphNames.LATENT, latent.toFloatArray());
        }
    }

    /** Per-sample mean squared reconstruction error of a whole set, by DJL's forward pass. */
    float[] errors(SampleSet set) {
        int batch = 256;
        float[] errors = new float[set.count()];
        for (int start = 0; start < set.count(); start += batch) {
            int b = Math.min(batch, set.count() - start);
            float[] scores = reference(MiniBatch.slice(set, start, b), b).get(GraphNames.SCORE);
            System.arraycopy(scores, 0, errors, start, b);
        }
        return errors;
    }

    Architecture layers() {
        return architecture;
    }

    /** {@code [N, ...] -> [N]}: the mean over every axis but the first (DJL's engine reduces one axis at a time). */
    static NDArray perSampleMean(NDArray values) {
        return values.reshape(values.getShape().get(0), -1).mean(new int[] {1});
    }

    private Block child(int index) {
        return block().getChildren().get(index).getValue();
    }

    SequentialBlock block() {
        return (SequentialBlock) model.getBlock();
    }

    @Override
    public void close() {
        model.close();
    }
}
