package dev.imageanomaly.trainer.train;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.loss.L2Loss;
import ai.djl.training.optimizer.Optimizer;
import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.data.Splits;
import dev.imageanomaly.trainer.model.Architecture;
import dev.imageanomaly.trainer.model.Architectures;
import dev.imageanomaly.trainer.model.Gaussian;
import dev.imageanomaly.trainer.model.VaeBlock;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * Trains {@code vae} and {@code conv-vae} on the negative ELBO: the decoder's Gaussian negative
 * log-likelihood of the image plus beta times the KL term of the code, per pixel. Beta warms up
 * from near zero to its target over the first epochs, so the decoder learns to reconstruct before
 * the prior pulls the codes together; a fixed large beta from the start gives blurry, useless
 * reconstructions. Early stopping watches the validation loss at the target beta, so the warm-up
 * itself never looks like overfitting.
 */
public final class VaeTrainer {

    private final EpochLoop loop;

    public VaeTrainer(PrintStream console, Path metricsLog) {
        this.loop = new EpochLoop(console, metricsLog);
    }

    public TrainedVae fit(SampleSet train, SampleSet validation, TrainingConfig config) {
        config.validate();
        InputSpec in = train.spec();
        Architecture arch = Architectures.of(config.kind(), in, config.hidden(), config.latent());
        Engine.getInstance().setRandomSeed((int) config.seed());
        Model model = Model.newInstance(config.kind().id());
        VaeBlock block = new VaeBlock(arch, in.isUnitRangeImage());
        model.setBlock(block);
        int stepsPerEpoch = (train.count() + config.batchSize() - 1) / config.batchSize();
        DefaultTrainingConfig djl = new DefaultTrainingConfig(new L2Loss())
                .optInitializer(new XavierInitializer(), Parameter.Type.WEIGHT)
                .optOptimizer(Optimizer.adam().optLearningRateTracker(config.learningRateTracker(stepsPerEpoch)).build());
        long start = System.nanoTime();
        try (Trainer trainer = model.newTrainer(djl)) {
            trainer.initialize(new Shape(1, in.channels(), in.height(), in.width()), new Shape(1, config.latent()));
            Random random = new Random(config.seed());
            List<EpochMetrics> history = loop.run(config, block, model.getNDManager(), train, validation,
                    epoch -> trainEpoch(trainer, train, config, random, epoch),
                    (batch, count) -> negativeElbos(model, block, in, batch, count, config),
                    epoch -> config.learningRateTracker(stepsPerEpoch).getNewValue(epoch * stepsPerEpoch));
            float[] scoringNoise = gaussian(config.vae().samples() * config.latent(), new Random(config.seed() + 2));
            return new TrainedVae(model, block, arch, in, config, scoringNoise, history,
                    (System.nanoTime() - start) / 1e9);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private double trainEpoch(Trainer trainer, SampleSet train, TrainingConfig config, Random random, int epoch) {
        int[] order = Splits.permutation(train.count(), random);
        float beta = config.vae().betaAt(epoch);
        ProgressBar bar = loop.progressBar(config, epoch, train.count());
        double lossSum = 0;
        int seen = 0;
        for (int start = 0; start < order.length; start += config.batchSize()) {
            int b = Math.min(config.batchSize(), order.length - start);
            try (NDManager m = trainer.getManager().newSubManager()) {
                NDArray x = MiniBatch.images(m, MiniBatch.gather(train, order, start, b), train.spec());
                NDArray eps = m.create(gaussian(b * config.latent(), random), new Shape(b, config.latent()));
                try (GradientCollector gc = trainer.newGradientCollector()) {
                    NDArray loss = negativeElbo(trainer.forward(new NDList(x, eps)), x, beta);
                    gc.backward(loss);
                    lossSum += loss.getFloat() * b;
                }
                trainer.step();
            }
            seen += b;
            if (bar != null) {
                bar.update(seen, seen, lossSum / seen);
            }
        }
        if (bar != null) {
            bar.finish(String.format("done, loss %.5f (beta %.3f)", lossSum / seen, beta));
        }
        return lossSum / seen;
    }

    /**
     * Each image's negative ELBO at the target beta, per pixel, with noise drawn from the same seed on
     * every call: epochs are compared on equal terms, and the warm-up never looks like overfitting.
     */
    private static float[] negativeElbos(Model model, VaeBlock block, InputSpec in, float[] batch, int count,
            TrainingConfig config) {
        try (NDManager m = model.getNDManager().newSubManager()) {
            NDArray x = MiniBatch.images(m, batch, in);
            NDArray eps = m.create(gaussian(count * config.latent(), new Random(config.seed() + 1)),
                    new Shape(count, config.latent()));
            NDList out = block.forward(new ParameterStore(m, false), new NDList(x, eps), false);
            return perImageNegativeElbo(out, x, config.vae().beta()).toFloatArray();
        }
    }

    /** Mean over the batch of {@link #perImageNegativeElbo}. */
    private static NDArray negativeElbo(NDList out, NDArray x, float beta) {
        return perImageNegativeElbo(out, x, beta).mean();
    }

    /** Per image and per pixel: (NLL summed over pixels + beta * KL) / pixels. */
    private static NDArray perImageNegativeElbo(NDList out, NDArray x, float beta) {
        long pixels = x.getShape().size() / x.getShape().get(0);
        NDArray nll = Gaussian.negativeLogLikelihood(x, out.get(2), out.get(3)).reshape(x.getShape().get(0), -1)
                .sum(new int[] {1});
        NDArray kl = Gaussian.klToStandardNormal(out.get(0), out.get(1));
        return nll.add(kl.mul(beta)).div(pixels);
    }

    static float[] gaussian(int count, Random random) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }
}
