package dev.imageanomaly.stream;

import dev.imageanomaly.schemas.ConfluentWireFormat;
import dev.imageanomaly.schemas.avro.AnomalyAlert;
import dev.imageanomaly.schemas.avro.AnomalyScore;
import dev.imageanomaly.schemas.avro.Severity;
import dev.imageanomaly.scoring.image.DecodedImage;
import dev.imageanomaly.scoring.image.PngEncoder;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns an anomalous score into an alert a person can act on: severity, the event's attributes, a
 * thumbnail. An alert is built to fit the output limit: attributes beyond their byte budget are left
 * out (in key order, and the alert says how many), and a thumbnail that would not fit is dropped.
 */
final class Alerts {

    /** The attribute that tells a reader some of the event's attributes were left out. */
    static final String OMITTED_ATTRIBUTES = "image-anomaly.omitted-attributes";

    private final double[] severityRatios;
    private final int thumbnailMaxSide;
    private final int attributesMaxBytes;
    private final int maxRecordBytes;

    /**
     * @param attributesMaxBytes the event's attributes copied onto the alert, keys and values in UTF-8
     * @param maxRecordBytes the largest alert, key included
     */
    Alerts(double[] severityRatios, int thumbnailMaxSide, int attributesMaxBytes, int maxRecordBytes) {
        this.severityRatios = severityRatios;
        this.thumbnailMaxSide = thumbnailMaxSide;
        this.attributesMaxBytes = attributesMaxBytes;
        this.maxRecordBytes = maxRecordBytes;
    }

    AnomalyAlert alert(AnomalyScore score, Map<String, String> attributes, DecodedImage image) {
        AnomalyAlert alert = build(score, bounded(attributes, attributesMaxBytes), image);
        int budget = maxRecordBytes - Utf8.length(score.getSource());
        if (ConfluentWireFormat.sizeOf(alert) > budget) {
            alert.setThumbnail(null);
        }
        if (ConfluentWireFormat.sizeOf(alert) > budget) {
            alert.setAttributes(bounded(attributes, 0));
        }
        return alert;
    }

    private AnomalyAlert build(AnomalyScore score, Map<String, String> attributes, DecodedImage image) {
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

    /** The attributes in key order while they fit {@code maxBytes}, and a note of what was left out. */
    static Map<String, String> bounded(Map<String, String> attributes, int maxBytes) {
        Map<String, String> kept = new TreeMap<>();
        int used = 0;
        int omittedBytes = 0;
        for (Map.Entry<String, String> e : new TreeMap<>(attributes).entrySet()) {
            int size = Utf8.length(e.getKey()) + Utf8.length(e.getValue());
            if (used + size <= maxBytes) {
                kept.put(e.getKey(), e.getValue());
                used += size;
            } else {
                omittedBytes += size;
            }
        }
        if (kept.size() < attributes.size()) {
            kept.put(OMITTED_ATTRIBUTES, (attributes.size() - kept.size()) + " of " + attributes.size()
                    + " attributes (" + omittedBytes + " bytes) left out to keep the alert small");
        }
        return kept;
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
