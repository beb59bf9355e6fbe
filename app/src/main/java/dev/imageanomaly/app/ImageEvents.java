package dev.imageanomaly.app;

import dev.imageanomaly.schemas.avro.ImageEncoding;
import dev.imageanomaly.schemas.avro.ImageEvent;
import dev.imageanomaly.scoring.image.DecodedImage;
import dev.imageanomaly.scoring.image.PngEncoder;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;

/** Builds {@link ImageEvent}s the way a producer would: the image PNG-encoded, stamped with the current time. */
final class ImageEvents {

    private ImageEvents() {}

    static ImageEvent png(String eventId, String source, DecodedImage image, Map<String, String> attributes) {
        return ImageEvent.newBuilder()
                .setEventId(eventId).setSource(source).setEventTime(Instant.now())
                .setImage(ByteBuffer.wrap(encodePng(image))).setEncoding(ImageEncoding.PNG)
                .setWidth(image.width()).setHeight(image.height()).setChannels(image.channels())
                .setAttributes(attributes)
                .build();
    }

    static byte[] encodePng(DecodedImage image) {
        return PngEncoder.encode(image);
    }
}
