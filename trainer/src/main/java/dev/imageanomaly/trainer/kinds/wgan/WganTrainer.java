package dev.imageanomaly.trainer.kinds.wgan;

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
 * Trains {@code wgan} the f-AnoGAN way (Schlegl et al. 2019): first a Wasserstein GAN for
 * {@code epochs} epochs ({@link AdversarialPhase}), then, with generator and critic frozen, an
 * encoder E for up to {@code encoderEpochs} epochs on the izi_f loss: the image residual
 * {@code mean (x - G(E(x)))^2} plus kappa times the critic-feature residual
 * {@code mean (f(x) - f(G(E(x))))^2}, the same quantity the exported graph scores. The encoder
 * phase runs in the shared epoch loop, so its validation loss picks the best epoch and stops early;
 * its epochs are the history the bundle reports.
 */
final class WganTrainer {

    private final EpochLoop loop;

    WganTrainer(EpochLoop loop) {
        this.loop = loop;
    }

    /** @param architecture the encoder (image to code) and the generator (code to image) */
    TrainedWgan fit(SampleSet train, SampleSet validation, TrainingConfig config, Architecture architecture) {
        InputSpec in = train.spec();
        Engine.getInstance().setRandomSeed((int) config.seed());
        WganNetworks nets = new WganNetworks(config.kind().id(), architecture, Critic.of(in));
        long start = System.nanoTime();
        try {
            AdversarialPhase gan = new AdversarialPhase(nets, config, loop);
            gan.run(train);
            nets.generator.getBlock().freezeParameters(true);
            nets.critic.getBlock().freezeParameters(true);
            List<EpochMetrics> history = trainEncoder(nets, train, validation, config);
            return new TrainedWgan(nets, in, gan.epochs(), gan.monitor(), TrainingRun.since(start, config, history));
        } catch (RuntimeException e) {
            nets.close();
            throw e;
        }
    }

    private List<EpochMetrics> trainEncoder(WganNetworks nets, SampleSet train, SampleSet validation,
            TrainingConfig config) {
        TrainingConfig encoderConfig = config.withEpochs(config.gan().encoderEpochs());
        int stepsPerEpoch = config.stepsPerEpoch(train.count());
        loop.say("encoder: %d epochs at most, generator and critic frozen", encoderConfig.epochs());
        InputSpec in = train.spec();
        try (Trainer encoder = nets.encoder.newTrainer(
                DjlTraining.adam(encoderConfig.learningRateTracker(stepsPerEpoch)))) {
            encoder.initialize(new Shape(1, in.channels(), in.height(), in.width()));
            Random random = new Random(config.seed() + 5);
            float kappa = config.gan().kappa();
            return loop.run(encoderConfig, nets.encoderBlock(), nets.encoder.getNDManager(), train, validation,
                    epoch -> MiniBatchPass.run(train, encoderConfig.batchSize(), random,
                            loop.progressBar(encoderConfig, epoch, train.count()),
                            (batch, size) -> encoderStep(nets, encoder, batch, in, kappa),
                            loss -> String.format("done, loss %.5f", loss)),
                    (batch, count) -> scores(nets, batch, in, kappa),
                    epoch -> encoderConfig.learningRateAfter(epoch, stepsPerEpoch));
        }
    }

    private static float encoderStep(WganNetworks nets, Trainer encoder, float[] batch, InputSpec in, float kappa) {
        try (NDManager m = encoder.getManager().newSubManager()) {
            NDArray x = MiniBatch.images(m, batch, in);
            float loss;
            try (GradientCollector gc = encoder.newGradientCollector()) {
                // The encoder runs through its trainer, whose parameter store is what step() updates.
                NDArray latent = encoder.forward(new NDList(x)).singletonOrThrow();
                NDArray residual = nets.residuals(new ParameterStore(m, false), x, latent, true).score(kappa).mean();
                gc.backward(residual);
                loss = residual.getFloat();
            }
            encoder.step();
            return loss;
        }
    }

    /** Each image's f-AnoGAN score with the current encoder: the encoder phase's loss per image. */
    private static float[] scores(WganNetworks nets, float[] batch, InputSpec in, float kappa) {
        try (NDManager m = nets.encoder.getNDManager().newSubManager()) {
            NDArray x = MiniBatch.images(m, batch, in);
            ParameterStore ps = new ParameterStore(m, false);
            return nets.residuals(ps, x, nets.encode(ps, x, false), false).score(kappa).toFloatArray();
        }
    }
}
