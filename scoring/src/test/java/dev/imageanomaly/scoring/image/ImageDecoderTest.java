package dev.imageanomaly.scoring.image;

import static dev.imageanomaly.scoring.image.ImageRejectedException.Reason.IMAGE_TOO_LARGE;
import static dev.imageanomaly.scoring.image.ImageRejectedException.Reason.MISSING_FIELD;
import static dev.imageanomaly.scoring.image.ImageRejectedException.Reason.UNDECODABLE_IMAGE;
import static dev.imageanomaly.scoring.image.ImageRejectedException.Reason.UNSUPPORTED_FORMAT;
import static dev.imageanomaly.scoring.image.ImageRejectedException.Reason.WRONG_SIZE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bytes in, pixels out, or a rejection with a reason the scorer can route to the dead-letter topic. */
class ImageDecoderTest {

    private static final int W = 7;
    private static final int H = 5;

    // ---- encoded images: size and channels ----

    @ParameterizedTest
    @ValueSource(strings = {"png", "bmp"})
    void losslessGreyStaysOneChannelWithExactValues(String format) throws Exception {
        BufferedImage grey = greyGradient();
        DecodedImage decoded = ImageDecoder.decodeEncoded(encode(grey, format));

        assertThat(decoded.channels()).isEqualTo(1);
        assertThat(decoded.width()).isEqualTo(W);
        assertThat(decoded.height()).isEqualTo(H);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                assertThat(decoded.at(x, y, 0)).as("(%d,%d)", x, y).isEqualTo(greyValue(x, y));
            }
        }
    }

    @Test
    void greyJpegIsOneChannelOfTheRightSize() throws Exception {
        DecodedImage decoded = ImageDecoder.decodeEncoded(encode(greyGradient(), "jpg"));

        assertThat(decoded.channels()).isEqualTo(1);
        assertThat(decoded.width()).isEqualTo(W);
        assertThat(decoded.height()).isEqualTo(H);
        assertThat(meanAbsoluteDifference(decoded, (x, y, c) -> greyValue(x, y))).isLessThan(8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"png", "bmp"})
    void losslessRgbIsThreeChannelsWithExactValues(String format) throws Exception {
        DecodedImage decoded = ImageDecoder.decodeEncoded(encode(rgbPattern(BufferedImage.TYPE_INT_RGB), format));

        assertThat(decoded.channels()).isEqualTo(3);
        assertThat(decoded.width()).isEqualTo(W);
        assertThat(decoded.height()).isEqualTo(H);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                for (int c = 0; c < 3; c++) {
                    assertThat(decoded.at(x, y, c)).as("(%d,%d,%d)", x, y, c).isEqualTo(rgbValue(x, y, c));
                }
            }
        }
    }

    @Test
    void rgbJpegIsThreeChannelsOfTheRightSize() throws Exception {
        BufferedImage flat = new BufferedImage(16, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 16; x++) {
                flat.setRGB(x, y, 0xC04020);
            }
        }
        DecodedImage decoded = ImageDecoder.decodeEncoded(encode(flat, "jpg"));

        assertThat(decoded.channels()).isEqualTo(3);
        assertThat(decoded.width()).isEqualTo(16);
        assertThat(decoded.height()).isEqualTo(8);
        assertThat((double) decoded.at(3, 3, 0)).isCloseTo(0xC0, within(6.0));
        assertThat((double) decoded.at(3, 3, 1)).isCloseTo(0x40, within(6.0));
        assertThat((double) decoded.at(3, 3, 2)).isCloseTo(0x20, within(6.0));
    }

    @Test
    void rgbaPngDropsAlphaAndKeepsTheColour() throws Exception {
        BufferedImage rgba = rgbPattern(BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int alpha = (x * 40) & 0xFF;
                rgba.setRGB(x, y, (alpha << 24) | (rgba.getRGB(x, y) & 0xFFFFFF));
            }
        }
        DecodedImage decoded = ImageDecoder.decodeEncoded(encode(rgba, "png"));

        assertThat(decoded.channels()).isEqualTo(3);
        assertThat(decoded.pixels()).hasSize(W * H * 3);
        assertThat(decoded.at(2, 3, 0)).isEqualTo(rgbValue(2, 3, 0));
        assertThat(decoded.at(2, 3, 1)).isEqualTo(rgbValue(2, 3, 1));
        assertThat(decoded.at(2, 3, 2)).isEqualTo(rgbValue(2, 3, 2));
    }

    @Test
    void palettedGifBecomesRgbWithItsColours() throws Exception {
        BufferedImage twoColours = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                twoColours.setRGB(x, y, x < 3 ? 0xFF0000 : 0x0000FF);
            }
        }
        DecodedImage decoded = ImageDecoder.decodeEncoded(encode(twoColours, "gif"));

        assertThat(decoded.channels()).isEqualTo(3);
        assertThat(decoded.width()).isEqualTo(W);
        assertThat(decoded.height()).isEqualTo(H);
        assertThat(new int[] {decoded.at(0, 0, 0), decoded.at(0, 0, 1), decoded.at(0, 0, 2)})
                .containsExactly(255, 0, 0);
        assertThat(new int[] {decoded.at(6, 4, 0), decoded.at(6, 4, 1), decoded.at(6, 4, 2)})
                .containsExactly(0, 0, 255);
    }

    @ParameterizedTest
    @ValueSource(ints = {BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_BYTE_GRAY})
    void anImageInMemoryIsCopiedNeverShared(int type) {
        BufferedImage image = type == BufferedImage.TYPE_BYTE_GRAY ? greyGradient() : rgbPattern(type);
        int before = image.getRGB(2, 3);

        DecodedImage decoded = ImageDecoder.fromBufferedImage(image);
        decoded.pixels()[(3 * W + 2) * decoded.channels()] ^= (byte) 0xFF;

        assertThat(image.getRGB(2, 3)).as("the caller's image, after its pixels were decoded and changed")
                .isEqualTo(before);
    }

    @Test
    void aSubImageDecodesToItsOwnPixelsNotItsParents() {
        BufferedImage parent = rgbPattern(BufferedImage.TYPE_3BYTE_BGR);
        DecodedImage decoded = ImageDecoder.fromBufferedImage(parent.getSubimage(2, 1, 3, 2));

        assertThat(decoded.width()).isEqualTo(3);
        assertThat(decoded.height()).isEqualTo(2);
        for (int c = 0; c < 3; c++) {
            assertThat(decoded.at(0, 0, c)).isEqualTo(rgbValue(2, 1, c));
            assertThat(decoded.at(2, 1, c)).isEqualTo(rgbValue(4, 2, c));
        }
    }

    @Test
    void sixteenBitGreyPngKeepsTheHighByte() throws Exception {
        BufferedImage deep = new BufferedImage(W, H, BufferedImage.TYPE_USHORT_GRAY);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                deep.getRaster().setSample(x, y, 0, greyValue(x, y) * 256 + 0x7F);
            }
        }
        DecodedImage decoded = ImageDecoder.decodeEncoded(encode(deep, "png"));

        assertThat(decoded.channels()).isEqualTo(1);
        assertThat(decoded.at(4, 2, 0)).isEqualTo(greyValue(4, 2));
    }

    // ---- encoded images: rejections ----

    @Test
    void aTruncatedPngIsUndecodable() throws Exception {
        byte[] png = encode(rgbPattern(BufferedImage.TYPE_INT_RGB), "png");
        byte[] truncated = Arrays.copyOf(png, png.length / 2);

        assertRejected(() -> ImageDecoder.decodeEncoded(truncated), UNDECODABLE_IMAGE, "PNG");
    }

    @Test
    void aJpegCutInsideItsHeaderIsUndecodable() throws Exception {
        byte[] jpeg = encode(greyGradient(), "jpg");

        assertRejected(() -> ImageDecoder.decodeEncoded(Arrays.copyOf(jpeg, 40)), UNDECODABLE_IMAGE, "JPEG");
    }

    @Test
    void garbageBytesAreAnUnsupportedFormat() {
        byte[] garbage = "this is not an image, it is a sentence".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

        assertRejected(() -> ImageDecoder.decodeEncoded(garbage), UNSUPPORTED_FORMAT, "not a PNG, JPEG, BMP or GIF");
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiff", "wbmp"})
    void formatsTheJdkReadsButTheContractDoesNotNameAreRefused(String format) throws Exception {
        BufferedImage image = format.equals("wbmp")
                ? new BufferedImage(W, H, BufferedImage.TYPE_BYTE_BINARY) : greyGradient();
        byte[] bytes = encode(image, format);

        assertRejected(() -> ImageDecoder.decodeEncoded(bytes), UNSUPPORTED_FORMAT, "not a PNG, JPEG, BMP or GIF");
    }

    @Test
    void emptyOrMissingBytesAreAMissingField() {
        assertRejected(() -> ImageDecoder.decodeEncoded(new byte[0]), MISSING_FIELD, "empty");
        assertRejected(() -> ImageDecoder.decodeEncoded(null), MISSING_FIELD, "empty");
    }

    @Test
    void aPngWhoseHeaderClaimsTooManyPixelsIsRefusedBeforeDecoding() throws Exception {
        byte[] png = encode(greyGradient(), "png");
        // IHDR data starts at byte 16: width and height as big-endian ints, then a CRC over type + data.
        ByteBuffer buf = ByteBuffer.wrap(png);
        buf.putInt(16, 100_000);
        buf.putInt(20, 100_000);
        CRC32 crc = new CRC32();
        crc.update(png, 12, 4 + 13);
        buf.putInt(29, (int) crc.getValue());

        assertRejected(() -> ImageDecoder.decodeEncoded(png), IMAGE_TOO_LARGE, "exceeds the limit");
    }

    @Test
    void theCallersPixelLimitIsCheckedFromTheHeader() throws Exception {
        byte[] png = encode(greyGradient(), "png");

        assertThat(ImageDecoder.decodeEncoded(png, W * H).width()).isEqualTo(W);
        assertRejected(() -> ImageDecoder.decodeEncoded(png, W * H - 1), IMAGE_TOO_LARGE,
                W + "x" + H + " image exceeds the limit of " + (W * H - 1) + " pixels");
    }

    // ---- raw u8 ----

    @Test
    void rawBytesWithMatchingDimensionsAreTakenAsIs() throws Exception {
        byte[] raw = new byte[W * H * 3];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (byte) i;
        }
        DecodedImage decoded = ImageDecoder.decodeRaw(raw, W, H, 3);

        assertThat(decoded.width()).isEqualTo(W);
        assertThat(decoded.height()).isEqualTo(H);
        assertThat(decoded.channels()).isEqualTo(3);
        assertThat(decoded.at(1, 0, 2)).isEqualTo(5);
    }

    @Test
    void rawRgbaDropsItsAlphaChannel() throws Exception {
        byte[] rgba = new byte[W * H * 4];
        for (int i = 0; i < rgba.length; i++) {
            rgba[i] = (byte) (i % 4 == 3 ? 0x80 : i);
        }
        DecodedImage decoded = ImageDecoder.decodeRaw(rgba, W, H, 4);

        assertThat(decoded.channels()).isEqualTo(3);
        assertThat(decoded.at(1, 0, 0)).isEqualTo(4);
        assertThat(decoded.at(1, 0, 2)).isEqualTo(6);
    }

    @Test
    void rawDimensionsOverThePixelLimitAreRefusedBeforeTheBytesAreLookedAt() {
        assertRejected(() -> ImageDecoder.decodeRaw(new byte[1], 100_000, 100_000, 3, 1_000_000), IMAGE_TOO_LARGE,
                "100000x100000 image exceeds the limit of 1000000 pixels");
    }

    @Test
    void rawBytesOfTheWrongCountAreWrongSize() {
        assertRejected(() -> ImageDecoder.decodeRaw(new byte[28 * 28 - 1], 28, 28, 1), WRONG_SIZE, "needs 784 bytes, got 783");
        assertRejected(() -> ImageDecoder.decodeRaw(new byte[28 * 28], 28, 28, 3), WRONG_SIZE, "needs 2352 bytes");
    }

    @Test
    void rawBytesWithoutDimensionsAreAMissingField() {
        assertRejected(() -> ImageDecoder.decodeRaw(new byte[784], null, 28, 1), MISSING_FIELD, "width, height and channels");
        assertRejected(() -> ImageDecoder.decodeRaw(new byte[784], 28, null, 1), MISSING_FIELD, "width, height and channels");
        assertRejected(() -> ImageDecoder.decodeRaw(new byte[784], 28, 28, null), MISSING_FIELD, "width, height and channels");
        assertRejected(() -> ImageDecoder.decodeRaw(null, 28, 28, 1), MISSING_FIELD, "missing");
    }

    @Test
    void rawDimensionsThatMakeNoSenseAreWrongSize() {
        assertRejected(() -> ImageDecoder.decodeRaw(new byte[8], 2, 2, 2), WRONG_SIZE, "channels must be 1, 3 or 4");
        assertRejected(() -> ImageDecoder.decodeRaw(new byte[0], 0, 28, 1), WRONG_SIZE, "invalid");
        assertRejected(() -> ImageDecoder.decodeRaw(new byte[4], -2, -2, 1), WRONG_SIZE, "invalid");
    }

    // ---- helpers ----

    interface Decode {
        DecodedImage run() throws ImageRejectedException;
    }

    interface PixelFunction {
        int at(int x, int y, int c);
    }

    private static void assertRejected(Decode decode, ImageRejectedException.Reason reason, String messagePart) {
        assertThatThrownBy(decode::run)
                .isInstanceOf(ImageRejectedException.class)
                .hasMessageContaining(messagePart)
                .extracting(e -> ((ImageRejectedException) e).reason()).isEqualTo(reason);
    }

    static int greyValue(int x, int y) {
        return (x * 37 + y * 11) % 256;
    }

    static int rgbValue(int x, int y, int c) {
        return switch (c) {
            case 0 -> x * 30;
            case 1 -> y * 50;
            default -> 255 - x * 10 - y * 3;
        };
    }

    static BufferedImage greyGradient() {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                img.getRaster().setSample(x, y, 0, greyValue(x, y));
            }
        }
        return img;
    }

    static BufferedImage rgbPattern(int type) {
        BufferedImage img = new BufferedImage(W, H, type);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int rgb = (rgbValue(x, y, 0) << 16) | (rgbValue(x, y, 1) << 8) | rgbValue(x, y, 2);
                img.setRGB(x, y, 0xFF000000 | rgb);
            }
        }
        return img;
    }

    static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(image, format, out)) {
            throw new IllegalStateException("no ImageIO writer for " + format + " and image type " + image.getType());
        }
        return out.toByteArray();
    }

    private static double meanAbsoluteDifference(DecodedImage image, PixelFunction expected) {
        double sum = 0;
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                for (int c = 0; c < image.channels(); c++) {
                    sum += Math.abs(image.at(x, y, c) - expected.at(x, y, c));
                }
            }
        }
        return sum / ((double) image.width() * image.height() * image.channels());
    }
}
