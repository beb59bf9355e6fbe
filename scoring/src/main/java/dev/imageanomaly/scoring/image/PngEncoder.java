package dev.imageanomaly.scoring.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Encodes decoded pixels as PNG (grey stays grey), in memory: producers, thumbnails and reports use it. */
public final class PngEncoder {

    private PngEncoder() {}

    public static byte[] encode(DecodedImage image) {
        BufferedImage out = new BufferedImage(image.width(), image.height(),
                image.channels() == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        if (image.channels() == 1) {
            out.getRaster().setDataElements(0, 0, image.width(), image.height(), image.pixels());
        } else {
            for (int y = 0; y < image.height(); y++) {
                for (int x = 0; x < image.width(); x++) {
                    out.setRGB(x, y, image.at(x, y, 0) << 16 | image.at(x, y, 1) << 8 | image.at(x, y, 2));
                }
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        // In memory: ImageIO.write(image, "png", stream) would spool every image through a temp file.
        try (ImageOutputStream stream = new MemoryCacheImageOutputStream(png)) {
            writer.setOutput(stream);
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return png.toByteArray();
    }
}
