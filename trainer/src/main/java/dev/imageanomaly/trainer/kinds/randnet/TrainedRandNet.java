package dev.imageanomaly.trainer.kinds.randnet;

import dev.imageanomaly.scoring.bundle.GraphNames;
import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.trainer.export.ExportedModel;
import dev.imageanomaly.trainer.export.Standardization;
import dev.imageanomaly.trainer.kinds.autoencoder.TrainedAutoencoder;
import dev.imageanomaly.trainer.train.EpochMetrics;
import dev.imageanomaly.trainer.train.TrainedModel;
import dev.imageanomaly.trainer.train.TrainingConfig;
import dev.imageanomaly.trainer.train.TrainingRun;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A trained RandNet ensemble: its members and the error statistics that standardize their scores. */
public final class TrainedRandNet implements TrainedModel {

    private final List<TrainedAutoencoder> members;
    private final List<Standardization> stats;
    private final InputSpec input;
    private final TrainingRun run;

    TrainedRandNet(List<TrainedAutoencoder> members, List<Standardization> stats, InputSpec input, TrainingConfig config,
            double trainingSeconds) {
        this.members = List.copyOf(members);
        this.stats = List.copyOf(stats);
        this.input = input;
        this.run = new TrainingRun(config, ensembleHistory(this.members), trainingSeconds);
    }

    /** The history is the ensemble's learning curve (see {@link #ensembleHistory}). */
    @Override
    public TrainingRun run() {
        return run;
    }

    /**
     * The ensemble's learning curve: per epoch, the members' mean losses and train/validation KS over
     * the members that ran it; "best" marks the epochs whose mean validation loss was the lowest so far.
     */
    private static List<EpochMetrics> ensembleHistory(List<TrainedAutoencoder> members) {
        int longest = members.stream().mapToInt(m -> m.history().size()).max().orElse(0);
        List<EpochMetrics> curve = new ArrayList<>();
        double bestLoss = Double.POSITIVE_INFINITY;
        for (int e = 0; e < longest; e++) {
            int epoch = e;
            List<EpochMetrics> ran = members.stream().filter(m -> m.history().size() > epoch)
                    .map(m -> m.history().get(epoch)).toList();
            double train = ran.stream().mapToDouble(EpochMetrics::trainLoss).average().orElseThrow();
            double validation = ran.stream().mapToDouble(EpochMetrics::validationLoss).average().orElseThrow();
            double drift = ran.stream().mapToDouble(EpochMetrics::trainValidationKs).average().orElseThrow();
            double seconds = ran.stream().mapToDouble(EpochMetrics::seconds).sum();
            double images = ran.stream().mapToDouble(m -> m.imagesPerSecond() * m.seconds()).sum();
            boolean best = validation < bestLoss;
            bestLoss = Math.min(bestLoss, validation);
            curve.add(new EpochMetrics(e + 1, train, validation, drift, ran.get(0).learningRate(), seconds, images / seconds,
                    best));
        }
        return curve;
    }

    @Override
    public String architecture() {
        return members.size() + " x " + members.get(0).architecture();
    }

    @Override
    public Map<String, Object> facts() {
        TrainingConfig config = run.config();
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("members", members.size());
        facts.put("dropRate", config.ensemble().dropRate());
        facts.put("batchSizes", List.of(config.batchSize(), config.ensemble().finalBatchSize()));
        facts.put("memberEpochsRun", members.stream().map(m -> m.history().size()).toList());
        facts.put("memberErrorStats", stats.stream().map(s -> List.of(s.mean(), s.std())).toList());
        return facts;
    }

    @Override
    public ExportedModel export(String graphName) {
        return RandNetExporter.export(graphName, members.stream().map(TrainedAutoencoder::layers).toList(),
                members.stream().map(TrainedAutoencoder::block).toList(), stats, input);
    }

    @Override
    public Map<String, float[]> reference(float[] batch, int count) {
        int m = members.size();
        int n = input.sampleSize();
        float[] memberScores = new float[count * m];
        float[] meanRecon = new float[count * n];
        for (int j = 0; j < m; j++) {
            Map<String, float[]> out = members.get(j).reference(batch, count);
            float[] errors = out.get(GraphNames.SCORE);
            for (int i = 0; i < count; i++) {
                memberScores[i * m + j] = (float) stats.get(j).apply(errors[i]);
            }
            float[] recon = out.get(GraphNames.RECONSTRUCTION);
            for (int k = 0; k < recon.length; k++) {
                meanRecon[k] += recon[k] / m;
            }
        }
        float[] score = new float[count];
        for (int i = 0; i < count; i++) {
            float[] row = Arrays.copyOfRange(memberScores, i * m, (i + 1) * m);
            Arrays.sort(row);
            score[i] = (row[(m - 1) / 2] + row[m / 2]) / 2;
        }
        Map<String, float[]> out = new LinkedHashMap<>();
        out.put(GraphNames.SCORE, score);
        out.put(GraphNames.RECONSTRUCTION, meanRecon);
        out.put(RandNetExporter.MEMBER_SCORES, memberScores);
        return out;
    }

    @Override
    public void close() {
        members.forEach(TrainedAutoencoder::close);
    }
}
