package dev.imageanomaly.schemas;

import dev.imageanomaly.schemas.avro.DeadLetterReason;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * The Confluent wire format: magic byte 0, the schema id as a 4-byte big-endian int, then the
 * Avro binary encoding of the value.
 */
public final class ConfluentWireFormat {

    public static final byte MAGIC_BYTE = 0;
    public static final int HEADER_SIZE = 5;

    private ConfluentWireFormat() {
    }

    /**
     * The schema id in the header of {@code bytes}.
     *
     * @throws WireFormatException {@link DeadLetterReason#MALFORMED_RECORD} when the bytes are too
     *                             short or do not start with the magic byte
     */
    public static int schemaId(byte[] bytes) {
        if (bytes.length < HEADER_SIZE) {
            throw new WireFormatException(DeadLetterReason.MALFORMED_RECORD, "record of " + bytes.length
                    + " bytes is shorter than the " + HEADER_SIZE + "-byte schema registry header");
        }
        if (bytes[0] != MAGIC_BYTE) {
            throw new WireFormatException(DeadLetterReason.MALFORMED_RECORD, String.format(
                    "first byte is 0x%02x, not the magic byte 0x00 of the schema registry wire format", bytes[0]));
        }
        return ByteBuffer.wrap(bytes, 1, 4).getInt();
    }

    /** A header for {@code schemaId} followed by {@code avroBinary}. */
    public static byte[] frame(int schemaId, byte[] avroBinary) {
        return ByteBuffer.allocate(HEADER_SIZE + avroBinary.length)
                .put(MAGIC_BYTE).putInt(schemaId).put(avroBinary).array();
    }

    /** The bytes {@code record} takes on the wire, header included, counted without keeping them. */
    public static int sizeOf(SpecificRecord record) {
        TrustedAvroTypes.trust(record.getSchema());
        ByteCounter counter = new ByteCounter();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(counter, null);
        try {
            new SpecificDatumWriter<SpecificRecord>(record.getSchema()).write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return HEADER_SIZE + (int) Math.min(Integer.MAX_VALUE - HEADER_SIZE, counter.count);
    }

    private static final class ByteCounter extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
