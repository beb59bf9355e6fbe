package dev.imageanomaly.scoring.image;

import static dev.imageanomaly.scoring.image.ImageRejectedException.Reason.MISSING_FIELD;
import static dev.imageanomaly.scoring.image.ImageRejectedException.Reason.UNDECODABLE_IMAGE;
import static dev.imageanomaly.scoring.image.ImageRejectedException.Reason.WRONG_SIZE;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Turns bytes into pixels: encoded images (PNG, JPEG, BMP, GIF, detected from their content) or raw
 * unsigned bytes with explicit dimensions. Never trusts the input: every failure is an
 * {@link ImageRejectedException} naming what was wrong.
 */
public final class ImageDecoder {

    /** Refuses images whose header claims more pixels than this, before allocating them. */
    public static final long MAX_PIXELS = 40_000_000L;

    private ImageDecoder() {}

    public static DecodedImage decodeEncoded(byte[] bytes) throws ImageRejectedException {
        if (bytes == null || bytes.length == 0) {
            throw new ImageRejectedException(MISSING_FIELD, "image bytes are empty");
        }
        // An in-memory stream: ImageIO.createImageInputStream would spool every image to a temp file.
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = readersFor(bytes, in);
            if (!readers.hasNext()) {
                throw new ImageRejectedException(UNDECODABLE_IMAGE,
                        "bytes are not a PNG, JPEG, BMP or GIF image (" + bytes.length + " bytes)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > MAX_PIXELS) {
                    throw new ImageRejectedException(WRONG_SIZE, reader.getWidth(0) + "x" + reader.getHeight(0)
                            + " image exceeds the limit of " + MAX_PIXELS + " pixels");
                }
                return fromBufferedImage(reader.read(0));
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            throw new ImageRejectedException(UNDECODABLE_IMAGE, "corrupt " + formatName(bytes) + " image: "
                    + e.getMessage(), e);
        }
    }

    /** The reader named by the magic bytes, without asking every installed reader to probe the stream. */
    private static Iterator<ImageReader> readersFor(byte[] bytes, ImageInputStream in) throws IOException {
        String format = formatName(bytes);
        Iterator<ImageReader> byMagic = ImageIO.getImageReadersByFormatName(format);
        return byMagic.hasNext() ? byMagic : ImageIO.getImageReaders(in);
    }

    public static DecodedImage decodeRaw(byte[] bytes, Integer width, Integer height, Integer channels)
            throws ImageRejectedException {
        if (bytes == null) {
            throw new ImageRejectedException(MISSING_FIELD, "image bytes are missing");
        }
        if (width == null || height == null || channels == null) {
            throw new ImageRejectedException(MISSING_FIELD, "raw u8 image needs width, height and channels");
        }
        if (width <= 0 || height <= 0 || (channels != 1 && channels != 3)) {
            throw new ImageRejectedException(WRONG_SIZE, "raw u8 image dimensions " + width + "x" + height + "x"
                    + channels + " are invalid (channels must be 1 or 3)");
        }
        long expected = (long) width * height * channels;
        if (expected != bytes.length) {
            throw new ImageRejectedException(WRONG_SIZE, "raw u8 image of " + width + "x" + height + "x" + channels
                    + " needs " + expected + " bytes, got " + bytes.length);
        }
        return new DecodedImage(width, height, channels, bytes);
    }

    /** Grey images stay one channel; anything else (palette, RGB, RGBA) becomes RGB, alpha dropped. */
    public static DecodedImage fromBufferedImage(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        boolean grey = image.getType() == BufferedImage.TYPE_BYTE_GRAY
                || image.getColorModel().getColorSpace().getNumComponents() == 1;
        if (grey) {
            var raster = image.getRaster();
            if (image.getType() == BufferedImage.TYPE_BYTE_GRAY) {
                return new DecodedImage(w, h, 1, (byte[]) raster.getDataElements(0, 0, w, h, null));
            }
            byte[] px = new byte[w * h];
            boolean sixteenBit = image.getColorModel().getComponentSize(0) > 8;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int v = raster.getSample(x, y, 0);
                    px[y * w + x] = (byte) (sixteenBit ? v >> 8 : v);
                }
            }
            return new DecodedImage(w, h, 1, px);
        }
        byte[] px = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = image.getRGB(x, y);
                int i = (y * w + x) * 3;
                px[i] = (byte) (rgb >> 16);
                px[i + 1] = (byte) (rgb >> 8);
                px[i + 2] = (byte) rgb;
            }
        }
        return new DecodedImage(w, h, 3, px);
    }

    private static String formatName(byte[] b) {
        if (b.length >= 4 && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
            return "PNG";
        }
        if (b.length >= 2 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8) {
            return "JPEG";
        }
        if (b.length >= 3 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F') {
            return "GIF";
        }
        if (b.length >= 2 && b[0] == 'B' && b[1] == 'M') {
            return "BMP";
        }
        return "unknown-format";
    }
}
