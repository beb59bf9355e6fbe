package dev.imageanomaly.trainer.kinds.transform;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import dev.imageanomaly.scoring.bundle.GraphNames;
import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.train.DjlTraining;
import dev.imageanomaly.trainer.train.EpochLoop;
import dev.imageanomaly.trainer.train.EpochMetrics;
import dev.imageanomaly.trainer.train.MiniBatch;
import dev.imageanomaly.trainer.train.MiniBatchPass;
import dev.imageanomaly.trainer.train.TrainingConfig;
import dev.imageanomaly.trainer.train.TrainingRun;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Trains the {@code transform} kind: a classifier learns which of a fixed set of geometric
 * transformations was applied to a normal image. It learns the shapes of normal images in the
 * course; on an anomaly it recognises the transformations less surely, and the score is its mean
 * negative log-likelihood of the right one.
 *
 * <p>An epoch shows every training image {@value #VIEWS_PER_EPOCH} times, each under a
 * transformation drawn at random; the validation loss is the mean score of the validation images
 * (every transformation), so the epoch kept is the one that recognises held-out normal images best.
 */
public final class TransformTrainer {

    /**
     * Randomly transformed views of each image per epoch. Scoring the validation images costs one
     * pass per transformation, so epochs of a single view would spend most of their time validating.
     */
    static final int VIEWS_PER_EPOCH = 2;

    private final EpochLoop loop;

    public TransformTrainer(EpochLoop loop) {
        this.loop = loop;
    }

    public TrainedTransformClassifier fit(SampleSet train, SampleSet validation, TrainingConfig config) {
        InputSpec in = train.spec();
        if (in.height() != in.width() || in.isFeatures()) {
            throw new IllegalArgumentException("the transform kind rotates images, so it needs square images, got "
                    + in.height() + "x" + in.width() + "; resize the input (--size HxW)");
        }
        List<Transformation> transformations = Transformation.geometric(in.width() / 4);
        Engine.getInstance().setRandomSeed((int) config.seed());
        Model model = Model.newInstance(config.kind().id());
        SequentialBlock block = TransformClassifier.build(transformations.size());
        model.setBlock(block);
        int stepsPerEpoch = VIEWS_PER_EPOCH * config.stepsPerEpoch(train.count());
        long start = System.nanoTime();
        try (Trainer trainer = model.newTrainer(DjlTraining.adam(config.learningRateTracker(stepsPerEpoch)))) {
            trainer.initialize(new Shape(1, in.channels(), in.height(), in.width()));
            Random random = new Random(config.seed());
            // Each drift image costs a pass per transformation: as many as there are validation images is enough for KS.
            List<EpochMetrics> history = loop.withDriftSample(validation.count()).run(config, block,
                    model.getNDManager(), train, validation,
                    epoch -> trainEpoch(trainer, transformations, train, config, epoch, random),
                    (batch, count) -> TrainedTransformClassifier.forward(model, transformations, in, batch, count)
                            .get(GraphNames.SCORE), epoch -> config.learningRateAfter(epoch, stepsPerEpoch));
            return new TrainedTransformClassifier(model, transformations, in,
                    TrainingRun.since(start, config, history));
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** {@value #VIEWS_PER_EPOCH} passes over the images in random order, each image under a transformation drawn at random. */
    private double trainEpoch(Trainer trainer, List<Transformation> transformations, SampleSet train,
            TrainingConfig config, int epoch, Random random) {
        double sum = 0;
        for (int view = 1; view <= VIEWS_PER_EPOCH; view++) {
            sum += MiniBatchPass.run(train, config.batchSize(), random,
                    loop.progressBar(String.format("epoch %d/%d, view %d/%d", epoch, config.epochs(), view,
                            VIEWS_PER_EPOCH), train.count()),
                    (batch, size) -> step(trainer, transformations, batch, size, train.spec(), random),
                    loss -> String.format("done, loss %.4f", loss));
        }
        return sum / VIEWS_PER_EPOCH;
    }

    private static float step(Trainer trainer, List<Transformation> transformations, float[] images, int size,
            InputSpec in, Random random) {
        int n = in.sampleSize();
        int t = transformations.size();
        float[] transformed = new float[images.length];
        float[] oneHot = new float[size * t];
        for (int i = 0; i < size; i++) {
            int k = random.nextInt(t);
            float[] image = Arrays.copyOfRange(images, i * n, (i + 1) * n);
            System.arraycopy(transformations.get(k).apply(image, 1, in.channels(), in.width()), 0, transformed, i * n, n);
            oneHot[i * t + k] = 1;
        }
        try (NDManager m = trainer.getManager().newSubManager()) {
            NDArray x = MiniBatch.images(m, transformed, in);
            NDArray target = m.create(oneHot, new Shape(size, t));
            float loss;
            try (GradientCollector gc = trainer.newGradientCollector()) {
                NDArray logits = trainer.forward(new NDList(x)).singletonOrThrow();
                NDArray crossEntropy = logits.logSoftmax(1).mul(target).sum(new int[] {1}).neg().mean();
                gc.backward(crossEntropy);
                loss = crossEntropy.getFloat();
            }
            trainer.step();
            return loss;
        }
    }
}
