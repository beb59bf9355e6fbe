package dev.imageanomaly.trainer.kinds.ensemble;

import dev.imageanomaly.scoring.bundle.GraphNames;
import dev.imageanomaly.trainer.export.ExportedModel;
import dev.imageanomaly.trainer.export.Standardization;
import dev.imageanomaly.trainer.train.TrainedModel;
import dev.imageanomaly.trainer.train.TrainingRun;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Trained members of an ensemble and the statistics that standardize their scores. Its history is
 * the first member's epochs; every member's epochs are in the metrics log.
 */
public final class TrainedKindEnsemble implements TrainedModel {

    private final List<TrainedModel> members;
    private final List<Standardization> standardizations;
    private final TrainingRun run;

    TrainedKindEnsemble(List<TrainedModel> members, List<Standardization> standardizations, TrainingRun run) {
        this.members = List.copyOf(members);
        this.standardizations = List.copyOf(standardizations);
        this.run = run;
    }

    @Override
    public TrainingRun run() {
        return run;
    }

    @Override
    public String architecture() {
        return members.stream().map(m -> m.config().kind().id() + ": " + m.architecture())
                .collect(Collectors.joining("; "));
    }

    @Override
    public Map<String, Object> facts() {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("members", names());
        facts.put("memberScoreStandardization", standardizations.stream().map(s -> List.of(s.mean(), s.std())).toList());
        facts.put("memberEpochsRun", members.stream().map(m -> m.history().size()).toList());
        members.forEach(m -> m.facts().forEach((key, value) -> facts.put(m.config().kind().id() + "." + key, value)));
        return facts;
    }

    @Override
    public ExportedModel export(String graphName) {
        return EnsembleExporter.export(graphName, members.stream().map(m -> m.export(graphName)).toList(), names(),
                standardizations);
    }

    /** The members' own references (every kind names its score {@link GraphNames#SCORE}), standardized and averaged. */
    @Override
    public Map<String, float[]> reference(float[] batch, int count) {
        int m = members.size();
        float[] memberScores = new float[count * m];
        float[] score = new float[count];
        for (int j = 0; j < m; j++) {
            float[] raw = members.get(j).reference(batch, count).get(GraphNames.SCORE);
            for (int i = 0; i < count; i++) {
                memberScores[i * m + j] = (float) standardizations.get(j).apply(raw[i]);
                score[i] += memberScores[i * m + j] / m;
            }
        }
        Map<String, float[]> out = new LinkedHashMap<>();
        out.put(GraphNames.SCORE, score);
        out.put(EnsembleExporter.MEMBER_SCORES, memberScores);
        return out;
    }

    private List<String> names() {
        return members.stream().map(m -> m.config().kind().id()).toList();
    }

    @Override
    public void close() {
        members.forEach(TrainedModel::close);
    }
}
