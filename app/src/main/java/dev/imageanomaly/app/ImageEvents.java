package dev.imageanomaly.app;

import dev.imageanomaly.schemas.avro.ImageEncoding;
import dev.imageanomaly.schemas.avro.ImageEvent;
import dev.imageanomaly.scoring.image.DecodedImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import javax.imageio.ImageIO;

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
        BufferedImage out = new BufferedImage(image.width(), image.height(),
                image.channels() == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                if (image.channels() == 1) {
                    out.getRaster().setSample(x, y, 0, image.at(x, y, 0));
                } else {
                    out.setRGB(x, y, image.at(x, y, 0) << 16 | image.at(x, y, 1) << 8 | image.at(x, y, 2));
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
