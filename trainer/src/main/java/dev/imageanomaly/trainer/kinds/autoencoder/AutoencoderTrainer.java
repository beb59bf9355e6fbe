package dev.imageanomaly.trainer.kinds.autoencoder;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.model.Architecture;
import dev.imageanomaly.trainer.model.DjlBlocks;
import dev.imageanomaly.trainer.train.DjlTraining;
import dev.imageanomaly.trainer.train.EpochLoop;
import dev.imageanomaly.trainer.train.EpochMetrics;
import dev.imageanomaly.trainer.train.MiniBatch;
import dev.imageanomaly.trainer.train.MiniBatchPass;
import dev.imageanomaly.trainer.train.TrainingConfig;
import dev.imageanomaly.trainer.train.TrainingRun;
import java.util.List;
import java.util.Random;
import java.util.function.IntUnaryOperator;

/**
 * Trains an autoencoder with Adam on the mean squared reconstruction error, keeping the parameters
 * of the epoch with the lowest validation loss and stopping early when it stops improving.
 */
public final class AutoencoderTrainer {

    private final EpochLoop loop;
    private final boolean denoising;

    /** @param denoising learn to reconstruct each clean sample from a noisy copy of it */
    public AutoencoderTrainer(EpochLoop loop, boolean denoising) {
        this.loop = loop;
        this.denoising = denoising;
    }

    /** @param batchSizes the batch size of each epoch (numbered from 1) */
    public TrainedAutoencoder fit(SampleSet train, SampleSet validation, TrainingConfig config, Architecture arch,
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
        long start = System.nanoTime();
        try (Trainer trainer = model.newTrainer(DjlTraining.adam(config.learningRateTracker(stepsPerEpoch)))) {
            trainer.initialize(new Shape(1, in.channels(), in.height(), in.width()));
            Random random = new Random(config.seed());
            List<EpochMetrics> history = loop.run(config, block, model.getNDManager(), train, validation,
                    epoch -> MiniBatchPass.run(train, batchSizes.applyAsInt(epoch), random,
                            loop.progressBar(config, epoch, train.count()),
                            (batch, size) -> step(trainer, batch, in, config, random),
                            loss -> String.format("done, loss %.5f", loss)),
                    (batch, count) -> reconstructionErrors(model, block, batch, in),
                    epoch -> config.learningRateAfter(epoch, stepsPerEpoch));
            return new TrainedAutoencoder(model, arch, in, TrainingRun.since(start, config, history), denoising);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private float step(Trainer trainer, float[] clean, InputSpec in, TrainingConfig config, Random random) {
        float[] input = denoising ? corrupt(clean, config.noiseStd(), in.isUnitRangeImage(), random) : clean;
        try (NDManager m = trainer.getManager().newSubManager()) {
            NDArray x = MiniBatch.images(m, input, in);
            NDArray target = MiniBatch.images(m, clean, in);
            float loss;
            try (GradientCollector gc = trainer.newGradientCollector()) {
                NDArray recon = trainer.forward(new NDList(x)).singletonOrThrow();
                NDArray mse = recon.sub(target).square().mean();
                gc.backward(mse);
                loss = mse.getFloat();
            }
            trainer.step();
            return loss;
        }
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
            return MiniBatch.perSampleMean(recon.sub(x).square()).toFloatArray();
        }
    }
}
