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
import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.data.Splits;
import dev.imageanomaly.trainer.model.Architecture;
import dev.imageanomaly.trainer.model.Architectures;
import dev.imageanomaly.trainer.model.DjlBlocks;
import dev.imageanomaly.trainer.model.ModelKind;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.function.IntUnaryOperator;

/**
 * Trains the autoencoder kinds with Adam on the mean squared reconstruction error, keeping the
 * parameters of the epoch with the lowest validation loss and stopping early when it stops improving.
 */
public final class AutoencoderTrainer {

    private final EpochLoop loop;

    /**
     * @param console where the progress goes (null for none)
     * @param metricsLog JSON-lines file that gets one line per epoch (null for none)
     */
    public AutoencoderTrainer(PrintStream console, Path metricsLog) {
        this(new EpochLoop(console, metricsLog));
    }

    AutoencoderTrainer(EpochLoop loop) {
        this.loop = loop;
    }

    public TrainedAutoencoder fit(SampleSet train, SampleSet validation, TrainingConfig config) {
        config.validate();
        return fit(train, validation, config, Architectures.of(config.kind(), train.spec(), config.hidden(),
                config.latent()), epoch -> config.batchSize());
    }

    /** @param batchSizes the batch size of each epoch (numbered from 1) */
    TrainedAutoencoder fit(SampleSet train, SampleSet validation, TrainingConfig config, Architecture arch,
            IntUnaryOperator batchSizes) {
        InputSpec in = train.spec();
        Engine.getInstance().setRandomSeed((int) config.seed());
        Model model = Model.newInstance(config.kind().id());
        SequentialBlock block = DjlBlocks.autoencoder(arch);
        model.setBlock(block);
        // The schedule counts optimizer steps; with a growing batch size an epoch has fewer of them.
        int totalSteps = 0;
        for (int epoch = 1; epoch <= config.epochs(); epoch++) {
            int b = batchSizes.applyAsInt(epoch);
            totalSteps += (train.count() + b - 1) / b;
        }
        int stepsPerEpoch = Math.max(1, totalSteps / config.epochs());
        DefaultTrainingConfig djl = new DefaultTrainingConfig(new L2Loss())
                .optInitializer(new XavierInitializer(), Parameter.Type.WEIGHT)
                .optOptimizer(Optimizer.adam()
                        .optLearningRateTracker(config.learningRateTracker(stepsPerEpoch))
                        .build());
        long start = System.nanoTime();
        try (Trainer trainer = model.newTrainer(djl)) {
            trainer.initialize(new Shape(1, in.channels(), in.height(), in.width()));
            Random random = new Random(config.seed());
            List<EpochMetrics> history = loop.run(config, block, model.getNDManager(), train, validation,
                    epoch -> trainEpoch(trainer, train, config, random, epoch, batchSizes.applyAsInt(epoch)),
                    (batch, count) -> reconstructionErrors(model, block, batch, in),
                    epoch -> config.learningRateTracker(stepsPerEpoch).getNewValue(epoch * stepsPerEpoch));
            return new TrainedAutoencoder(model, arch, in, config, history, (System.nanoTime() - start) / 1e9);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private double trainEpoch(Trainer trainer, SampleSet train, TrainingConfig config, Random random, int epoch,
            int batchSize) {
        InputSpec in = train.spec();
        int[] order = Splits.permutation(train.count(), random);
        ProgressBar bar = loop.progressBar(config, epoch, train.count());
        double lossSum = 0;
        int seen = 0;
        for (int start = 0; start < order.length; start += batchSize) {
            int b = Math.min(batchSize, order.length - start);
            float[] clean = MiniBatch.gather(train, order, start, b);
            float[] input = config.kind() == ModelKind.DENOISING_AE ? corrupt(clean, config.noiseStd(), in.isUnitRangeImage(), random)
                    : clean;
            try (NDManager m = trainer.getManager().newSubManager()) {
                NDArray x = MiniBatch.images(m, input, in);
                NDArray target = MiniBatch.images(m, clean, in);
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

    /**
     * Gaussian noise, clipped to [0, 1] for unit-range images (standardized features have no bounds);
     * a seeded generator keeps runs repeatable.
     */
    private static float[] corrupt(float[] clean, float std, boolean clipToUnitRange, Random random) {
        float[] noisy = new float[clean.length];
        for (int i = 0; i < clean.length; i++) {
            float v = clean[i] + (float) (random.nextGaussian() * std);
            noisy[i] = clipToUnitRange ? Math.max(0f, Math.min(1f, v)) : v;
        }
        return noisy;
    }

    /** Each image's mean squared reconstruction error (the exported score), by DJL's forward pass. */
    private static float[] reconstructionErrors(Model model, SequentialBlock block, float[] batch, InputSpec in) {
        try (NDManager m = model.getNDManager().newSubManager()) {
            NDArray x = MiniBatch.images(m, batch, in);
            NDArray recon = block.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
            return TrainedAutoencoder.perSampleMean(recon.sub(x).square()).toFloatArray();
        }
    }
}
