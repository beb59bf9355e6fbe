package dev.imageanomaly.scoring.source;

import dev.imageanomaly.scoring.image.DecodedImage;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** Reads IDX files (the MNIST format), gzipped or not: big-endian magic, counts, then uint8 values. */
public final class IdxFiles {

    public static final int IMAGES_MAGIC = 0x00000803;
    public static final int LABELS_MAGIC = 0x00000801;

    private IdxFiles() {}

    public static boolean looksLikeIdx(Path file) {
        try (DataInputStream in = open(file)) {
            int magic = in.readInt();
            return magic == IMAGES_MAGIC || magic == LABELS_MAGIC;
        } catch (IOException e) {
            return false;
        }
    }

    public static List<DecodedImage> readImages(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            int magic = in.readInt();
            if (magic != IMAGES_MAGIC) {
                throw new IOException(file + " is not an IDX image file (magic 0x" + Integer.toHexString(magic)
                        + ", expected 0x00000803)");
            }
            int count = in.readInt();
            int rows = in.readInt();
            int cols = in.readInt();
            if (count < 0 || rows <= 0 || cols <= 0 || (long) rows * cols > Integer.MAX_VALUE) {
                throw new IOException(file + " has an invalid IDX header: " + count + " images of " + rows + "x" + cols);
            }
            // The header's count is not trusted for allocation: a corrupt one must end as "truncated", not out of memory.
            List<DecodedImage> images = new ArrayList<>(Math.min(count, 1 << 16));
            for (int i = 0; i < count; i++) {
                byte[] px = new byte[rows * cols];
                in.readFully(px);
                images.add(new DecodedImage(cols, rows, 1, px));
            }
            return images;
        } catch (java.io.EOFException e) {
            throw new IOException(file + " ends before its header's image count: the file is truncated", e);
        }
    }

    public static int[] readLabels(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            int magic = in.readInt();
            if (magic != LABELS_MAGIC) {
                throw new IOException(file + " is not an IDX label file (magic 0x" + Integer.toHexString(magic)
                        + ", expected 0x00000801)");
            }
            int count = in.readInt();
            if (count < 0) {
                throw new IOException(file + " has an invalid IDX header: " + count + " labels");
            }
            // readNBytes grows its buffer as data arrives, so a corrupt count cannot exhaust memory.
            byte[] raw = in.readNBytes(count);
            if (raw.length < count) {
                throw new java.io.EOFException();
            }
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                labels[i] = raw[i] & 0xFF;
            }
            return labels;
        } catch (java.io.EOFException e) {
            throw new IOException(file + " ends before its header's label count: the file is truncated", e);
        }
    }

    /** The label file beside an image file, by the MNIST naming convention, if it exists. */
    public static Path siblingLabels(Path imageFile) {
        String name = imageFile.getFileName().toString();
        if (!name.contains("images-idx3")) {
            return null;
        }
        Path labels = imageFile.resolveSibling(name.replace("images-idx3", "labels-idx1"));
        return Files.exists(labels) ? labels : null;
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        InputStream in = (b0 == 0x1f && b1 == 0x8b) ? new GZIPInputStream(raw, 1 << 16) : raw;
        return new DataInputStream(new BufferedInputStream(in, 1 << 16));
    }
}
