package dev.imageanomaly.stream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * An input record waiting in a batch, as kept in the logged state store: enough to score it and to
 * emit its outputs after a crash and restore. The image is kept encoded (as it arrived), not as
 * floats, to keep the changelog small. Every variable field is a length-prefixed byte array, so no
 * field has a size limit of its own (format 1 wrote the key with {@code writeUTF}, which cannot
 * hold more than 65,535 bytes; entries in it are still read after an upgrade).
 *
 * @param key the record key as it arrived (any bytes), or null
 * @param receivedAtMillis wall-clock time the scorer first saw the record, for latency metrics
 */
record PendingImage(byte[] key, byte[] value, long timestamp, String topic, int partition, long offset,
        long receivedAtMillis) {

    private static final int FORMAT = 2;

    /** The key as text, for a dead letter's key (which is cut to a byte budget without splitting a character). */
    String keyText() {
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }

    byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length + 64 + (key == null ? 0 : key.length));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            writeBytes(out, key);
            writeBytes(out, value);
            out.writeLong(timestamp);
            writeBytes(out, topic.getBytes(StandardCharsets.UTF_8));
            out.writeInt(partition);
            out.writeLong(offset);
            out.writeLong(receivedAtMillis);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static PendingImage fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int format = in.readByte();
            return switch (format) {
                case 1 -> new PendingImage(in.readBoolean() ? in.readUTF().getBytes(StandardCharsets.UTF_8) : null,
                        readBytes(in), in.readLong(), in.readUTF(), in.readInt(), in.readLong(), in.readLong());
                case FORMAT -> new PendingImage(readBytes(in), readBytes(in), in.readLong(),
                        new String(readBytes(in), StandardCharsets.UTF_8), in.readInt(), in.readLong(), in.readLong());
                default -> throw new IllegalStateException("pending-image store entry has unknown format " + format);
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b == null ? -1 : b.length);
        if (b != null) {
            out.write(b);
        }
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        byte[] b = new byte[length];
        in.readFully(b);
        return b;
    }
}
