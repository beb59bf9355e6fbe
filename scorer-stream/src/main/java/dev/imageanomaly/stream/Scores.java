package dev.imageanomaly.stream;

import dev.imageanomaly.schemas.avro.AnomalyScore;
import dev.imageanomaly.schemas.avro.ImageEvent;
import dev.imageanomaly.schemas.avro.Verdict;
import dev.imageanomaly.scoring.bundle.Manifest;
import java.time.Instant;
import java.util.Map;

/** The score record of one event: what was scored, by which model, against which threshold. */
final class Scores {

    private Scores() {}

    static AnomalyScore score(ImageEvent event, Manifest model, dev.imageanomaly.scoring.Verdict verdict,
            long receivedAtMillis, Instant scoredAt) {
        return AnomalyScore.newBuilder()
                .setEventId(event.getEventId()).setSource(event.getSource()).setEventTime(event.getEventTime())
                .setModelName(model.name()).setModelVersion(model.version())
                .setScore(verdict.score()).setFeatureScores(Map.of(model.scoreOutput(), verdict.score()))
                .setThreshold(verdict.threshold()).setVerdict(verdict.anomalous() ? Verdict.ANOMALY : Verdict.NORMAL)
                .setScoringLatencyMs(scoredAt.toEpochMilli() - receivedAtMillis).setScoredAt(scoredAt)
                .build();
    }
}
