package dev.imageanomaly.scoring.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.imageanomaly.scoring.bundle.InputSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pixels become model input exactly as the bundle's input spec says: channels, size, range, normalization. */
class PreprocessorTest {

    private static final float EPS = 1e-6f;

    @Test
    void atTheSameSizePixelsAreOnlyScaledToZeroOne() {
        byte[] px = new byte[4 * 3];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i * 23);
        }
        float[] input = new Preprocessor(InputSpec.image(1, 3, 4)).toInput(new DecodedImage(4, 3, 1, px));

        assertThat(input).hasSize(12);
        for (int i = 0; i < px.length; i++) {
            assertThat(input[i]).as("pixel %d", i).isCloseTo((px[i] & 0xFF) / 255f, within(EPS));
        }
        assertThat(input[11]).isCloseTo(253 / 255f, within(EPS));
    }

    @Test
    void valueRangeMapsZeroAndFullScaleToItsEnds() {
        InputSpec minusOneToOne = new InputSpec(InputSpec.NCHW, 1, 1, 3, List.of(-1.0, 1.0), List.of(0.0), List.of(1.0));
        float[] input = new Preprocessor(minusOneToOne).toInput(new DecodedImage(3, 1, 1, new byte[] {0, (byte) 255, (byte) 51}));

        assertThat(input[0]).isCloseTo(-1f, within(EPS));
        assertThat(input[1]).isCloseTo(1f, within(EPS));
        assertThat(input[2]).isCloseTo(-1f + 2 * 51 / 255f, within(EPS));
    }

    @Test
    void halvingA56By56ImageAveragesEachTwoByTwoBlock() {
        // Each 2x2 block of the 56x56 image holds 0, 100, 200, 40 -> average 85.
        // A second pattern: the left half 0 and the right half 200 -> 0 and 200 exactly (edges align).
        byte[] checker = new byte[56 * 56];
        byte[] halves = new byte[56 * 56];
        for (int y = 0; y < 56; y++) {
            for (int x = 0; x < 56; x++) {
                int[] block = {0, 100, 200, 40};
                checker[y * 56 + x] = (byte) block[(y % 2) * 2 + (x % 2)];
                halves[y * 56 + x] = (byte) (x < 28 ? 0 : 200);
            }
        }
        Preprocessor pre = new Preprocessor(InputSpec.image(1, 28, 28));

        float[] fromChecker = pre.toInput(new DecodedImage(56, 56, 1, checker));
        assertThat(fromChecker).hasSize(28 * 28);
        for (float v : fromChecker) {
            assertThat(v).isCloseTo(85 / 255f, within(EPS));
        }

        float[] fromHalves = pre.toInput(new DecodedImage(56, 56, 1, halves));
        for (int y = 0; y < 28; y++) {
            assertThat(fromHalves[y * 28 + 13]).isCloseTo(0f, within(EPS));
            assertThat(fromHalves[y * 28 + 14]).isCloseTo(200 / 255f, within(EPS));
        }
    }

    @Test
    void upscalingInterpolatesBetweenPixelCentres() {
        // 2x1 image [0, 200] to 4x1: centres at -0.25, 0.25, 0.75, 1.25 source pixels -> clamp, 50, 150, clamp.
        DecodedImage resized = Preprocessor.resize(new DecodedImage(2, 1, 1, new byte[] {0, (byte) 200}), 4, 1);

        assertThat(new int[] {resized.at(0, 0, 0), resized.at(1, 0, 0), resized.at(2, 0, 0), resized.at(3, 0, 0)})
                .containsExactly(0, 50, 150, 200);
    }

    @Test
    void rgbToGreyUsesBt601Luma() {
        byte[] rgb = {
            (byte) 255, 0, 0,
            0, (byte) 255, 0,
            0, 0, (byte) 255,
            (byte) 200, (byte) 100, (byte) 50,
        };
        float[] grey = new Preprocessor(InputSpec.image(1, 1, 4)).toInput(new DecodedImage(4, 1, 3, rgb));

        assertThat(grey[0] * 255).isCloseTo(Math.round(0.299f * 255), within(1e-3f));
        assertThat(grey[1] * 255).isCloseTo(Math.round(0.587f * 255), within(1e-3f));
        assertThat(grey[2] * 255).isCloseTo(Math.round(0.114f * 255), within(1e-3f));
        assertThat(grey[3] * 255).isCloseTo(Math.round(0.299f * 200 + 0.587f * 100 + 0.114f * 50), within(1e-3f));
    }

    @Test
    void greyToRgbRepeatsTheValueInEveryChannelPlane() {
        float[] rgb = new Preprocessor(InputSpec.image(3, 1, 2)).toInput(new DecodedImage(2, 1, 1, new byte[] {10, (byte) 250}));

        // CHW: [R0 R1 G0 G1 B0 B1]
        assertThat(rgb).containsExactly(new float[] {10 / 255f, 250 / 255f, 10 / 255f, 250 / 255f, 10 / 255f, 250 / 255f},
                within(EPS));
    }

    @Test
    void meanAndStdNormalizeEachChannelAndTheLayoutIsChannelPlanes() {
        InputSpec spec = new InputSpec(InputSpec.NCHW, 3, 1, 2, List.of(0.0, 1.0),
                List.of(0.5, 0.25, 0.0), List.of(0.5, 0.25, 2.0));
        // HWC pixels: (255, 0, 51) then (0, 255, 102)
        byte[] px = {(byte) 255, 0, 51, 0, (byte) 255, 102};
        float[] input = new Preprocessor(spec).toInput(new DecodedImage(2, 1, 3, px));

        assertThat(input).containsExactly(new float[] {
            (1f - 0.5f) / 0.5f, (0f - 0.5f) / 0.5f,          // R plane
            (0f - 0.25f) / 0.25f, (1f - 0.25f) / 0.25f,      // G plane
            (0.2f - 0f) / 2f, (0.4f - 0f) / 2f,              // B plane
        }, within(1e-5f));
    }

    @Test
    void samplesAreWrittenAtTheirOffsetInABatch() {
        Preprocessor pre = new Preprocessor(InputSpec.image(1, 1, 2));
        float[] batch = new float[6];
        java.util.Arrays.fill(batch, -7f);

        pre.toInput(new DecodedImage(2, 1, 1, new byte[] {(byte) 255, (byte) 255}), batch, 2);

        assertThat(batch).containsExactly(new float[] {-7f, -7f, 1f, 1f, -7f, -7f}, within(EPS));
    }
}
