package dev.imageanomaly.stream;

import dev.imageanomaly.schemas.avro.AnomalyAlert;
import dev.imageanomaly.schemas.avro.AnomalyScore;
import dev.imageanomaly.schemas.avro.Severity;
import dev.imageanomaly.scoring.image.DecodedImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import javax.imageio.ImageIO;

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
        BufferedImage out = new BufferedImage(w, h,
                image.channels() == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int sx = Math.min(image.width() - 1, (int) (x / scale));
                int sy = Math.min(image.height() - 1, (int) (y / scale));
                if (image.channels() == 1) {
                    out.getRaster().setSample(x, y, 0, image.at(sx, sy, 0));
                } else {
                    out.setRGB(x, y, image.at(sx, sy, 0) << 16 | image.at(sx, sy, 1) << 8 | image.at(sx, sy, 2));
                }
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(out, "png", png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return png.toByteArray();
    }
}
