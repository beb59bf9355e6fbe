package dev.imageanomaly.trainer.kinds.autoencoder;

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
import dev.imageanomaly.trainer.export.ExportedModel;
import dev.imageanomaly.trainer.model.Architecture;
import dev.imageanomaly.trainer.train.MiniBatch;
import dev.imageanomaly.trainer.train.TrainedModel;
import dev.imageanomaly.trainer.train.TrainingRun;
import java.util.Map;

/** A trained autoencoder: its DJL model (best validation epoch), the architecture, and the training run. */
public final class TrainedAutoencoder implements TrainedModel {

    private final Model model;
    private final Architecture architecture;
    private final InputSpec input;
    private final TrainingRun run;
    private final boolean denoising;

    TrainedAutoencoder(Model model, Architecture architecture, InputSpec input, TrainingRun run, boolean denoising) {
        this.model = model;
        this.architecture = architecture;
        this.input = input;
        this.run = run;
        this.denoising = denoising;
    }

    @Override
    public TrainingRun run() {
        return run;
    }

    @Override
    public String architecture() {
        return architecture.toString();
    }

    @Override
    public Map<String, Object> facts() {
        return denoising ? Map.of("noiseStd", run.config().noiseStd()) : Map.of();
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
            NDArray score = MiniBatch.perSampleMean(recon.sub(x).square());
            return Map.of(GraphNames.SCORE, score.toFloatArray(),
                    GraphNames.RECONSTRUCTION, recon.toFloatArray(),
                    GraphNames.LATENT, latent.toFloatArray());
        }
    }

    /** Per-sample mean squared reconstruction error of a whole set, by DJL's forward pass. */
    public float[] errors(SampleSet set) {
        int batch = 256;
        float[] errors = new float[set.count()];
        for (int start = 0; start < set.count(); start += batch) {
            int b = Math.min(batch, set.count() - start);
            float[] scores = reference(MiniBatch.slice(set, start, b), b).get(GraphNames.SCORE);
            System.arraycopy(scores, 0, errors, start, b);
        }
        return errors;
    }

    public Architecture layers() {
        return architecture;
    }

    private Block child(int index) {
        return block().getChildren().get(index).getValue();
    }

    /** The trained block: the encoder and the decoder as its two children. */
    public SequentialBlock block() {
        return (SequentialBlock) model.getBlock();
    }

    @Override
    public void close() {
        model.close();
    }
}
