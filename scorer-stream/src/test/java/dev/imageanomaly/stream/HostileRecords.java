package dev.imageanomaly.stream;

import dev.imageanomaly.schemas.ConfluentAvroSerializer;
import dev.imageanomaly.schemas.ConfluentWireFormat;
import dev.imageanomaly.schemas.SchemaRegistry;
import dev.imageanomaly.schemas.avro.AnomalyScore;
import dev.imageanomaly.schemas.avro.DeadLetterReason;
import dev.imageanomaly.schemas.avro.ImageEncoding;
import dev.imageanomaly.schemas.avro.ImageEvent;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * What broken cameras, wrong clients and attackers send: a corpus of input records for the scorer,
 * each with the outcome it must have. Most are bad and must become exactly one dead letter with a
 * specific reason; some are odd but valid (a 16-bit PNG, raw RGBA, a non-UTF-8 key, attributes of
 * half a megabyte) and must be scored. Shared by the topology's own tests and the end-to-end test
 * against a real broker and registry.
 */
public final class HostileRecords {

    /**
     * One kind of record.
     *
     * @param expected the dead-letter reason it must get, or null when it must be scored
     */
    public record Kind(String name, byte[] key, byte[] value, DeadLetterReason expected) {

        public boolean mustBeScored() {
            return expected == null;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** A record value far over the scorer's default 1 MiB input limit. */
    public static final int OVERSIZED_RECORD_BYTES = 5 * 1024 * 1024;

    private static final byte[] SOURCE = "camera-hostile".getBytes(StandardCharsets.UTF_8);

    private final SchemaRegistry registry;
    private final String topic;
    private final ConfluentAvroSerializer<ImageEvent> serializer;
    private final Random random = new Random(20261201);
    private int sequence;

    private HostileRecords(SchemaRegistry registry, String topic) {
        this.registry = registry;
        this.topic = topic;
        this.serializer = new ConfluentAvroSerializer<>(registry, true, false);
    }

    /**
     * Every kind, its records framed for {@code topic} with schemas registered in {@code registry}.
     * Valid images are 28x28 or close to it and dark; the model and threshold decide their verdicts.
     */
    public static List<Kind> corpus(SchemaRegistry registry, String topic) {
        return new HostileRecords(registry, topic).all();
    }

    private List<Kind> all() {
        List<Kind> kinds = new ArrayList<>();
        kinds.addAll(recordLevel());
        kinds.addAll(fieldLevel());
        kinds.addAll(imageLevel());
        return kinds;
    }

    // ---- the record itself: framing, Avro, size, key ----

    private List<Kind> recordLevel() {
        int eventSchemaId = registry.register(topic + "-value", ImageEvent.getClassSchema());
        int otherSchemaId = registry.register("hostile-other-value", AnomalyScore.getClassSchema());
        byte[] valid = event(png(grey(28, 28, 10)), ImageEncoding.PNG);
        byte[] body = Arrays.copyOfRange(valid, ConfluentWireFormat.HEADER_SIZE, valid.length);
        return List.of(
                bad("tombstone (no value)", null, DeadLetterReason.NULL_VALUE),
                bad("empty value", new byte[0], DeadLetterReason.MALFORMED_RECORD),
                bad("three bytes", new byte[] {0, 0, 1}, DeadLetterReason.MALFORMED_RECORD),
                bad("JSON instead of Avro", "{\"eventId\":\"e1\",\"image\":\"...\"}".getBytes(StandardCharsets.UTF_8),
                        DeadLetterReason.MALFORMED_RECORD),
                bad("unknown schema id", ConfluentWireFormat.frame(987_654_321, body), DeadLetterReason.UNKNOWN_SCHEMA),
                bad("schema id of another record type", ConfluentWireFormat.frame(otherSchemaId, body),
                        DeadLetterReason.UNKNOWN_SCHEMA),
                bad("Avro body cut short", Arrays.copyOf(valid, valid.length / 2), DeadLetterReason.MALFORMED_RECORD),
                bad("bytes after the Avro body", concat(valid, new byte[] {1, 2, 3}), DeadLetterReason.MALFORMED_RECORD),
                bad("random bytes after a valid header", ConfluentWireFormat.frame(eventSchemaId, randomBytes(500)),
                        DeadLetterReason.MALFORMED_RECORD),
                bad("negative image length", handWritten(eventSchemaId, -5, 0, 0), DeadLetterReason.MALFORMED_RECORD),
                bad("image length of a gigabyte in a tiny record", handWritten(eventSchemaId, 1_000_000_000, 0, 0),
                        DeadLetterReason.MALFORMED_RECORD),
                bad("encoding symbol index out of range", handWritten(eventSchemaId, 0, 99, 0),
                        DeadLetterReason.MALFORMED_RECORD),
                bad("union branch index out of range", handWritten(eventSchemaId, 0, 0, 7),
                        DeadLetterReason.MALFORMED_RECORD),
                bad("5 MB of garbage", randomBytes(OVERSIZED_RECORD_BYTES), DeadLetterReason.RECORD_TOO_LARGE),
                bad("valid event padded past the record limit with attributes",
                        event(png(grey(28, 28, 10)), ImageEncoding.PNG, b -> b.setAttributes(Map.of("padding",
                                "p".repeat(1_100_000)))), DeadLetterReason.RECORD_TOO_LARGE),
                new Kind("record key over 64 KB", "k".repeat(70_000).getBytes(StandardCharsets.UTF_8), valid(),
                        DeadLetterReason.INVALID_FIELD),
                new Kind("record key of 2 KB", "k".repeat(2_000).getBytes(StandardCharsets.UTF_8), valid(),
                        DeadLetterReason.INVALID_FIELD),
                new Kind("key that is not UTF-8 (scored)", new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF}, valid(),
                        null),
                scored("attributes of 600 KB in a record under the limit", event(png(grey(28, 28, 10)),
                        ImageEncoding.PNG, b -> b.setAttributes(manyAttributes(600, 1000)))),
                scored("bright image with 600 KB of attributes (its alert is cut to fit)", event(png(grey(28, 28, 250)),
                        ImageEncoding.PNG, b -> b.setAttributes(manyAttributes(600, 1000)))));
    }

    // ---- the event's fields ----

    private List<Kind> fieldLevel() {
        byte[] png = png(grey(28, 28, 10));
        return List.of(
                bad("empty eventId", event(png, ImageEncoding.PNG, b -> b.setEventId("")), DeadLetterReason.MISSING_FIELD),
                bad("blank eventId", event(png, ImageEncoding.PNG, b -> b.setEventId("   ")), DeadLetterReason.MISSING_FIELD),
                bad("eventId of 5 KB", event(png, ImageEncoding.PNG, b -> b.setEventId("e".repeat(5_000))),
                        DeadLetterReason.INVALID_FIELD),
                bad("source of 5 KB", event(png, ImageEncoding.PNG, b -> b.setSource("s".repeat(5_000))),
                        DeadLetterReason.INVALID_FIELD),
                bad("eventTime before 1970", event(png, ImageEncoding.PNG, b -> b.setEventTime(Instant.ofEpochMilli(-1))),
                        DeadLetterReason.INVALID_FIELD),
                bad("eventTime in the year 3000", event(png, ImageEncoding.PNG,
                        b -> b.setEventTime(Instant.parse("3000-01-01T00:00:00Z"))), DeadLetterReason.INVALID_FIELD),
                bad("eventTime of Long.MAX_VALUE", event(png, ImageEncoding.PNG,
                        b -> b.setEventTime(Instant.ofEpochMilli(Long.MAX_VALUE))), DeadLetterReason.INVALID_FIELD),
                bad("eventTime of Long.MIN_VALUE", event(png, ImageEncoding.PNG,
                        b -> b.setEventTime(Instant.ofEpochMilli(Long.MIN_VALUE))), DeadLetterReason.INVALID_FIELD),
                bad("encoding from a newer schema (WEBP)", newerSchemaEvent(png), DeadLetterReason.UNSUPPORTED_FORMAT),
                bad("PNG encoding with no image bytes", event(new byte[0], ImageEncoding.PNG), DeadLetterReason.MISSING_FIELD),
                bad("declared width disagrees with the image", event(png, ImageEncoding.PNG,
                        b -> b.setWidth(32).setHeight(28)), DeadLetterReason.WRONG_SIZE));
    }

    // ---- the image ----

    private List<Kind> imageLevel() {
        byte[] png = png(grey(28, 28, 10));
        byte[] jpeg = encode(grey(28, 28, 10), "jpg");
        byte[] bmp = encode(grey(28, 28, 10), "bmp");
        byte[] gif = encode(grey(28, 28, 10), "gif");
        return List.of(
                bad("truncated PNG", event(Arrays.copyOf(png, png.length / 2), ImageEncoding.PNG),
                        DeadLetterReason.UNDECODABLE_IMAGE),
                bad("PNG with garbage image data", event(garbleTail(png, 40), ImageEncoding.PNG),
                        DeadLetterReason.UNDECODABLE_IMAGE),
                bad("truncated JPEG", event(Arrays.copyOf(jpeg, jpeg.length / 3), ImageEncoding.JPEG),
                        DeadLetterReason.UNDECODABLE_IMAGE),
                bad("JPEG marker followed by garbage", event(concat(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF},
                        randomBytes(300)), ImageEncoding.JPEG), DeadLetterReason.UNDECODABLE_IMAGE),
                bad("truncated BMP", event(Arrays.copyOf(bmp, 60), ImageEncoding.BMP), DeadLetterReason.UNDECODABLE_IMAGE),
                bad("truncated GIF", event(Arrays.copyOf(gif, 20), ImageEncoding.GIF), DeadLetterReason.UNDECODABLE_IMAGE),
                bad("PNG decompression bomb (10000x10000 in ~100 KB)", event(pngBomb(10_000, 10_000), ImageEncoding.PNG),
                        DeadLetterReason.IMAGE_TOO_LARGE),
                bad("PNG header claiming 100000x100000", event(pngClaiming(png, 100_000, 100_000), ImageEncoding.PNG),
                        DeadLetterReason.IMAGE_TOO_LARGE),
                bad("BMP header claiming 30000x30000", event(bmpClaiming(bmp, 30_000, 30_000), ImageEncoding.BMP),
                        DeadLetterReason.IMAGE_TOO_LARGE),
                bad("GIF claiming 65535x65535", event(gifClaiming(gif, 65_535, 65_535), ImageEncoding.GIF),
                        DeadLetterReason.IMAGE_TOO_LARGE),
                bad("JPEG frame claiming 65000x65000", event(jpegClaiming(jpeg, 65_000, 65_000), ImageEncoding.JPEG),
                        DeadLetterReason.IMAGE_TOO_LARGE),
                bad("TIFF image", event(encode(grey(28, 28, 10), "tiff"), ImageEncoding.PNG),
                        DeadLetterReason.UNSUPPORTED_FORMAT),
                bad("WBMP image", event(encode(new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_BINARY), "wbmp"),
                        ImageEncoding.BMP), DeadLetterReason.UNSUPPORTED_FORMAT),
                bad("WebP header", event(concat("RIFF\0\0\0\0WEBPVP8 ".getBytes(StandardCharsets.US_ASCII),
                        randomBytes(100)), ImageEncoding.PNG), DeadLetterReason.UNSUPPORTED_FORMAT),
                bad("text declared as PNG", event("hello, I am a camera".getBytes(StandardCharsets.UTF_8),
                        ImageEncoding.PNG), DeadLetterReason.UNSUPPORTED_FORMAT),
                bad("PNG bytes declared JPEG", event(png, ImageEncoding.JPEG), DeadLetterReason.ENCODING_MISMATCH),
                bad("JPEG bytes declared BMP", event(jpeg, ImageEncoding.BMP), DeadLetterReason.ENCODING_MISMATCH),
                bad("raw image without width", event(new byte[784], ImageEncoding.RAW_U8, b -> b.setHeight(28).setChannels(1)),
                        DeadLetterReason.MISSING_FIELD),
                bad("raw image with one byte missing", raw(new byte[783], 28, 28, 1), DeadLetterReason.WRONG_SIZE),
                bad("raw image with 2 channels", raw(new byte[28 * 28 * 2], 28, 28, 2), DeadLetterReason.WRONG_SIZE),
                bad("raw image of width 0", raw(new byte[0], 0, 28, 1), DeadLetterReason.WRONG_SIZE),
                bad("raw image of negative size", raw(new byte[4], -2, -2, 1), DeadLetterReason.WRONG_SIZE),
                bad("raw image claiming 100000x100000x3", raw(new byte[16], 100_000, 100_000, 3),
                        DeadLetterReason.IMAGE_TOO_LARGE),
                scored("raw RGBA", raw(rgba(28, 28), 28, 28, 4)),
                scored("16-bit grey PNG", event(png(sixteenBitGrey(28, 28)), ImageEncoding.PNG)),
                scored("1-bit PNG", event(png(new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_BINARY)), ImageEncoding.PNG)),
                scored("palette PNG", event(png(new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_INDEXED)), ImageEncoding.PNG)),
                scored("RGBA PNG", event(png(new BufferedImage(28, 28, BufferedImage.TYPE_INT_ARGB)), ImageEncoding.PNG)),
                scored("colour JPEG", event(encode(new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB), "jpg"),
                        ImageEncoding.JPEG)),
                scored("animated GIF (first frame scored)", event(animatedGif(), ImageEncoding.GIF)),
                scored("1000x1000 photo (resized)", event(png(grey(1000, 1000, 10)), ImageEncoding.PNG)));
    }

    // ---- builders ----

    private Kind bad(String name, byte[] value, DeadLetterReason reason) {
        return new Kind(name, SOURCE, value, reason);
    }

    private Kind scored(String name, byte[] value) {
        return new Kind(name, SOURCE, value, null);
    }

    private byte[] valid() {
        return event(png(grey(28, 28, 10)), ImageEncoding.PNG);
    }

    private interface Change {
        void apply(ImageEvent.Builder builder);
    }

    private byte[] event(byte[] image, ImageEncoding encoding) {
        return event(image, encoding, b -> { });
    }

    private byte[] event(byte[] image, ImageEncoding encoding, Change change) {
        ImageEvent.Builder b = ImageEvent.newBuilder().setEventId("hostile-" + sequence++)
                .setSource("camera-hostile").setEventTime(Instant.now()).setEncoding(encoding)
                .setImage(ByteBuffer.wrap(image));
        change.apply(b);
        return serializer.serialize(topic, b.build());
    }

    private byte[] raw(byte[] pixels, int width, int height, int channels) {
        return event(pixels, ImageEncoding.RAW_U8, b -> b.setWidth(width).setHeight(height).setChannels(channels));
    }

    /**
     * An ImageEvent body written field by field, to put in what no serializer would: an image length
     * ({@code imageLength} declared, no bytes follow when it is not 0), an encoding symbol index, a
     * union branch index for width.
     */
    private static byte[] handWritten(int schemaId, long imageLength, int encodingIndex, int widthBranch) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder e = EncoderFactory.get().binaryEncoder(out, null);
        try {
            e.writeString("hand-written");
            e.writeString("camera-hostile");
            e.writeLong(System.currentTimeMillis());
            e.writeLong(imageLength);
            e.writeInt(encodingIndex);
            e.writeInt(widthBranch);
            e.writeInt(0);
            e.writeInt(0);
            e.writeLong(0);
            e.flush();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return ConfluentWireFormat.frame(schemaId, out.toByteArray());
    }

    /** An event written with a later ImageEvent schema that has a WEBP encoding this scorer does not know. */
    private byte[] newerSchemaEvent(byte[] image) {
        Schema current = ImageEvent.getClassSchema();
        List<String> symbols = new ArrayList<>(current.getField("encoding").schema().getEnumSymbols());
        symbols.add(symbols.size() - 1, "WEBP");
        Schema encoding = SchemaBuilder.enumeration("ImageEncoding").namespace(current.getNamespace())
                .defaultSymbol("UNKNOWN").symbols(symbols.toArray(String[]::new));
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : current.getFields()) {
            fields.add(new Schema.Field(f.name(), f.name().equals("encoding") ? encoding : f.schema(), f.doc(),
                    f.defaultVal()));
        }
        Schema newer = Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
        int id = registry.register(topic + "-value", newer);
        GenericRecord record = new GenericData.Record(newer);
        record.put("eventId", "hostile-" + sequence++);
        record.put("source", "camera-hostile");
        record.put("eventTime", System.currentTimeMillis());
        record.put("image", ByteBuffer.wrap(image));
        record.put("encoding", new GenericData.EnumSymbol(encoding, "WEBP"));
        record.put("attributes", Map.of());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder e = EncoderFactory.get().binaryEncoder(out, null);
        try {
            new GenericDatumWriter<GenericRecord>(newer).write(record, e);
            e.flush();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return ConfluentWireFormat.frame(id, out.toByteArray());
    }

    private static Map<String, String> manyAttributes(int count, int valueBytes) {
        Map<String, String> attributes = new HashMap<>();
        for (int i = 0; i < count; i++) {
            attributes.put(String.format("note-%04d", i), "v".repeat(valueBytes));
        }
        return attributes;
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        b[0] = 0x42; // never the magic byte of a PNG, JPEG, GIF or the wire format by accident
        return b;
    }

    private byte[] garbleTail(byte[] bytes, int keep) {
        byte[] garbled = bytes.clone();
        for (int i = keep; i < garbled.length - 12; i++) {
            garbled[i] = (byte) random.nextInt();
        }
        return garbled;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    // ---- images ----

    static BufferedImage grey(int width, int height, int level) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.getRaster().setSample(x, y, 0, (level + (x + y) % 3) & 0xFF);
            }
        }
        return image;
    }

    private static BufferedImage sixteenBitGrey(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_USHORT_GRAY);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.getRaster().setSample(x, y, 0, (x * 997 + y * 13) & 0x0FFF);
            }
        }
        return image;
    }

    private static byte[] rgba(int width, int height) {
        byte[] px = new byte[width * height * 4];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i % 4 == 3 ? 255 : 12);
        }
        return px;
    }

    static byte[] png(BufferedImage image) {
        return encode(image, "png");
    }

    static byte[] encode(BufferedImage image, String format) {
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

    private static byte[] animatedGif() {
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
    static byte[] pngBomb(int width, int height) {
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
    static byte[] pngClaiming(byte[] png, int width, int height) {
        byte[] lie = png.clone();
        ByteBuffer buf = ByteBuffer.wrap(lie);
        buf.putInt(16, width);
        buf.putInt(20, height);
        CRC32 crc = new CRC32();
        crc.update(lie, 12, 4 + 13);
        buf.putInt(29, (int) crc.getValue());
        return lie;
    }

    private static byte[] bmpClaiming(byte[] bmp, int width, int height) {
        byte[] lie = bmp.clone();
        ByteBuffer.wrap(lie).order(ByteOrder.LITTLE_ENDIAN).putInt(18, width).putInt(22, height);
        return lie;
    }

    /** The GIF's logical screen and its first image descriptor both claiming another size. */
    private static byte[] gifClaiming(byte[] gif, int width, int height) {
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
    private static byte[] jpegClaiming(byte[] jpeg, int width, int height) {
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
