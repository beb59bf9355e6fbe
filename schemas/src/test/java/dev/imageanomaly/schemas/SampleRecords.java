package dev.imageanomaly.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imageanomaly.schemas.avro.AnomalyAlert;
import dev.imageanomaly.schemas.avro.AnomalyScore;
import dev.imageanomaly.schemas.avro.DeadLetter;
import dev.imageanomaly.schemas.avro.DeadLetterReason;
import dev.imageanomaly.schemas.avro.ImageEncoding;
import dev.imageanomaly.schemas.avro.ImageEvent;
import dev.imageanomaly.schemas.avro.Severity;
import dev.imageanomaly.schemas.avro.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;

/** One filled-in value of each record type, and test fixtures. */
final class SampleRecords {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final Instant EVENT_TIME = Instant.parse("2025-01-02T03:04:05.678Z");

    private SampleRecords() {
    }

    static ImageEvent imageEvent() {
        return ImageEvent.newBuilder()
                .setEventId("evt-1")
                .setSource("camera-7")
                .setEventTime(EVENT_TIME)
                .setImage(ByteBuffer.wrap(new byte[] {1, 2, 3, (byte) 250}))
                .setEncoding(ImageEncoding.RAW_U8)
                .setWidth(2).setHeight(2).setChannels(1)
                .setAttributes(Map.of("lot", "42"))
                .build();
    }

    static AnomalyScore anomalyScore() {
        return AnomalyScore.newBuilder()
                .setEventId("evt-1").setSource("camera-7").setEventTime(EVENT_TIME)
                .setModelName("conv-ae").setModelVersion("3")
                .setScore(0.91).setFeatureScores(Map.of("residual", 0.9, "latent", 0.1))
                .setThreshold(0.5).setVerdict(Verdict.ANOMALY).setScoringLatencyMs(4.25)
                .setScoredAt(EVENT_TIME.plusMillis(12))
                .build();
    }

    static AnomalyAlert anomalyAlert() {
        return AnomalyAlert.newBuilder()
                .setEventId("evt-1").setSource("camera-7").setEventTime(EVENT_TIME)
                .setModelName("conv-ae").setModelVersion("3")
                .setScore(0.91).setThreshold(0.5).setVerdict(Verdict.ANOMALY).setScoringLatencyMs(4.25)
                .setScoredAt(EVENT_TIME.plusMillis(12))
                .setSeverity(Severity.HIGH)
                .setAttributes(Map.of("lot", "42"))
                .setThumbnail(ByteBuffer.wrap(new byte[] {(byte) 0x89, 'P', 'N', 'G'}))
                .build();
    }

    static DeadLetter deadLetter() {
        return DeadLetter.newBuilder()
                .setReasonCode(DeadLetterReason.UNDECODABLE_IMAGE)
                .setMessage("not a PNG")
                .setSourceTopic("images").setSourcePartition(2).setSourceOffset(1234L)
                .setOriginalKey(ByteBuffer.wrap("camera-7".getBytes()))
                .setOriginalValue(null)
                .setFailedAt(EVENT_TIME)
                .setDetails(Map.of("exception", "javax.imageio.IIOException"))
                .build();
    }

    /** A subject (and topic) name no other test uses, since the registry is shared. */
    static String uniqueTopic(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static Schema testSchema(String resource) {
        try (InputStream in = SampleRecords.class.getResourceAsStream("/avro/" + resource)) {
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The current ImageEvent schema with one field replaced (same name) or appended, edited as JSON
     * the way a person edits the .avsc file.
     */
    static Schema imageEventWith(String fieldJson) {
        try {
            ObjectNode schema = (ObjectNode) JSON.readTree(ImageEvent.getClassSchema().toString());
            JsonNode field = JSON.readTree(fieldJson);
            ArrayNode fields = (ArrayNode) schema.get("fields");
            boolean replaced = false;
            for (int i = 0; i < fields.size(); i++) {
                if (fields.get(i).get("name").equals(field.get("name"))) {
                    fields.set(i, field);
                    replaced = true;
                }
            }
            if (!replaced) {
                fields.add(field);
            }
            return new Schema.Parser().parse(schema.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
