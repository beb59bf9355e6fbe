package dev.imageanomaly.scoring.image;

import java.util.Arrays;
import java.util.Optional;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decodes the PNGs cameras and producers usually send (8 bits a sample; grey, grey and alpha, RGB or
 * RGBA; not interlaced; no colour profile) with an {@link Inflater}: about three times faster than
 * ImageIO on small images, which builds a reader, a stream and a {@code BufferedImage} for each one.
 * Anything else, and anything malformed, is left to ImageIO ({@link Optional#empty()}), so which
 * images are refused, and why, stays ImageIO's. The pixels are those ImageIO gives: grey stays one
 * channel, alpha is dropped.
 */
final class PlainPng {

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final int IHDR = 0x49484452;
    private static final int IDAT = 0x49444154;
    private static final int IEND = 0x49454E44;
    /** A colour profile: ImageIO may convert the colours through it, so such images go to ImageIO. */
    private static final int ICCP = 0x69434350;
    private static final int FIRST_CHUNK_AFTER_HEADER = 8 + 8 + 13 + 4;
    /**
     * One inflater per decoding thread, reset for each image: making one (native state, a cleaner)
     * took more of the scorer's samples than inflating a 28x28 image with it.
     */
    private static final ThreadLocal<Inflater> INFLATERS = ThreadLocal.withInitial(Inflater::new);

    private PlainPng() {}

    /** @param maxPixels images declaring more pixels are left to ImageIO, which refuses them by name */
    static Optional<DecodedImage> decode(byte[] png, long maxPixels) {
        if (png.length < FIRST_CHUNK_AFTER_HEADER || !Arrays.equals(png, 0, 8, SIGNATURE, 0, 8)
                || int32(png, 8) != 13 || int32(png, 12) != IHDR) {
            return Optional.empty();
        }
        int width = int32(png, 16);
        int height = int32(png, 20);
        int samples = switch (png[25]) {
            case 0 -> 1; // grey
            case 4 -> 2; // grey and alpha
            case 2 -> 3; // RGB
            case 6 -> 4; // RGBA
            default -> 0; // palette, or not a colour type at all
        };
        boolean plain = png[24] == 8 && samples > 0 && png[26] == 0 && png[27] == 0 && png[28] == 0;
        if (!plain || width <= 0 || height <= 0 || (long) width * height > maxPixels
                || (long) height * (width * (long) samples + 1) > Integer.MAX_VALUE - 8) {
            return Optional.empty();
        }
        int stride = width * samples;
        byte[] filtered = new byte[height * (stride + 1)];
        if (!inflateImageData(png, filtered) || !unfilter(filtered, height, stride, samples)) {
            return Optional.empty();
        }
        return Optional.of(pixels(filtered, width, height, samples));
    }

    /** Inflates the IDAT chunks into {@code out}, which must come out exactly full. */
    private static boolean inflateImageData(byte[] png, byte[] out) {
        Inflater inflater = INFLATERS.get();
        inflater.reset();
        try {
            int filled = 0;
            int pos = FIRST_CHUNK_AFTER_HEADER;
            while (pos + 12 <= png.length) {
                int length = int32(png, pos);
                int type = int32(png, pos + 4);
                if (length < 0 || pos + 12L + length > png.length || type == ICCP) {
                    return false;
                }
                if (type == IEND) {
                    break;
                }
                if (type == IDAT) {
                    inflater.setInput(png, pos + 8, length);
                    while (filled < out.length) {
                        int n = inflater.inflate(out, filled, out.length - filled);
                        filled += n;
                        if (n == 0) {
                            if (!inflater.needsInput()) {
                                return false; // ended early, or wants a dictionary
                            }
                            break;
                        }
                    }
                }
                pos += 12 + length;
            }
            return filled == out.length;
        } catch (DataFormatException e) {
            return false;
        }
    }

    /** Undoes the PNG row filters in place; false for a filter type PNG does not define. */
    private static boolean unfilter(byte[] rows, int height, int stride, int bytesPerPixel) {
        for (int y = 0; y < height; y++) {
            int row = y * (stride + 1);
            int cur = row + 1;
            int prev = cur - (stride + 1); // the row above, for y > 0
            switch (rows[row]) {
                case 0 -> { }
                case 1 -> {
                    for (int i = bytesPerPixel; i < stride; i++) {
                        rows[cur + i] += rows[cur + i - bytesPerPixel];
                    }
                }
                case 2 -> {
                    for (int i = 0; y > 0 && i < stride; i++) {
                        rows[cur + i] += rows[prev + i];
                    }
                }
                case 3 -> {
                    for (int i = 0; i < stride; i++) {
                        int left = i >= bytesPerPixel ? rows[cur + i - bytesPerPixel] & 0xFF : 0;
                        int up = y > 0 ? rows[prev + i] & 0xFF : 0;
                        rows[cur + i] += (byte) ((left + up) >>> 1);
                    }
                }
                case 4 -> {
                    for (int i = 0; i < stride; i++) {
                        int left = i >= bytesPerPixel ? rows[cur + i - bytesPerPixel] & 0xFF : 0;
                        int up = y > 0 ? rows[prev + i] & 0xFF : 0;
                        int upLeft = y > 0 && i >= bytesPerPixel ? rows[prev + i - bytesPerPixel] & 0xFF : 0;
                        rows[cur + i] += (byte) paeth(left, up, upLeft);
                    }
                }
                default -> {
                    return false;
                }
            }
        }
        return true;
    }

    private static int paeth(int left, int up, int upLeft) {
        int p = left + up - upLeft;
        int toLeft = Math.abs(p - left);
        int toUp = Math.abs(p - up);
        int toUpLeft = Math.abs(p - upLeft);
        return toLeft <= toUp && toLeft <= toUpLeft ? left : toUp <= toUpLeft ? up : upLeft;
    }

    /** The unfiltered rows as grey or RGB pixels: filter bytes and alpha left out. */
    private static DecodedImage pixels(byte[] rows, int width, int height, int samples) {
        int channels = samples < 3 ? 1 : 3;
        int stride = width * samples;
        byte[] px = new byte[width * height * channels];
        for (int y = 0; y < height; y++) {
            int from = y * (stride + 1) + 1;
            int to = y * width * channels;
            if (samples == channels) {
                System.arraycopy(rows, from, px, to, stride);
                continue;
            }
            for (int x = 0; x < width; x++) {
                System.arraycopy(rows, from + x * samples, px, to + x * channels, channels);
            }
        }
        return new DecodedImage(width, height, channels, px);
    }

    private static int int32(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
    }
}
