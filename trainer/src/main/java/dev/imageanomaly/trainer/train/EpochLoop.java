package dev.imageanomaly.trainer.train;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.imageanomaly.scoring.drift.ScoreDistance;
import dev.imageanomaly.trainer.data.SampleSet;
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
import java.util.function.IntToDoubleFunction;

/**
 * The epoch loop every gradient-trained kind shares: train one epoch, measure the validation loss,
 * keep the parameters of the best epoch, stop when it has not improved for {@code patience} epochs,
 * and log each epoch as a JSON line and a console line. At the end the block holds the best epoch's
 * parameters.
 */
public final class EpochLoop {

    private final PrintStream console;
    private final Path metricsLog;
    private final String label;
    private final int driftSampleSize;

    /**
     * @param console where the epoch lines go (null for none)
     * @param metricsLog JSON-lines file (and its CSV sibling) that get one line per epoch, appended (null for none)
     */
    public EpochLoop(PrintStream console, Path metricsLog) {
        this(console, metricsLog, "");
    }

    /** @param label what the console lines start with, to tell apart the networks one job trains */
    public EpochLoop(PrintStream console, Path metricsLog, String label) {
        this(console, metricsLog, label, ScoreDrift.TRAINING_SAMPLE);
    }

    private EpochLoop(PrintStream console, Path metricsLog, String label, int driftSampleSize) {
        this.console = console;
        this.metricsLog = metricsLog;
        this.label = label;
        this.driftSampleSize = driftSampleSize;
    }

    /**
     * The same loop scoring at most {@code images} training images each epoch for the train/validation
     * KS statistic, for kinds whose per-image score costs many forward passes.
     */
    public EpochLoop withDriftSample(int images) {
        return new EpochLoop(console, metricsLog, label, images);
    }

    /**
     * @param trainEpoch trains one epoch (numbered from 1) and returns its mean training loss
     * @param scores each image's loss under the current parameters: the validation loss is their
     *     mean over the validation set, and their train/validation KS statistic is logged each epoch
     * @param learningRate the learning rate at the end of an epoch, for the log
     */
    public List<EpochMetrics> run(TrainingConfig config, Block block, NDManager manager, SampleSet train, SampleSet validation,
            IntToDoubleFunction trainEpoch, PerImageScores scores, IntToDoubleFunction learningRate) {
        List<EpochMetrics> history = new ArrayList<>();
        SampleSet driftSample = ScoreDrift.trainingSample(train, config.seed(), driftSampleSize);
        try (EpochMetricsLog log = metricsLog == null ? EpochMetricsLog.none() : EpochMetricsLog.continuing(metricsLog)) {
            double bestLoss = Double.POSITIVE_INFINITY;
            byte[] bestParameters = null;
            int sinceBest = 0;
            for (int epoch = 1; epoch <= config.epochs(); epoch++) {
                long epochStart = System.nanoTime();
                double trainLoss = trainEpoch.applyAsDouble(epoch);
                double seconds = (System.nanoTime() - epochStart) / 1e9;
                float[] validationScores = scores.of(validation, config.batchSize());
                double valLoss = PerImageScores.mean(validationScores);
                double drift = ScoreDistance.ks(scores.of(driftSample, config.batchSize()), validationScores);
                boolean best = valLoss < bestLoss;
                if (best) {
                    bestLoss = valLoss;
                    bestParameters = snapshot(block);
                    sinceBest = 0;
                } else {
                    sinceBest++;
                }
                EpochMetrics m = new EpochMetrics(epoch, trainLoss, valLoss, drift, learningRate.applyAsDouble(epoch),
                        seconds, train.count() / seconds, best);
                history.add(m);
                log.append(m);
                say("%sepoch %d/%d: train loss %.5f, validation loss %.5f%s, train/validation score KS %.3f, %.1f s, "
                        + "%.0f img/s", label, epoch, config.epochs(), trainLoss, valLoss, best ? " (best)" : "", drift,
                        seconds, m.imagesPerSecond());
                if (Double.isNaN(trainLoss) || Double.isNaN(valLoss)) {
                    throw new IllegalStateException(String.format("%straining diverged in epoch %d: the loss is not a "
                            + "number (training %s, validation %s); nothing was saved. A lower --learning-rate may help",
                            label, epoch, trainLoss, valLoss));
                }
                if (config.patience() > 0 && sinceBest >= config.patience()) {
                    say("%searly stop: validation loss has not improved for %d epochs", label, sinceBest);
                    break;
                }
            }
            restore(block, bestParameters, manager);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return history;
    }

    /** A bar redrawn in place only makes sense on a terminal; logs and CI get the epoch summary line alone. */
    public ProgressBar progressBar(TrainingConfig config, int epoch, int total) {
        return progressBar(String.format("%sepoch %d/%d", label, epoch, config.epochs()), total);
    }

    public ProgressBar progressBar(String label, int total) {
        return console == null || System.console() == null ? null : new ProgressBar(console, label, total);
    }

    public void say(String format, Object... args) {
        if (console != null) {
            console.printf(format + "%n", args);
        }
    }

    public static byte[] snapshot(Block block) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            block.saveParameters(out);
        }
        return bytes.toByteArray();
    }

    public static void restore(Block block, byte[] parameters, NDManager manager) throws IOException {
        if (parameters == null) {
            return;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(parameters))) {
            block.loadParameters(manager, in);
        } catch (ai.djl.MalformedModelException e) {
            throw new IllegalStateException("cannot restore saved parameters", e);
        }
    }
}
