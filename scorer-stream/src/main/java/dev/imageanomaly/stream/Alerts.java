package dev.imageanomaly.stream;

import dev.imageanomaly.schemas.avro.AnomalyAlert;
import dev.imageanomaly.schemas.avro.AnomalyScore;
import dev.imageanomaly.schemas.avro.Severity;
import dev.imageanomaly.scoring.image.DecodedImage;
import dev.imageanomaly.scoring.image.PngEncoder;
import java.nio.ByteBuffer;
import java.util.Map;

/** Turns an anomalous score into an alert a person can act on: severity, the event's attributes, a thumbnail. */
final class Alerts {

    private final double[] severityRatios;
    private final int thumbnailMaxSide;

    Alerts(double[] severityRatios, int thumbnailMaxSide) {
        this.severityRatios = severityRatios;
        this.thumbnailMaxSide = thumbnailMaxSide;
    }

    AnomalyAlert alert(AnomalyScore score, Map<String, String> attributes, DecodedImage image) {
        return AnomalyAlert.newBuilder()
                .setEventId(score.getEventId()).setSource(score.getSource()).setEventTime(score.getEventTime())
                .setModelName(score.getModelName()).setModelVersion(score.getModelVersion())
                .setScore(score.getScore()).setFeatureScores(score.getFeatureScores())
                .setThreshold(score.getThreshold()).setVerdict(score.getVerdict())
                .setScoringLatencyMs(score.getScoringLatencyMs()).setScoredAt(score.getScoredAt())
                .setSeverity(severity(score.getScore(), score.getThreshold()))
                .setAttributes(attributes)
                .setThumbnail(ByteBuffer.wrap(thumbnail(image)))
                .build();
    }

    Severity severity(double score, double threshold) {
        double ratio = threshold > 0 ? score / threshold : Double.POSITIVE_INFINITY;
        if (ratio < severityRatios[0]) {
            return Severity.LOW;
        } else if (ratio < severityRatios[1]) {
            return Severity.MEDIUM;
        } else if (ratio < severityRatios[2]) {
            return Severity.HIGH;
        }
        return Severity.CRITICAL;
    }

    /** A PNG no larger than the configured side, aspect kept. */
    byte[] thumbnail(DecodedImage image) {
        double scale = Math.min(1.0, (double) thumbnailMaxSide / Math.max(image.width(), image.height()));
        int w = Math.max(1, (int) Math.round(image.width() * scale));
        int h = Math.max(1, (int) Math.round(image.height() * scale));
        int ch = image.channels();
        byte[] px = new byte[w * h * ch];
        for (int y = 0; y < h; y++) {
            int sy = Math.min(image.height() - 1, (int) (y / scale));
            for (int x = 0; x < w; x++) {
                int sx = Math.min(image.width() - 1, (int) (x / scale));
                for (int c = 0; c < ch; c++) {
                    px[(y * w + x) * ch + c] = (byte) image.at(sx, sy, c);
                }
            }
        }
        return PngEncoder.encode(new DecodedImage(w, h, ch, px));
    }
}
