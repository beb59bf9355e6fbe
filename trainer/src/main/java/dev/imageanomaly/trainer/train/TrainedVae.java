package dev.imageanomaly.trainer.train;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.imageanomaly.scoring.bundle.GraphNames;
import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.trainer.export.ExportedModel;
import dev.imageanomaly.trainer.export.VaeExporter;
import dev.imageanomaly.trainer.model.Architecture;
import dev.imageanomaly.trainer.model.Gaussian;
import dev.imageanomaly.trainer.model.VaeBlock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A trained VAE with the fixed latent noise its reconstruction-probability score uses. */
public final class TrainedVae implements TrainedModel {

    private final Model model;
    private final VaeBlock block;
    private final Architecture architecture;
    private final InputSpec input;
    private final TrainingConfig config;
    private final float[] scoringNoise;
    private final List<EpochMetrics> history;
    private final double trainingSeconds;

    TrainedVae(Model model, VaeBlock block, Architecture architecture, InputSpec input, TrainingConfig config,
            float[] scoringNoise, List<EpochMetrics> history, double trainingSeconds) {
        this.model = model;
        this.block = block;
        this.architecture = architecture;
        this.input = input;
        this.config = config;
        this.scoringNoise = scoringNoise;
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
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("beta", config.vae().beta());
        facts.put("betaWarmupEpochs", config.vae().warmupEpochs());
        facts.put("latentSamples", config.vae().samples());
        facts.put("pixelLogVarianceRange", List.of(VaeBlock.PIXEL_LOGVAR_MIN, VaeBlock.PIXEL_LOGVAR_MAX));
        return facts;
    }

    @Override
    public ExportedModel export(String graphName) {
        return VaeExporter.export(graphName, architecture, block, input, scoringNoise);
    }

    @Override
    public Map<String, float[]> reference(float[] batch, int count) {
        int latent = architecture.latentSize();
        int samples = scoringNoise.length / latent;
        try (NDManager m = model.getNDManager().newSubManager()) {
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = MiniBatch.images(m, batch, input);
            NDList code = block.encode(ps, x, false);
            NDArray mu = code.get(0);
            NDArray logvar = code.get(1);
            NDArray eps = m.create(scoringNoise, new Shape(1, samples, latent));
            NDArray sampled = mu.expandDims(1).add(logvar.mul(0.5).exp().expandDims(1).mul(eps));
            NDArray codes = mu.expandDims(1).concat(sampled, 1).reshape(-1, latent);
            NDList pixels = block.decode(ps, codes, false);
            Shape perSample = new Shape(count, samples + 1, input.channels(), input.height(), input.width());
            NDArray means = pixels.get(0).reshape(perSample);
            NDArray logvars = pixels.get(1).reshape(perSample);
            NDArray recon = means.get(":, 0");
            NDArray nll = Gaussian.negativeLogLikelihood(x.expandDims(1), means.get(":, 1:"), logvars.get(":, 1:"));
            Map<String, float[]> out = new LinkedHashMap<>();
            out.put(GraphNames.SCORE, TrainedAutoencoder.perSampleMean(nll).toFloatArray());
            out.put(GraphNames.RECONSTRUCTION, recon.toFloatArray());
            out.put(GraphNames.LATENT, mu.toFloatArray());
            out.put(VaeExporter.RECONSTRUCTION_ERROR, TrainedAutoencoder.perSampleMean(x.sub(recon).square()).toFloatArray());
            out.put(VaeExporter.KL, Gaussian.klToStandardNormal(mu, logvar).toFloatArray());
            return out;
        }
    }

    /** Images decoded from codes drawn from the prior: what the generator graph computes. */
    public float[] generate(float[] codes, int count) {
        try (NDManager m = model.getNDManager().newSubManager()) {
            NDArray z = m.create(codes, new Shape(count, architecture.latentSize()));
            return block.decode(new ParameterStore(m, false), z, false).get(0).toFloatArray();
        }
    }

    @Override
    public void close() {
        model.close();
    }
}
