package dev.imageanomaly.stream;

import dev.imageanomaly.schemas.WireFormatException;
import dev.imageanomaly.schemas.avro.DeadLetterReason;
import dev.imageanomaly.schemas.avro.ImageEncoding;
import dev.imageanomaly.schemas.avro.ImageEvent;
import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.scoring.image.DecodedImage;
import dev.imageanomaly.scoring.image.ImageDecoder;
import dev.imageanomaly.scoring.image.ImageRejectedException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Decode and validate: Confluent-framed Avro bytes to an {@link ImageEvent} and its pixels. Everything
 * that makes a record unscorable becomes a {@link RejectedRecordException} with a dead-letter reason.
 */
final class ImageEventDecoder {

    /** What to do with an image whose size differs from the model's input. */
    enum SizePolicy { RESIZE, REJECT }

    record Decoded(ImageEvent event, DecodedImage image) {}

    private final Deserializer<ImageEvent> avro;
    private final InputSpec input;
    private final SizePolicy sizePolicy;

    ImageEventDecoder(Deserializer<ImageEvent> avro, InputSpec input, SizePolicy sizePolicy) {
        this.avro = avro;
        this.input = input;
        this.sizePolicy = sizePolicy;
    }

    Decoded decode(String topic, byte[] value) throws RejectedRecordException {
        if (value == null) {
            throw new RejectedRecordException(DeadLetterReason.NULL_VALUE, "record has no value (tombstone)", null);
        }
        ImageEvent event;
        try {
            event = avro.deserialize(topic, value);
        } catch (WireFormatException e) {
            throw new RejectedRecordException(e.reason(), e.getMessage(), e);
        }
        if (event.getEventId() == null || event.getEventId().isBlank()) {
            throw new RejectedRecordException(DeadLetterReason.MISSING_FIELD, "eventId is empty", null);
        }
        DecodedImage image = decodeImage(event);
        checkSize(event, image);
        return new Decoded(event, image);
    }

    private DecodedImage decodeImage(ImageEvent event) throws RejectedRecordException {
        byte[] bytes = new byte[event.getImage().remaining()];
        event.getImage().duplicate().get(bytes);
        try {
            if (event.getEncoding() == ImageEncoding.RAW_U8) {
                return ImageDecoder.decodeRaw(bytes, event.getWidth(), event.getHeight(), event.getChannels());
            }
            if (event.getEncoding() == ImageEncoding.UNKNOWN) {
                throw new RejectedRecordException(DeadLetterReason.MALFORMED_RECORD,
                        "image encoding is UNKNOWN (written with a newer schema this scorer does not know)", null);
            }
            return ImageDecoder.decodeEncoded(bytes);
        } catch (ImageRejectedException e) {
            throw new RejectedRecordException(DeadLetterReason.valueOf(e.reason().name()), e.getMessage(), e);
        }
    }

    private void checkSize(ImageEvent event, DecodedImage image) throws RejectedRecordException {
        boolean declaredMismatch = (event.getWidth() != null && event.getWidth() != image.width())
                || (event.getHeight() != null && event.getHeight() != image.height());
        if (declaredMismatch) {
            throw new RejectedRecordException(DeadLetterReason.WRONG_SIZE, "event declares " + event.getWidth() + "x"
                    + event.getHeight() + " but the image is " + image.width() + "x" + image.height(), null);
        }
        if (sizePolicy == SizePolicy.REJECT && (image.width() != input.width() || image.height() != input.height())) {
            throw new RejectedRecordException(DeadLetterReason.WRONG_SIZE, "image is " + image.width() + "x"
                    + image.height() + ", the model takes " + input.width() + "x" + input.height()
                    + " (input.size.policy=reject)", null);
        }
    }
}
