package dev.imageanomaly.scoring.image;

import static dev.imageanomaly.scoring.image.ImageRejectedException.Reason.IMAGE_TOO_LARGE;
import static dev.imageanomaly.scoring.image.ImageRejectedException.Reason.MISSING_FIELD;
import static dev.imageanomaly.scoring.image.ImageRejectedException.Reason.UNDECODABLE_IMAGE;
import static dev.imageanomaly.scoring.image.ImageRejectedException.Reason.UNSUPPORTED_FORMAT;
import static dev.imageanomaly.scoring.image.ImageRejectedException.Reason.WRONG_SIZE;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Optional;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Turns bytes into pixels: encoded images (PNG, JPEG, BMP, GIF, detected from their content) or raw
 * unsigned bytes with explicit dimensions. Never trusts the input: every failure is an
 * {@link ImageRejectedException} naming what was wrong, and an image whose header declares more
 * pixels than the caller's limit is refused before its pixels are allocated.
 */
public final class ImageDecoder {

    /** The offline readers' limit: large photos pass, decompression bombs do not. */
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;

    private ImageDecoder() {}

    public static DecodedImage decodeEncoded(byte[] bytes) throws ImageRejectedException {
        return decodeEncoded(bytes, DEFAULT_MAX_PIXELS);
    }

    public static DecodedImage decodeEncoded(byte[] bytes, long maxPixels) throws ImageRejectedException {
        if (bytes == null || bytes.length == 0) {
            throw new ImageRejectedException(MISSING_FIELD, "image bytes are empty");
        }
        ImageFormat format = ImageFormat.detect(bytes).orElseThrow(() -> new ImageRejectedException(
                UNSUPPORTED_FORMAT, "bytes are not a PNG, JPEG, BMP or GIF image (" + bytes.length
                        + " bytes starting " + hexPrefix(bytes) + ")"));
        if (format == ImageFormat.PNG) {
            Optional<DecodedImage> plain = PlainPng.decode(bytes, maxPixels);
            if (plain.isPresent()) {
                return plain.get();
            }
        }
        // An in-memory stream: ImageIO.createImageInputStream would spool every image to a temp file.
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.name());
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                checkPixelCount(reader.getWidth(0), reader.getHeight(0), maxPixels);
                return fromBufferedImage(reader.read(0), true);
            } finally {
                reader.dispose();
            }
        } catch (ImageRejectedException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ImageRejectedException(UNDECODABLE_IMAGE, "corrupt " + format + " image: " + e.getMessage(), e);
        }
    }

    public static DecodedImage decodeRaw(byte[] bytes, Integer width, Integer height, Integer channels)
            throws ImageRejectedException {
        return decodeRaw(bytes, width, height, channels, DEFAULT_MAX_PIXELS);
    }

    /** Row-major, channels interleaved: 1 (grey), 3 (RGB) or 4 (RGBA, alpha dropped as for encoded images). */
    public static DecodedImage decodeRaw(byte[] bytes, Integer width, Integer height, Integer channels, long maxPixels)
            throws ImageRejectedException {
        if (bytes == null) {
            throw new ImageRejectedException(MISSING_FIELD, "image bytes are missing");
        }
        if (width == null || height == null || channels == null) {
            throw new ImageRejectedException(MISSING_FIELD, "raw u8 image needs width, height and channels");
        }
        if (width <= 0 || height <= 0 || (channels != 1 && channels != 3 && channels != 4)) {
            throw new ImageRejectedException(WRONG_SIZE, "raw u8 image dimensions " + width + "x" + height + "x"
                    + channels + " are invalid (channels must be 1, 3 or 4)");
        }
        checkPixelCount(width, height, maxPixels);
        long expected = (long) width * height * channels;
        if (expected != bytes.length) {
            throw new ImageRejectedException(WRONG_SIZE, "raw u8 image of " + width + "x" + height + "x" + channels
                    + " needs " + expected + " bytes, got " + bytes.length);
        }
        return channels == 4 ? dropAlpha(width, height, bytes) : new DecodedImage(width, height, channels, bytes);
    }

    private static void checkPixelCount(int width, int height, long maxPixels) throws ImageRejectedException {
        long pixels = (long) width * height;
        if (width <= 0 || height <= 0) {
            throw new ImageRejectedException(WRONG_SIZE, "image declares " + width + "x" + height + " pixels");
        }
        if (pixels > maxPixels) {
            throw new ImageRejectedException(IMAGE_TOO_LARGE, width + "x" + height + " image exceeds the limit of "
                    + maxPixels + " pixels");
        }
    }

    private static DecodedImage dropAlpha(int width, int height, byte[] rgba) {
        byte[] rgb = new byte[width * height * 3];
        for (int i = 0, n = width * height; i < n; i++) {
            System.arraycopy(rgba, i * 4, rgb, i * 3, 3);
        }
        return new DecodedImage(width, height, 3, rgb);
    }

    private static String hexPrefix(byte[] bytes) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(8, bytes.length); i++) {
            hex.append(String.format("%02x", bytes[i] & 0xFF));
        }
        return hex.toString();
    }

    /** Grey images stay one channel; anything else (palette, RGB, RGBA) becomes RGB, alpha dropped. */
    public static DecodedImage fromBufferedImage(BufferedImage image) {
        return fromBufferedImage(image, false);
    }

    /**
     * @param owned the image was just read by this decoder and nobody else holds it: its pixel array
     *     is taken (and reordered in place) instead of copied
     */
    private static DecodedImage fromBufferedImage(BufferedImage image, boolean owned) {
        int w = image.getWidth();
        int h = image.getHeight();
        boolean grey = image.getType() == BufferedImage.TYPE_BYTE_GRAY
                || image.getColorModel().getColorSpace().getNumComponents() == 1;
        if (grey) {
            var raster = image.getRaster();
            if (image.getType() == BufferedImage.TYPE_BYTE_GRAY) {
                byte[] grey8 = wholeInterleavedBytes(image, 1);
                if (grey8 != null) {
                    return new DecodedImage(w, h, 1, owned ? grey8 : grey8.clone());
                }
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
        if (image.getType() == BufferedImage.TYPE_3BYTE_BGR) {
            byte[] bgr = wholeInterleavedBytes(image, 3);
            if (bgr != null) {
                return new DecodedImage(w, h, 3, rgbFromBgr(bgr, owned ? bgr : new byte[bgr.length]));
            }
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

    /**
     * The image's pixel array when it holds exactly this image, row after row, {@code bands} bytes
     * a pixel (what the PNG, JPEG and BMP readers produce); null for a view into a larger raster.
     */
    private static byte[] wholeInterleavedBytes(BufferedImage image, int bands) {
        var raster = image.getRaster();
        if (raster.getParent() != null || raster.getSampleModelTranslateX() != 0
                || raster.getSampleModelTranslateY() != 0
                || !(raster.getSampleModel() instanceof PixelInterleavedSampleModel layout)
                || !(raster.getDataBuffer() instanceof DataBufferByte buffer) || buffer.getNumBanks() != 1
                || buffer.getOffset() != 0 || layout.getPixelStride() != bands
                || layout.getScanlineStride() != image.getWidth() * bands) {
            return null;
        }
        byte[] data = buffer.getData();
        return data.length == image.getWidth() * image.getHeight() * bands ? data : null;
    }

    /**
     * {@link BufferedImage#TYPE_3BYTE_BGR} stores blue first: one pass puts red first, into
     * {@code rgb} (which may be {@code bgr} itself). Per-pixel {@code getRGB} took several times longer.
     */
    private static byte[] rgbFromBgr(byte[] bgr, byte[] rgb) {
        for (int i = 0; i < bgr.length; i += 3) {
            byte blue = bgr[i];
            rgb[i + 1] = bgr[i + 1];
            rgb[i] = bgr[i + 2];
            rgb[i + 2] = blue;
        }
        return rgb;
    }
}
