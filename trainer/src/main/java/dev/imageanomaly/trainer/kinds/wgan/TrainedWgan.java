package dev.imageanomaly.trainer.kinds.wgan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.imageanomaly.scoring.bundle.GraphNames;
import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.trainer.export.ExportedModel;
import dev.imageanomaly.trainer.train.MiniBatch;
import dev.imageanomaly.trainer.train.TrainedModel;
import dev.imageanomaly.trainer.train.TrainingConfig;
import dev.imageanomaly.trainer.train.TrainingRun;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trained f-AnoGAN: generator, critic and encoder, with the GAN phase's per-epoch record (the
 * Wasserstein estimate and the generated samples' spread) and its mode-collapse verdict. The
 * history is the encoder phase's, whose validation loss chose the encoder kept.
 */
public final class TrainedWgan implements TrainedModel {

    private final WganNetworks nets;
    private final InputSpec input;
    private final List<AdversarialPhase.Epoch> ganEpochs;
    private final ModeCollapseMonitor modeCollapse;
    private final TrainingRun run;

    TrainedWgan(WganNetworks nets, InputSpec input, List<AdversarialPhase.Epoch> ganEpochs,
            ModeCollapseMonitor modeCollapse, TrainingRun run) {
        this.nets = nets;
        this.input = input;
        this.ganEpochs = List.copyOf(ganEpochs);
        this.modeCollapse = modeCollapse;
        this.run = run;
    }

    @Override
    public TrainingRun run() {
        return run;
    }

    @Override
    public String architecture() {
        return "encoder=" + nets.architecture.encoder() + ", generator=" + nets.architecture.decoder()
                + ", critic features=" + nets.criticArchitecture.features() + ", critic head="
                + nets.criticArchitecture.head();
    }

    @Override
    public Map<String, Object> facts() {
        TrainingConfig config = run.config();
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("criticSteps", config.gan().criticSteps());
        facts.put("criticConstraint", "weight clipping to +-" + config.gan().clip()
                + " (no gradient penalty: the engine has no second-order gradients)");
        facts.put("ganLearningRate", config.gan().learningRate());
        facts.put("kappa", config.gan().kappa());
        facts.put("ganEpochsRun", ganEpochs.size());
        facts.put("encoderEpochsPlanned", config.gan().encoderEpochs());
        facts.put("ganEpochs", ganEpochs.stream().map(AdversarialPhase.Epoch::facts).toList());
        facts.put("modeCollapse", modeCollapse.facts());
        return facts;
    }

    @Override
    public ExportedModel export(String graphName) {
        return WganExporter.export(graphName, new WganExporter.Networks(nets.architecture, nets.criticArchitecture,
                nets.encoderBlock(), nets.generatorBlock(), nets.criticFeatures()), input, run.config().gan().kappa());
    }

    @Override
    public Map<String, float[]> reference(float[] batch, int count) {
        try (NDManager m = nets.encoder.getNDManager().newSubManager()) {
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = MiniBatch.images(m, batch, input);
            WganNetworks.Residuals r = nets.residuals(ps, x, nets.encode(ps, x, false), false);
            Map<String, float[]> out = new LinkedHashMap<>();
            out.put(GraphNames.SCORE, r.score(run.config().gan().kappa()).toFloatArray());
            out.put(GraphNames.RECONSTRUCTION, r.reconstruction().toFloatArray());
            out.put(GraphNames.LATENT, r.latent().toFloatArray());
            out.put(WganExporter.RESIDUAL, r.residual().toFloatArray());
            out.put(WganExporter.FEATURE_RESIDUAL, r.featureResidual().toFloatArray());
            return out;
        }
    }

    @Override
    public void close() {
        nets.close();
    }
}
