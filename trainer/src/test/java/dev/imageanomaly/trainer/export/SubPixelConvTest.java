package dev.imageanomaly.trainer.export;

import static dev.imageanomaly.trainer.export.OnnxGraph.ints;
import static dev.imageanomaly.trainer.export.OnnxGraph.string;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.imageanomaly.trainer.model.Layer;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The sub-pixel form computes what upsampling and then convolving computes, for any such pair. */
class SubPixelConvTest {

    @ParameterizedTest(name = "upsample x{0}, {1}x{1} kernel, padding {2}")
    @CsvSource({"2, 3, 1", "2, 1, 0", "2, 5, 2", "3, 3, 1", "3, 5, 2", "4, 7, 3"})
    void equalsUpsamplingThenConvolving(int factor, int kernel, int padding) throws OrtException {
        Random random = new Random(11);
        int batch = 3;
        int channels = 4;
        int side = 5;
        Layer.Conv conv = new Layer.Conv(6, kernel, 1, padding);
        float[] weight = uniform(random, conv.filters() * channels * kernel * kernel);
        float[] bias = uniform(random, conv.filters());
        float[] images = uniform(random, batch * channels * side * side);

        OnnxGraph g = new OnnxGraph("subpixel-test");
        String x = g.input("x", channels, side, side);
        String upsampled = g.node("Resize", List.of(x, "", g.floats("scales",
                new float[] {1, 1, factor, factor}, 4)), List.of(string("mode", "nearest"),
                string("coordinate_transformation_mode", "asymmetric"), string("nearest_mode", "floor")), null);
        String reference = g.node("Conv", List.of(upsampled, g.floats("w", weight, conv.filters(), channels,
                kernel, kernel), g.floats("b", bias, conv.filters())), List.of(
                ints("kernel_shape", kernel, kernel), ints("strides", 1, 1),
                ints("pads", padding, padding, padding, padding)), null);
        String subPixel = SubPixelConv.export(g, factor, conv, weight, bias, x);
        long outSide = (long) side * factor;
        g.output(reference, conv.filters(), outSide, outSide);
        g.output(subPixel, conv.filters(), outSide, outSide);

        Map<String, float[]> out = run(g.toBytes("test"), images, new long[] {batch, channels, side, side});
        float[] expected = out.get(reference);
        float[] actual = out.get(subPixel);
        assertThat(actual).hasSameSizeAs(expected).hasSize((int) (batch * conv.filters() * outSide * outSide));
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("element %d", i).isCloseTo(expected[i], Offset.offset(1e-5f));
        }
    }

    @ParameterizedTest(name = "{0}x{0} kernel, stride {1}, padding {2}")
    @CsvSource({"3, 2, 1", "3, 1, 0", "3, 1, 2", "4, 1, 1"})
    void isOnlyUsedForConvolutionsThatKeepTheSize(int kernel, int stride, int padding) {
        Layer.Conv conv = new Layer.Conv(2, kernel, stride, padding);
        assertThat(SubPixelConv.applies(conv)).isFalse();
        assertThatThrownBy(() -> SubPixelConv.export(new OnnxGraph("g"), 2, conv, new float[2 * kernel * kernel], new float[2], "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no sub-pixel form");
    }

    private static Map<String, float[]> run(byte[] model, float[] images, long[] shape) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(model, new OrtSession.SessionOptions());
                OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(images), shape);
                OrtSession.Result result = session.run(Map.of("x", input))) {
            Map<String, float[]> out = new HashMap<>();
            result.forEach(e -> out.put(e.getKey(), ((OnnxTensor) e.getValue()).getFloatBuffer().array()));
            return out;
        }
    }

    private static float[] uniform(Random random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = random.nextFloat() * 2 - 1;
        }
        return values;
    }
}
