package dev.imageanomaly.trainer.kinds.vae;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.imageanomaly.scoring.bundle.GraphNames;
import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.trainer.export.ExportedModel;
import dev.imageanomaly.trainer.model.Architecture;
import dev.imageanomaly.trainer.train.MiniBatch;
import dev.imageanomaly.trainer.train.TrainedModel;
import dev.imageanomaly.trainer.train.TrainingConfig;
import dev.imageanomaly.trainer.train.TrainingRun;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A trained VAE with the fixed latent noise its reconstruction-probability score uses. */
public final class TrainedVae implements TrainedModel {

    private final Model model;
    private final VaeBlock block;
    private final Architecture architecture;
    private final InputSpec input;
    private final float[] scoringNoise;
    private final TrainingRun run;

    TrainedVae(Model model, VaeBlock block, Architecture architecture, InputSpec input, float[] scoringNoise,
            TrainingRun run) {
        this.model = model;
        this.block = block;
        this.architecture = architecture;
        this.input = input;
        this.scoringNoise = scoringNoise;
        this.run = run;
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
        TrainingConfig config = run.config();
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
            NDArray nll = VaeLoss.negativeLogLikelihood(x.expandDims(1), means.get(":, 1:"), logvars.get(":, 1:"));
            Map<String, float[]> out = new LinkedHashMap<>();
            out.put(GraphNames.SCORE, MiniBatch.perSampleMean(nll).toFloatArray());
            out.put(GraphNames.RECONSTRUCTION, recon.toFloatArray());
            out.put(GraphNames.LATENT, mu.toFloatArray());
            out.put(VaeExporter.RECONSTRUCTION_ERROR, MiniBatch.perSampleMean(x.sub(recon).square()).toFloatArray());
            out.put(VaeExporter.KL, VaeLoss.klToStandardNormal(mu, logvar).toFloatArray());
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
