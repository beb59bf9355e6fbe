package dev.imageanomaly.trainer.train;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.loss.L2Loss;
import ai.djl.training.optimizer.Optimizer;
import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.trainer.data.ImageSet;
import dev.imageanomaly.trainer.data.Splits;
import dev.imageanomaly.trainer.model.Architecture;
import dev.imageanomaly.trainer.model.Architectures;
import dev.imageanomaly.trainer.model.DjlBlocks;
import dev.imageanomaly.trainer.model.ModelKind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Trains the autoencoder kinds with Adam on the mean squared reconstruction error, keeping the
 * parameters of the epoch with the lowest validation loss and stopping early when it stops improving.
 */
public final class AutoencoderTrainer {

    private final PrintStream console;
    private final Path metricsLog;

    /**
     * @param console where the progress bar goes (null for none)
     * @param metricsLog JSON-lines file that gets one line per epoch (null for none)
     */
    public AutoencoderTrainer(PrintStream console, Path metricsLog) {
        this.console = console;
        this.metricsLog = metricsLog;
    }

    public TrainedAutoencoder fit(ImageSet train, ImageSet validation, TrainingConfig config) {
        config.validate();
        InputSpec in = train.spec();
        Architecture arch = Architectures.of(config.kind(), in, config.hidden(), config.latent());
        Engine.getInstance().setRandomSeed((int) config.seed());
        Model model = Model.newInstance(config.kind().id());
        SequentialBlock block = DjlBlocks.autoencoder(arch);
        model.setBlock(block);
        int stepsPerEpoch = (train.count() + config.batchSize() - 1) / config.batchSize();
        DefaultTrainingConfig djl = new DefaultTrainingConfig(new L2Loss())
                .optInitializer(new XavierInitializer(), Parameter.Type.WEIGHT)
                .optOptimizer(Optimizer.adam()
                        .optLearningRateTracker(config.schedule().tracker(config.learningRate(), stepsPerEpoch,
                                config.epochs()))
                        .build());
        long start = System.nanoTime();
        List<EpochMetrics> history = new ArrayList<>();
        try (Trainer trainer = model.newTrainer(djl);
                EpochMetricsLog log = metricsLog == null ? EpochMetricsLog.none() : EpochMetricsLog.open(metricsLog)) {
            trainer.initialize(new Shape(1, in.channels(), in.height(), in.width()));
            ImageSet driftSample = ScoreDrift.trainingSample(train, config.seed());
            Random random = new Random(config.seed());
            double bestLoss = Double.POSITIVE_INFINITY;
            byte[] bestParameters = null;
            int sinceBest = 0;
            for (int epoch = 1; epoch <= config.epochs(); epoch++) {
                long epochStart = System.nanoTime();
                double trainLoss = trainEpoch(trainer, train, config, random, epoch);
                double seconds = (System.nanoTime() - epochStart) / 1e9;
                double valLoss = meanLoss(model, block, validation, config.batchSize());
                double drift = ScoreDrift.ks(perSampleScores(model, block, driftSample, config.batchSize()),
                        perSampleScores(model, block, validation, config.batchSize()));
                boolean best = valLoss < bestLoss;
                if (best) {
                    bestLoss = valLoss;
                    bestParameters = snapshot(block);
                    sinceBest = 0;
                } else {
                    sinceBest++;
                }
                double lr = config.schedule().tracker(config.learningRate(), stepsPerEpoch, config.epochs())
                        .getNewValue(epoch * stepsPerEpoch);
                EpochMetrics m = new EpochMetrics(epoch, trainLoss, valLoss, drift, lr, seconds, train.count() / seconds, best);
                history.add(m);
                log.append(m);
                if (console != null) {
                    console.printf("epoch %d/%d: train loss %.5f, validation loss %.5f%s, train/validation score KS"
                            + " %.3f, %.1f s, %.0f img/s%n", epoch, config.epochs(), trainLoss, valLoss,
                            best ? " (best)" : "", drift, seconds, m.imagesPerSecond());
                }
                if (config.patience() > 0 && sinceBest >= config.patience()) {
                    if (console != null) {
                        console.printf("early stop: validation loss has not improved for %d epochs%n", sinceBest);
                    }
                    break;
                }
            }
            restore(block, bestParameters, model.getNDManager());
        } catch (IOException e) {
            model.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        return new TrainedAutoencoder(model, arch, in, config, history, (System.nanoTime() - start) / 1e9);
    }

    private double trainEpoch(Trainer trainer, ImageSet train, TrainingConfig config, Random random, int epoch) {
        InputSpec in = train.spec();
        int n = in.sampleSize();
        int[] order = Splits.permutation(train.count(), random);
        // A bar redrawn in place only makes sense on a terminal; logs and CI get the epoch summary line alone.
        ProgressBar bar = console == null || System.console() == null ? null
                : new ProgressBar(console, String.format("epoch %d/%d", epoch, config.epochs()), train.count());
        double lossSum = 0;
        int seen = 0;
        for (int start = 0; start < order.length; start += config.batchSize()) {
            int b = Math.min(config.batchSize(), order.length - start);
            float[] clean = new float[b * n];
            for (int i = 0; i < b; i++) {
                System.arraycopy(train.data(), order[start + i] * n, clean, i * n, n);
            }
            float[] input = config.kind() == ModelKind.DENOISING_AE ? corrupt(clean, config.noiseStd(), random) : clean;
            try (NDManager m = trainer.getManager().newSubManager()) {
                Shape shape = new Shape(b, in.channels(), in.height(), in.width());
                NDArray x = m.create(input, shape);
                NDArray target = m.create(clean, shape);
                try (GradientCollector gc = trainer.newGradientCollector()) {
                    NDArray recon = trainer.forward(new NDList(x)).singletonOrThrow();
                    NDArray loss = recon.sub(target).square().mean();
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
            bar.finish(String.format("done, loss %.5f", lossSum / seen));
        }
        return lossSum / seen;
    }

    /** Gaussian noise clipped to the valid pixel range; a seeded generator keeps runs repeatable. */
    private static float[] corrupt(float[] clean, float std, Random random) {
        float[] noisy = new float[clean.length];
        for (int i = 0; i < clean.length; i++) {
            noisy[i] = Math.max(0f, Math.min(1f, clean[i] + (float) (random.nextGaussian() * std)));
        }
        return noisy;
    }

    static double meanLoss(Model model, SequentialBlock block, ImageSet set, int batchSize) {
        InputSpec in = set.spec();
        int n = in.sampleSize();
        double sum = 0;
        for (int start = 0; start < set.count(); start += batchSize) {
            int b = Math.min(batchSize, set.count() - start);
            float[] chunk = java.util.Arrays.copyOfRange(set.data(), start * n, (start + b) * n);
            try (NDManager m = model.getNDManager().newSubManager()) {
                NDArray x = m.create(chunk, new Shape(b, in.channels(), in.height(), in.width()));
                NDArray recon = block.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
                sum += recon.sub(x).square().mean().getFloat() * b;
            }
        }
        return sum / set.count();
    }

    /** Each image's mean squared reconstruction error (the exported score), by DJL's forward pass. */
    static float[] perSampleScores(Model model, SequentialBlock block, ImageSet set, int batchSize) {
        InputSpec in = set.spec();
        int n = in.sampleSize();
        float[] scores = new float[set.count()];
        for (int start = 0; start < set.count(); start += batchSize) {
            int b = Math.min(batchSize, set.count() - start);
            float[] chunk = java.util.Arrays.copyOfRange(set.data(), start * n, (start + b) * n);
            try (NDManager m = model.getNDManager().newSubManager()) {
                NDArray x = m.create(chunk, new Shape(b, in.channels(), in.height(), in.width()));
                NDArray recon = block.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
                float[] part = recon.sub(x).square().reshape(b, n).mean(new int[] {1}).toFloatArray();
                System.arraycopy(part, 0, scores, start, b);
            }
        }
        return scores;
    }

    private static byte[] snapshot(SequentialBlock block) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            block.saveParameters(out);
        }
        return bytes.toByteArray();
    }

    private static void restore(SequentialBlock block, byte[] parameters, NDManager manager) throws IOException {
        if (parameters == null) {
            return;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(parameters))) {
            block.loadParameters(manager, in);
        } catch (ai.djl.MalformedModelException e) {
            throw new IllegalStateException("cannot restore the best epoch's parameters", e);
        }
    }
}
