package dev.imageanomaly.stream;

import dev.imageanomaly.schemas.WireFormatException;
import dev.imageanomaly.schemas.avro.DeadLetterReason;
import dev.imageanomaly.schemas.avro.ImageEncoding;
import dev.imageanomaly.schemas.avro.ImageEvent;
import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.scoring.image.DecodedImage;
import dev.imageanomaly.scoring.image.ImageDecoder;
import dev.imageanomaly.scoring.image.ImageFormat;
import dev.imageanomaly.scoring.image.ImageRejectedException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Decode and validate: a Kafka record's key and Confluent-framed Avro value to an {@link ImageEvent}
 * and its pixels. Everything that makes a record unscorable becomes a {@link RejectedRecordException}
 * with a dead-letter reason; the limits are checked before anything large is allocated.
 */
final class ImageEventDecoder {

    /** What to do with an image whose size differs from the model's input. */
    enum SizePolicy { RESIZE, REJECT }

    record Decoded(ImageEvent event, DecodedImage image) {}

    private final Deserializer<ImageEvent> avro;
    private final InputSpec input;
    private final InputLimits limits;

    ImageEventDecoder(Deserializer<ImageEvent> avro, InputSpec input, InputLimits limits) {
        this.avro = avro;
        this.input = input;
        this.limits = limits;
    }

    Decoded decode(String topic, byte[] key, byte[] value, Instant now) throws RejectedRecordException {
        if (value == null) {
            throw new RejectedRecordException(DeadLetterReason.NULL_VALUE, "record has no value (tombstone)");
        }
        if (value.length > limits.maxRecordBytes()) {
            throw new RejectedRecordException(DeadLetterReason.RECORD_TOO_LARGE, "record value is " + value.length
                    + " bytes; at most " + limits.maxRecordBytes() + " are accepted (input.max.record.bytes)");
        }
        if (key != null && key.length > limits.maxIdentifierBytes()) {
            throw new RejectedRecordException(DeadLetterReason.INVALID_FIELD, "record key is " + key.length
                    + " bytes; at most " + limits.maxIdentifierBytes() + " are accepted (input.max.identifier.bytes)");
        }
        ImageEvent event;
        try {
            event = avro.deserialize(topic, value);
        } catch (WireFormatException e) {
            throw new RejectedRecordException(e.reason(), e.getMessage(), e);
        }
        checkFields(event, now);
        DecodedImage image = decodeImage(event);
        checkSize(event, image);
        return new Decoded(event, image);
    }

    private void checkFields(ImageEvent event, Instant now) throws RejectedRecordException {
        if (event.getEventId() == null || event.getEventId().isBlank()) {
            throw new RejectedRecordException(DeadLetterReason.MISSING_FIELD, "eventId is empty");
        }
        checkIdentifier("eventId", event.getEventId());
        checkIdentifier("source", event.getSource());
        Instant eventTime = event.getEventTime();
        if (eventTime.toEpochMilli() < 0 || eventTime.isAfter(now.plus(limits.maxFuture()))) {
            throw new RejectedRecordException(DeadLetterReason.INVALID_FIELD, "eventTime " + eventTime
                    + " is before 1970 or more than " + limits.maxFuture() + " ahead of the scorer's clock ("
                    + now + "; input.max.future.ms)");
        }
    }

    private void checkIdentifier(String field, String value) throws RejectedRecordException {
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > limits.maxIdentifierBytes()) {
            throw new RejectedRecordException(DeadLetterReason.INVALID_FIELD, field + " is " + bytes
                    + " bytes; at most " + limits.maxIdentifierBytes() + " are accepted (input.max.identifier.bytes)");
        }
    }

    private DecodedImage decodeImage(ImageEvent event) throws RejectedRecordException {
        byte[] bytes = bytesOf(event.getImage());
        try {
            return switch (event.getEncoding()) {
                case RAW_U8 -> ImageDecoder.decodeRaw(bytes, event.getWidth(), event.getHeight(), event.getChannels(),
                        limits.maxPixels());
                case UNKNOWN -> throw new RejectedRecordException(DeadLetterReason.UNSUPPORTED_FORMAT,
                        "image encoding is UNKNOWN (written with a newer schema this scorer does not know)");
                default -> {
                    checkDeclaredEncoding(event.getEncoding(), bytes);
                    yield ImageDecoder.decodeEncoded(bytes, limits.maxPixels());
                }
            };
        } catch (ImageRejectedException e) {
            throw new RejectedRecordException(DeadLetterReason.valueOf(e.reason().name()), e.getMessage(), e);
        }
    }

    /**
     * The image's bytes: Avro reads a bytes field of a new record (the deserializer never reuses
     * one) into an array of exactly its size, which is taken as is (a raw image keeps it as its
     * pixels; nothing writes to it); anything else is copied.
     */
    private static byte[] bytesOf(ByteBuffer image) {
        if (image.hasArray() && image.arrayOffset() == 0 && image.position() == 0
                && image.remaining() == image.array().length) {
            return image.array();
        }
        byte[] bytes = new byte[image.remaining()];
        image.duplicate().get(bytes);
        return bytes;
    }

    /** A producer that says PNG and sends JPEG is broken (or lying): say so rather than guess. */
    private static void checkDeclaredEncoding(ImageEncoding declared, byte[] bytes) throws RejectedRecordException {
        ImageFormat actual = ImageFormat.detect(bytes).orElse(null);
        if (actual != null && !actual.name().equals(declared.name())) {
            throw new RejectedRecordException(DeadLetterReason.ENCODING_MISMATCH, "event declares encoding "
                    + declared + " but the bytes are a " + actual + " image");
        }
    }

    private void checkSize(ImageEvent event, DecodedImage image) throws RejectedRecordException {
        boolean declaredMismatch = (event.getWidth() != null && event.getWidth() != image.width())
                || (event.getHeight() != null && event.getHeight() != image.height());
        if (declaredMismatch) {
            throw new RejectedRecordException(DeadLetterReason.WRONG_SIZE, "event declares " + event.getWidth() + "x"
                    + event.getHeight() + " but the image is " + image.width() + "x" + image.height());
        }
        if (limits.sizePolicy() == SizePolicy.REJECT
                && (image.width() != input.width() || image.height() != input.height())) {
            throw new RejectedRecordException(DeadLetterReason.WRONG_SIZE, "image is " + image.width() + "x"
                    + image.height() + ", the model takes " + input.width() + "x" + input.height()
                    + " (input.size.policy=reject)");
        }
    }
}
