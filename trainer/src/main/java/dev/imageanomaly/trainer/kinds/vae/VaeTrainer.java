package dev.imageanomaly.trainer.kinds.vae;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.model.Architecture;
import dev.imageanomaly.trainer.train.DjlTraining;
import dev.imageanomaly.trainer.train.EpochLoop;
import dev.imageanomaly.trainer.train.EpochMetrics;
import dev.imageanomaly.trainer.train.MiniBatch;
import dev.imageanomaly.trainer.train.MiniBatchPass;
import dev.imageanomaly.trainer.train.TrainingConfig;
import dev.imageanomaly.trainer.train.TrainingRun;
import java.util.List;
import java.util.Random;

/**
 * Trains {@code vae} and {@code conv-vae} on the negative ELBO ({@link VaeLoss}): the decoder's
 * Gaussian negative log-likelihood of the image plus beta times the KL term of the code, per pixel.
 * Beta warms up from near zero to its target over the first epochs, so the decoder learns to
 * reconstruct before the prior pulls the codes together; a fixed large beta from the start gives
 * blurry, useless reconstructions. Early stopping watches the validation loss at the target beta,
 * so the warm-up itself never looks like overfitting.
 */
final class VaeTrainer {

    private final EpochLoop loop;

    VaeTrainer(EpochLoop loop) {
        this.loop = loop;
    }

    TrainedVae fit(SampleSet train, SampleSet validation, TrainingConfig config, Architecture arch) {
        InputSpec in = train.spec();
        Engine.getInstance().setRandomSeed((int) config.seed());
        Model model = Model.newInstance(config.kind().id());
        VaeBlock block = new VaeBlock(arch, in.isUnitRangeImage());
        model.setBlock(block);
        int stepsPerEpoch = config.stepsPerEpoch(train.count());
        long start = System.nanoTime();
        try (Trainer trainer = model.newTrainer(DjlTraining.adam(config.learningRateTracker(stepsPerEpoch)))) {
            trainer.initialize(new Shape(1, in.channels(), in.height(), in.width()), new Shape(1, config.latent()));
            Random random = new Random(config.seed());
            List<EpochMetrics> history = loop.run(config, block, model.getNDManager(), train, validation,
                    epoch -> {
                        float beta = config.vae().betaAt(epoch);
                        return MiniBatchPass.run(train, config.batchSize(), random,
                                loop.progressBar(config, epoch, train.count()),
                                (batch, size) -> step(trainer, batch, size, in, config.latent(), beta, random),
                                loss -> String.format("done, loss %.5f (beta %.3f)", loss, beta));
                    },
                    (batch, count) -> negativeElbos(model, block, in, batch, count, config),
                    epoch -> config.learningRateAfter(epoch, stepsPerEpoch));
            float[] scoringNoise = MiniBatch.standardNormal(config.vae().samples() * config.latent(),
                    new Random(config.seed() + 2));
            return new TrainedVae(model, block, arch, in, scoringNoise, TrainingRun.since(start, config, history));
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private static float step(Trainer trainer, float[] batch, int size, InputSpec in, int latent, float beta,
            Random random) {
        try (NDManager m = trainer.getManager().newSubManager()) {
            NDArray x = MiniBatch.images(m, batch, in);
            NDArray eps = m.create(MiniBatch.standardNormal(size * latent, random), new Shape(size, latent));
            float loss;
            try (GradientCollector gc = trainer.newGradientCollector()) {
                NDArray elbo = VaeLoss.perImageNegativeElbo(trainer.forward(new NDList(x, eps)), x, beta).mean();
                gc.backward(elbo);
                loss = elbo.getFloat();
            }
            trainer.step();
            return loss;
        }
    }

    /**
     * Each image's negative ELBO at the target beta, per pixel, with noise drawn from the same seed on
     * every call: epochs are compared on equal terms, and the warm-up never looks like overfitting.
     */
    private static float[] negativeElbos(Model model, VaeBlock block, InputSpec in, float[] batch, int count,
            TrainingConfig config) {
        try (NDManager m = model.getNDManager().newSubManager()) {
            NDArray x = MiniBatch.images(m, batch, in);
            NDArray eps = m.create(MiniBatch.standardNormal(count * config.latent(), new Random(config.seed() + 1)),
                    new Shape(count, config.latent()));
            NDList out = block.forward(new ParameterStore(m, false), new NDList(x, eps), false);
            return VaeLoss.perImageNegativeElbo(out, x, config.vae().beta()).toFloatArray();
        }
    }
}
