package dev.imageanomaly.trainer.train;

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
import dev.imageanomaly.trainer.model.Architectures;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * Trains {@code wgan} the f-AnoGAN way (Schlegl et al. 2019): first a Wasserstein GAN for
 * {@code epochs} epochs ({@link AdversarialPhase}), then, with generator and critic frozen, an
 * encoder E for up to {@code encoderEpochs} epochs on the izi_f loss: the image residual
 * {@code mean (x - G(E(x)))^2} plus kappa times the critic-feature residual
 * {@code mean (f(x) - f(G(E(x))))^2}, the same quantity the exported graph scores. The encoder
 * phase runs in the shared epoch loop, so its validation loss picks the best epoch and stops early;
 * its epochs are the history the bundle reports.
 */
public final class WganTrainer {

    private final EpochLoop loop;

    public WganTrainer(PrintStream console, Path metricsLog) {
        this.loop = new EpochLoop(console, metricsLog);
    }

    public TrainedWgan fit(SampleSet train, SampleSet validation, TrainingConfig config) {
        config.validate();
        InputSpec in = train.spec();
        Engine.getInstance().setRandomSeed((int) config.seed());
        WganNetworks nets = new WganNetworks(config.kind().id(),
                Architectures.of(config.kind(), in, config.hidden(), config.latent()), Architectures.critic(in));
        long start = System.nanoTime();
        try {
            AdversarialPhase gan = new AdversarialPhase(nets, config, loop);
            gan.run(train);
            nets.generator.getBlock().freezeParameters(true);
            nets.critic.getBlock().freezeParameters(true);
            List<EpochMetrics> history = trainEncoder(nets, train, validation, config);
            return new TrainedWgan(nets, in, config, gan.epochs(), gan.monitor(), history,
                    (System.nanoTime() - start) / 1e9);
        } catch (RuntimeException e) {
            nets.close();
            throw e;
        }
    }

    private List<EpochMetrics> trainEncoder(WganNetworks nets, SampleSet train, SampleSet validation,
            TrainingConfig config) {
        TrainingConfig encoderConfig = config.withEpochs(config.gan().encoderEpochs());
        int stepsPerEpoch = (train.count() + config.batchSize() - 1) / config.batchSize();
        DefaultTrainingConfig djl = new DefaultTrainingConfig(new L2Loss()) // the loss is computed by hand
                .optInitializer(new XavierInitializer(), Parameter.Type.WEIGHT)
                .optOptimizer(Optimizer.adam()
                        .optLearningRateTracker(encoderConfig.learningRateTracker(stepsPerEpoch)).build());
        loop.say("encoder: %d epochs at most, generator and critic frozen", encoderConfig.epochs());
        InputSpec in = train.spec();
        try (Trainer encoder = nets.encoder.newTrainer(djl)) {
            encoder.initialize(new Shape(1, in.channels(), in.height(), in.width()));
            Random random = new Random(config.seed() + 5);
            return loop.run(encoderConfig, nets.encoderBlock(), nets.encoder.getNDManager(), train, validation,
                    epoch -> trainEncoderEpoch(nets, encoder, train, encoderConfig, random, epoch),
                    (batch, count) -> scores(nets, batch, train.spec(), config),
                    epoch -> encoderConfig.learningRateTracker(stepsPerEpoch).getNewValue(epoch * stepsPerEpoch));
        }
    }

    private double trainEncoderEpoch(WganNetworks nets, Trainer encoder, SampleSet train, TrainingConfig config,
            Random random, int epoch) {
        int[] order = Splits.permutation(train.count(), random);
        ProgressBar bar = loop.progressBar(config, epoch, train.count());
        double lossSum = 0;
        int seen = 0;
        for (int start = 0; start < order.length; start += config.batchSize()) {
            int b = Math.min(config.batchSize(), order.length - start);
            try (NDManager m = encoder.getManager().newSubManager()) {
                NDArray x = MiniBatch.images(m, MiniBatch.gather(train, order, start, b), train.spec());
                try (GradientCollector gc = encoder.newGradientCollector()) {
                    // The encoder runs through its trainer, whose parameter store is what step() updates.
                    NDArray latent = encoder.forward(new NDList(x)).singletonOrThrow();
                    NDArray loss = nets.residuals(new ParameterStore(m, false), x, latent, true)
                            .score(config.gan().kappa()).mean();
                    gc.backward(loss);
                    lossSum += loss.getFloat() * b;
                }
                encoder.step();
            }
            seen += b;
            if (bar != null) {
                bar.update(seen, seen, lossSum / seen);
            }
        }
        if (bar != null) {
            bar.finish(String.format("done, loss %.5f", lossSum / seen));
        }
        return lossSum / seen;
    }

    /** Each image's f-AnoGAN score with the current encoder: the encoder phase's loss per image. */
    private static float[] scores(WganNetworks nets, float[] batch, InputSpec in, TrainingConfig config) {
        try (NDManager m = nets.encoder.getNDManager().newSubManager()) {
            NDArray x = MiniBatch.images(m, batch, in);
            ParameterStore ps = new ParameterStore(m, false);
            return nets.residuals(ps, x, nets.encode(ps, x, false), false).score(config.gan().kappa()).toFloatArray();
        }
    }
}
