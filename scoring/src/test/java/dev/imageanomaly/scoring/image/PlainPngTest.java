package dev.imageanomaly.scoring.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fast PNG path gives exactly ImageIO's pixels, and leaves to ImageIO every PNG it does not fully know. */
class PlainPngTest {

    private static final long NO_LIMIT = Long.MAX_VALUE;

    /** Random bytes behind every row filter PNG defines: both decoders must undo them alike. */
    @ParameterizedTest(name = "colour type {0}")
    @ValueSource(ints = {0, 2, 4, 6})
    void decodesEveryColourTypeAndRowFilterToImageIosPixels(int colourType) throws Exception {
        int width = 13;
        int height = 11;
        int samples = switch (colourType) {
            case 0 -> 1;
            case 4 -> 2;
            case 2 -> 3;
            default -> 4;
        };
        Random random = new Random(colourType);
        byte[] rows = new byte[height * (width * samples + 1)];
        random.nextBytes(rows);
        for (int y = 0; y < height; y++) {
            rows[y * (width * samples + 1)] = (byte) (y % 5);
        }
        byte[] png = png(width, height, colourType, 0, rows);

        DecodedImage fast = PlainPng.decode(png, NO_LIMIT).orElseThrow();

        DecodedImage imageIo = ImageDecoder.fromBufferedImage(ImageIO.read(new ByteArrayInputStream(png)));
        assertThat(fast.channels()).isEqualTo(imageIo.channels()).isEqualTo(samples < 3 ? 1 : 3);
        assertThat(fast.width()).isEqualTo(width);
        assertThat(fast.height()).isEqualTo(height);
        assertThat(fast.pixels()).isEqualTo(imageIo.pixels());
    }

    @Test
    void anImageEncodedByTheProducersEncoderComesBackExactly() {
        byte[] grey = new byte[28 * 28];
        new Random(7).nextBytes(grey);
        DecodedImage image = new DecodedImage(28, 28, 1, grey);

        assertThat(PlainPng.decode(PngEncoder.encode(image), NO_LIMIT).orElseThrow().pixels()).isEqualTo(grey);
    }

    @Test
    void interlacedPalettedAndSixteenBitImagesAreLeftToImageIo() throws Exception {
        assertThat(PlainPng.decode(imageIo(new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY), true), NO_LIMIT))
                .as("interlaced").isEmpty();
        assertThat(PlainPng.decode(imageIo(new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_INDEXED), false), NO_LIMIT))
                .as("paletted").isEmpty();
        assertThat(PlainPng.decode(imageIo(new BufferedImage(8, 8, BufferedImage.TYPE_USHORT_GRAY), false), NO_LIMIT))
                .as("16 bits a sample").isEmpty();
    }

    @Test
    void anImageWithAColourProfileIsLeftToImageIo() throws Exception {
        byte[] plain = png(4, 4, 0, 0, new byte[4 * 5]);
        assertThat(PlainPng.decode(plain, NO_LIMIT)).isPresent();

        assertThat(PlainPng.decode(png(4, 4, 0, 0, new byte[4 * 5], "iCCP"), NO_LIMIT)).isEmpty();
    }

    @Test
    void malformedImagesAreLeftToImageIoToRefuseByName() throws Exception {
        byte[] good = png(6, 6, 0, 0, new byte[6 * 7]);
        byte[] unknownFilter = new byte[6 * 7];
        unknownFilter[0] = 5;

        assertThat(PlainPng.decode(Arrays.copyOf(good, good.length - 20), NO_LIMIT)).as("truncated").isEmpty();
        assertThat(PlainPng.decode(png(6, 6, 0, 0, new byte[6 * 6]), NO_LIMIT)).as("too few rows").isEmpty();
        assertThat(PlainPng.decode(png(6, 6, 0, 0, unknownFilter), NO_LIMIT)).as("filter type 5").isEmpty();
        assertThat(PlainPng.decode(png(6, 6, 0, 0, new byte[6 * 7]), 35)).as("over the pixel limit").isEmpty();
        assertThat(PlainPng.decode(png(6, 6, 3, 0, new byte[6 * 7]), NO_LIMIT)).as("colour type 3").isEmpty();
    }

    private static byte[] imageIo(BufferedImage image, boolean interlaced) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (var out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setProgressiveMode(interlaced ? ImageWriteParam.MODE_DEFAULT : ImageWriteParam.MODE_DISABLED);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** A PNG of 8-bit samples around these filtered rows, with empty chunks of the extra types before its data. */
    private static byte[] png(int width, int height, int colourType, int interlace, byte[] filteredRows,
            String... extraChunks) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        DataOutputStream h = new DataOutputStream(header);
        h.writeInt(width);
        h.writeInt(height);
        h.write(new byte[] {8, (byte) colourType, 0, 0, (byte) interlace});
        chunk(out, "IHDR", header.toByteArray());
        for (String type : extraChunks) {
            chunk(out, type, new byte[0]);
        }
        Deflater deflater = new Deflater();
        deflater.setInput(filteredRows);
        deflater.finish();
        byte[] compressed = new byte[filteredRows.length + 64];
        int n = deflater.deflate(compressed);
        deflater.end();
        chunk(out, "IDAT", Arrays.copyOf(compressed, n));
        chunk(out, "IEND", new byte[0]);
        return bytes.toByteArray();
    }

    private static void chunk(DataOutputStream out, String type, byte[] data) throws IOException {
        byte[] typeBytes = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        out.writeInt(data.length);
        out.write(typeBytes);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeInt((int) crc.getValue());
    }
}
