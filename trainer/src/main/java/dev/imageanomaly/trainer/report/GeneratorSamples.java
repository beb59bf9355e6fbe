package dev.imageanomaly.trainer.report;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.imageanomaly.scoring.bundle.GraphNames;
import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.trainer.report.ReportData.Generated;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

/**
 * Samples from a bundle's optional generator: {@code generator.onnx} beside {@code model.onnx}, with
 * input {@code latent} float {@code [N, L]} (prior N(0, I)) and output {@code image} float
 * {@code [N, C, H, W]} in the same space as the model's input tensor. L is read from the graph.
 */
final class GeneratorSamples {

    private static final String FILE = GraphNames.GENERATOR_FILE;
    private static final String INPUT = GraphNames.GENERATOR_INPUT;
    private static final String OUTPUT = GraphNames.GENERATOR_OUTPUT;

    private GeneratorSamples() {}

    /** {@code count} images from seeded N(0, I) latents, or why there are none. */
    static Section<Generated> draw(Path bundleDirectory, InputSpec spec, int count, long seed) {
        Path file = bundleDirectory.resolve(FILE);
        if (!Files.exists(file)) {
            return Section.omitted("this model kind has no generator (no " + FILE + " in the bundle)");
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = env.createSession(Files.readAllBytes(file), options)) {
            NodeInfo input = session.getInputInfo().get(INPUT);
            if (input == null || !(input.getInfo() instanceof TensorInfo info) || info.getShape().length != 2
                    || info.getShape()[1] <= 0) {
                return Section.omitted(FILE + " has no input '" + INPUT + "' of shape [N, L] with a fixed L");
            }
            int latentSize = (int) info.getShape()[1];
            float[] latents = new float[count * latentSize];
            Random random = new Random(seed);
            for (int i = 0; i < latents.length; i++) {
                latents[i] = (float) random.nextGaussian();
            }
            try (OnnxTensor z = OnnxTensor.createTensor(env, FloatBuffer.wrap(latents), new long[] {count, latentSize});
                    OrtSession.Result result = session.run(Map.of(INPUT, z))) {
                var output = result.get(OUTPUT);
                if (output.isEmpty() || !(output.get() instanceof OnnxTensor images)) {
                    return Section.omitted(FILE + " has no output '" + OUTPUT + "'");
                }
                long[] shape = images.getInfo().getShape();
                long[] expected = spec.batchShape(count);
                if (!Arrays.equals(shape, expected)) {
                    return Section.omitted(FILE + " draws images of shape " + Arrays.toString(shape) + ", but the model's"
                            + " input is " + Arrays.toString(expected));
                }
                FloatBuffer values = images.getFloatBuffer();
                float[] pixels = new float[values.remaining()];
                values.get(pixels);
                return Section.of(new Generated(pixels, count, latentSize));
            }
        } catch (OrtException | IOException e) {
            return Section.omitted(FILE + " could not be run: " + e.getMessage());
        }
    }
}
