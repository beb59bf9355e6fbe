package dev.imageanomaly.stream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * An accepted input record waiting in a batch, as kept in the logged state store: enough to score
 * it and to emit its outputs after a crash and restore. The image is kept encoded (as it arrived),
 * not as floats, to keep the changelog small.
 *
 * @param receivedAtMillis wall-clock time the scorer first saw the record, for latency metrics
 */
record PendingImage(String key, byte[] value, long timestamp, String topic, int partition, long offset,
        long receivedAtMillis) {

    byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length + 64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1);
            out.writeBoolean(key != null);
            if (key != null) {
                out.writeUTF(key);
            }
            out.writeInt(value.length);
            out.write(value);
            out.writeLong(timestamp);
            out.writeUTF(topic);
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
            if (format != 1) {
                throw new IllegalStateException("pending-image store entry has unknown format " + format);
            }
            String key = in.readBoolean() ? in.readUTF() : null;
            byte[] value = new byte[in.readInt()];
            in.readFully(value);
            return new PendingImage(key, value, in.readLong(), in.readUTF(), in.readInt(), in.readLong(), in.readLong());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
