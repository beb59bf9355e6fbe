package dev.imageanomaly.scoring.image;

import static dev.imageanomaly.scoring.image.ImageRejectedException.Reason.IMAGE_TOO_LARGE;
import static dev.imageanomaly.scoring.image.ImageRejectedException.Reason.MISSING_FIELD;
import static dev.imageanomaly.scoring.image.ImageRejectedException.Reason.UNDECODABLE_IMAGE;
import static dev.imageanomaly.scoring.image.ImageRejectedException.Reason.UNSUPPORTED_FORMAT;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Image files as broken cameras, wrong tools and attackers make them: truncated and corrupt files of
 * every supported format, decompression bombs, headers claiming absurd sizes, formats the product
 * does not read. Each with the reason it must be refused for. For the decoder's tests, the folder
 * readers' (offline score, find-anomalies) and, wrapped in records, the streaming scorer's.
 */
public final class HostileImages {

    /** One bad image file and why it must be refused. */
    public record Kind(String fileName, byte[] bytes, ImageRejectedException.Reason reason) {}

    private HostileImages() {}

    /** Every kind, as files (names end in an image extension the folder readers look at). */
    public static List<Kind> files() {
        Random random = new Random(20261201);
        byte[] png = png(grey(28, 28, 10));
        byte[] jpeg = encode(grey(28, 28, 10), "jpg");
        byte[] bmp = encode(grey(28, 28, 10), "bmp");
        byte[] gif = encode(grey(28, 28, 10), "gif");
        byte[] garbage = new byte[300];
        random.nextBytes(garbage);
        garbage[0] = 0x42;
        return List.of(
                new Kind("empty.png", new byte[0], MISSING_FIELD),
                new Kind("truncated.png", Arrays.copyOf(png, png.length / 2), UNDECODABLE_IMAGE),
                new Kind("truncated.jpg", Arrays.copyOf(jpeg, jpeg.length / 3), UNDECODABLE_IMAGE),
                new Kind("truncated.bmp", Arrays.copyOf(bmp, 60), UNDECODABLE_IMAGE),
                new Kind("truncated.gif", Arrays.copyOf(gif, 20), UNDECODABLE_IMAGE),
                new Kind("jpeg-marker-then-garbage.jpg", concat(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF},
                        garbage), UNDECODABLE_IMAGE),
                new Kind("bomb-10000x10000.png", pngBomb(10_000, 10_000), IMAGE_TOO_LARGE),
                new Kind("claims-100000x100000.png", pngClaiming(png, 100_000, 100_000), IMAGE_TOO_LARGE),
                new Kind("claims-30000x30000.bmp", bmpClaiming(bmp, 30_000, 30_000), IMAGE_TOO_LARGE),
                new Kind("claims-65535x65535.gif", gifClaiming(gif, 65_535, 65_535), IMAGE_TOO_LARGE),
                new Kind("claims-65000x65000.jpg", jpegClaiming(jpeg, 65_000, 65_000), IMAGE_TOO_LARGE),
                new Kind("tiff-named.png", encode(grey(28, 28, 10), "tiff"), UNSUPPORTED_FORMAT),
                new Kind("wbmp-named.bmp", encode(new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_BINARY), "wbmp"),
                        UNSUPPORTED_FORMAT),
                new Kind("a-sentence.png", "hello, I am a camera".getBytes(StandardCharsets.UTF_8), UNSUPPORTED_FORMAT),
                new Kind("random-bytes.gif", garbage, UNSUPPORTED_FORMAT));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }


    public static BufferedImage grey(int width, int height, int level) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.getRaster().setSample(x, y, 0, (level + (x + y) % 3) & 0xFF);
            }
        }
        return image;
    }

    public static BufferedImage sixteenBitGrey(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_USHORT_GRAY);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.getRaster().setSample(x, y, 0, (x * 997 + y * 13) & 0x0FFF);
            }
        }
        return image;
    }

    public static byte[] png(BufferedImage image) {
        return encode(image, "png");
    }

    public static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static byte[] animatedGif() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.prepareWriteSequence(null);
            writer.writeToSequence(new IIOImage(grey(28, 28, 10), null, null), null);
            writer.writeToSequence(new IIOImage(grey(28, 28, 200), null, null), null);
            writer.endWriteSequence();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** A real PNG of zeros whose pixels take {@code width * height} bytes once inflated; its rows are deflated one by one. */
    public static byte[] pngBomb(int width, int height) {
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        byte[] row = new byte[width + 1]; // filter byte 0, then black pixels
        try (DeflaterOutputStream z = new DeflaterOutputStream(idat, new Deflater(Deflater.BEST_SPEED))) {
            for (int y = 0; y < height; y++) {
                z.write(row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        chunk(png, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 0)
                .put((byte) 0).put((byte) 0).put((byte) 0).array());
        chunk(png, "IDAT", idat.toByteArray());
        chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** The same PNG with its IHDR claiming another size (CRC fixed, so only the size is a lie). */
    public static byte[] pngClaiming(byte[] png, int width, int height) {
        byte[] lie = png.clone();
        ByteBuffer buf = ByteBuffer.wrap(lie);
        buf.putInt(16, width);
        buf.putInt(20, height);
        CRC32 crc = new CRC32();
        crc.update(lie, 12, 4 + 13);
        buf.putInt(29, (int) crc.getValue());
        return lie;
    }

    public static byte[] bmpClaiming(byte[] bmp, int width, int height) {
        byte[] lie = bmp.clone();
        ByteBuffer.wrap(lie).order(ByteOrder.LITTLE_ENDIAN).putInt(18, width).putInt(22, height);
        return lie;
    }

    /** The GIF's logical screen and its first image descriptor both claiming another size. */
    public static byte[] gifClaiming(byte[] gif, int width, int height) {
        byte[] lie = gif.clone();
        ByteBuffer buf = ByteBuffer.wrap(lie).order(ByteOrder.LITTLE_ENDIAN);
        buf.putShort(6, (short) width).putShort(8, (short) height);
        int i = 13 + ((lie[10] & 0x80) != 0 ? 3 * (1 << ((lie[10] & 0x07) + 1)) : 0);
        while (lie[i] == 0x21) { // extension blocks: introducer, label, then sub-blocks until a 0
            i += 2;
            while (lie[i] != 0) {
                i += (lie[i] & 0xFF) + 1;
            }
            i++;
        }
        if (lie[i] != 0x2C) {
            throw new IllegalStateException("no image descriptor where expected in the GIF");
        }
        buf.putShort(i + 5, (short) width).putShort(i + 7, (short) height);
        return lie;
    }

    /** The JPEG's start-of-frame segment claiming another size. */
    public static byte[] jpegClaiming(byte[] jpeg, int width, int height) {
        byte[] lie = jpeg.clone();
        for (int i = 2; i + 9 < lie.length; i++) {
            if ((lie[i] & 0xFF) == 0xFF && ((lie[i + 1] & 0xFF) == 0xC0 || (lie[i + 1] & 0xFF) == 0xC2)) {
                ByteBuffer.wrap(lie).putShort(i + 5, (short) height).putShort(i + 7, (short) width);
                return lie;
            }
        }
        throw new IllegalStateException("no start-of-frame marker in the JPEG");
    }
}
