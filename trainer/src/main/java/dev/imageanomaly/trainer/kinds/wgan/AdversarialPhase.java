package dev.imageanomaly.trainer.kinds.wgan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.data.Splits;
import dev.imageanomaly.trainer.train.DjlTraining;
import dev.imageanomaly.trainer.train.EpochLoop;
import dev.imageanomaly.trainer.train.MiniBatch;
import dev.imageanomaly.trainer.train.MiniBatchPass;
import dev.imageanomaly.trainer.train.TrainingConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The first phase of f-AnoGAN: a Wasserstein GAN (Arjovsky et al. 2017). Each pass over the real
 * images updates the critic once per batch, to maximize {@code mean C(real) - mean C(G(z))} (the
 * Wasserstein estimate) with its weights clipped to {@code [-clip, clip]} after each update, and
 * the generator once every {@code criticSteps} batches, to maximize {@code mean C(G(z))}.
 *
 * <p>Weight clipping rather than a gradient penalty: the penalty differentiates a gradient, and
 * DJL 0.36's PyTorch engine offers no second-order gradients ({@code PtGradientCollector.backward}
 * always passes {@code create_graph = false} to the engine). The WGAN paper's RMSprop is not
 * implemented by that engine either ({@code PtNDArrayEx.rmspropUpdate} throws), so both networks
 * use Adam without momentum (beta1 = 0), which is RMSprop with bias correction.
 *
 * <p>After each epoch the generator's diversity on fixed noise is checked against the real images'
 * ({@link ModeCollapseMonitor}); on collapse the phase stops and goes back to the last epoch whose
 * samples were still diverse, rather than training on blindly.
 */
final class AdversarialPhase {

    /** Generated and real images the spread statistic compares. */
    static final int SPREAD_SAMPLES = 64;
    /** RMSprop's usual decay of the squared-gradient average. */
    private static final float SQUARED_GRADIENT_DECAY = 0.99f;

    /** One epoch of the phase, for the console and the manifest. */
    record Epoch(int epoch, double wassersteinEstimate, double generatorLoss, double sampleSpread,
            double spreadRatio, double seconds) {

        Map<String, Object> facts() {
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("epoch", epoch);
            facts.put("wassersteinEstimate", wassersteinEstimate);
            if (!Double.isNaN(generatorLoss)) { // NaN: no generator update fell in this epoch
                facts.put("generatorLoss", generatorLoss);
            }
            facts.put("sampleSpread", sampleSpread);
            facts.put("spreadRatio", spreadRatio);
            return facts;
        }
    }

    private final WganNetworks nets;
    private final TrainingConfig config;
    private final EpochLoop log;
    private final List<Epoch> epochs = new ArrayList<>();
    private ModeCollapseMonitor monitor;
    /** Counted across epochs, so the generator keeps its share of updates however the batches fall. */
    private long criticUpdates;

    AdversarialPhase(WganNetworks nets, TrainingConfig config, EpochLoop log) {
        this.nets = nets;
        this.config = config;
        this.log = log;
    }

    void run(SampleSet train) {
        InputSpec in = train.spec();
        int spreadCount = Math.min(SPREAD_SAMPLES, train.count());
        float[] realSample = MiniBatch.gather(train, Splits.permutation(train.count(), new Random(config.seed() + 3)),
                0, spreadCount);
        monitor = new ModeCollapseMonitor(SampleSpread.of(realSample, spreadCount), ModeCollapseMonitor.DEFAULT_THRESHOLD);
        float[] fixedNoise = MiniBatch.standardNormal(spreadCount * config.latent(), new Random(config.seed() + 4));
        Random random = new Random(config.seed());
        try (Trainer generator = nets.generator.newTrainer(trainingConfig());
                Trainer critic = nets.critic.newTrainer(trainingConfig())) {
            generator.initialize(new Shape(1, config.latent()));
            critic.initialize(new Shape(1, in.channels(), in.height(), in.width()));
            byte[][] lastDiverse = null;
            for (int epoch = 1; epoch <= config.epochs(); epoch++) {
                long start = System.nanoTime();
                double[] losses = trainEpoch(generator, critic, train, random, epoch);
                double spread = SampleSpread.of(generate(fixedNoise, spreadCount), spreadCount);
                double ratio = monitor.observe(epoch, spread);
                Epoch e = new Epoch(epoch, losses[0], losses[1], spread, ratio, (System.nanoTime() - start) / 1e9);
                epochs.add(e);
                log.say("gan epoch %d/%d: wasserstein estimate %.5f, generator loss %.5f, sample spread %.4f "
                        + "(%.0f %% of the real images' %.4f), %.1f s", epoch, config.epochs(), e.wassersteinEstimate(),
                        e.generatorLoss(), spread, 100 * ratio, monitor.realSpread(), e.seconds());
                if (monitor.detected()) {
                    reportCollapse(e, lastDiverse != null);
                    if (lastDiverse != null) {
                        restore(lastDiverse);
                    }
                    break;
                }
                lastDiverse = snapshot();
            }
        }
    }

    List<Epoch> epochs() {
        return List.copyOf(epochs);
    }

    ModeCollapseMonitor monitor() {
        return monitor;
    }

    private DefaultTrainingConfig trainingConfig() {
        return DjlTraining.withOptimizer(Optimizer.adam()
                .optLearningRateTracker(Tracker.fixed(config.gan().learningRate()))
                .optBeta1(0f).optBeta2(SQUARED_GRADIENT_DECAY).build());
    }

    /**
     * Returns the epoch's mean Wasserstein estimate and mean generator loss, each over the updates
     * made (the progress bar shows the estimate weighted by batch size, which differs only in the
     * last, smaller batch).
     */
    private double[] trainEpoch(Trainer generator, Trainer critic, SampleSet train, Random random, int epoch) {
        double[] sums = new double[2];
        int[] steps = new int[2];
        MiniBatchPass.run(train, config.batchSize(), random,
                log.progressBar(String.format("gan epoch %d/%d", epoch, config.epochs()), train.count()),
                (batch, b) -> {
                    try (NDManager m = critic.getManager().newSubManager()) {
                        NDArray real = MiniBatch.images(m, batch, train.spec());
                        double estimate = criticStep(critic, real, noise(m, b, random));
                        sums[0] += estimate;
                        steps[0]++;
                        if (++criticUpdates % config.gan().criticSteps() == 0) {
                            sums[1] += generatorStep(generator, noise(m, b, random));
                            steps[1]++;
                        }
                        return (float) estimate;
                    }
                },
                ignored -> String.format("done, wasserstein estimate %.5f", sums[0] / steps[0]));
        double wasserstein = sums[0] / steps[0];
        double generatorLoss = steps[1] == 0 ? Double.NaN : sums[1] / steps[1];
        return new double[] {wasserstein, generatorLoss};
    }

    /** One critic update on real images and fresh fakes; returns the Wasserstein estimate before it. */
    private double criticStep(Trainer critic, NDArray real, NDArray z) {
        NDManager m = real.getManager();
        // Outside a gradient collector the engine records no graph: the fakes are constants here,
        // so no gradient reaches (and lingers in) the generator's parameters.
        NDArray fake = nets.generate(new ParameterStore(m, false), z, false);
        int b = (int) real.getShape().get(0);
        double estimate;
        try (GradientCollector gc = critic.newGradientCollector()) {
            NDArray scores = critic.forward(new NDList(real.concat(fake))).singletonOrThrow();
            NDArray wasserstein = scores.get(new NDIndex(":" + b)).mean().sub(scores.get(new NDIndex(b + ":")).mean());
            gc.backward(wasserstein.neg());
            estimate = wasserstein.getFloat();
        }
        critic.step();
        clipCriticWeights();
        return estimate;
    }

    /**
     * One generator update through the critic. The critic is frozen meanwhile: its parameters then
     * get no gradient, which DJL would otherwise leave in place (its optimizer clears only the
     * gradients it applies) to be added to the critic's next update.
     */
    private double generatorStep(Trainer generator, NDArray z) {
        NDManager m = z.getManager();
        nets.critic.getBlock().freezeParameters(true);
        try {
            double loss;
            try (GradientCollector gc = generator.newGradientCollector()) {
                NDArray fake = generator.forward(new NDList(z)).singletonOrThrow();
                NDArray negativeScore = nets.criticScore(new ParameterStore(m, false), fake, true).mean().neg();
                gc.backward(negativeScore);
                loss = negativeScore.getFloat();
            }
            generator.step();
            return loss;
        } finally {
            nets.critic.getBlock().freezeParameters(false);
        }
    }

    /** The Lipschitz constraint of the original WGAN, applied in place to the arrays the optimizer updates. */
    private void clipCriticWeights() {
        float clip = config.gan().clip();
        for (Pair<String, Parameter> p : nets.critic.getBlock().getParameters()) {
            NDArray w = p.getValue().getArray();
            try (NDArray clipped = w.clip(-clip, clip); NDArray excess = w.sub(clipped)) {
                w.subi(excess);
            }
        }
    }

    private float[] generate(float[] codes, int count) {
        try (NDManager m = nets.generator.getNDManager().newSubManager()) {
            NDArray z = m.create(codes, new Shape(count, config.latent()));
            return nets.generate(new ParameterStore(m, false), z, false).toFloatArray();
        }
    }

    private NDArray noise(NDManager m, int count, Random random) {
        return m.create(MiniBatch.standardNormal(count * config.latent(), random), new Shape(count, config.latent()));
    }

    private void reportCollapse(Epoch e, boolean canGoBack) {
        log.say("WARNING: mode collapse at gan epoch %d: generated samples' spread %.4f is %.1f %% of the real "
                + "images' %.4f (threshold %.0f %%); stopping the GAN phase%s", e.epoch(), e.sampleSpread(),
                100 * e.spreadRatio(), monitor.realSpread(), 100 * monitor.threshold(),
                canGoBack ? " and going back to epoch " + (e.epoch() - 1) + "'s generator and critic"
                        : "; no earlier epoch to go back to, the generator stays collapsed");
    }

    private byte[][] snapshot() {
        try {
            return new byte[][] {EpochLoop.snapshot(nets.generator.getBlock()), EpochLoop.snapshot(nets.critic.getBlock())};
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void restore(byte[][] parameters) {
        try {
            EpochLoop.restore(nets.generator.getBlock(), parameters[0], nets.generator.getNDManager());
            EpochLoop.restore(nets.critic.getBlock(), parameters[1], nets.critic.getNDManager());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
