package dev.imageanomaly.scoring.engine;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.imageanomaly.scoring.bundle.InputSpec;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ONNX Runtime session over a model graph. {@link OrtSession#run} is thread-safe, so one engine
 * serves every scoring thread and the model's weights live once in (GPU) memory.
 */
public final class OnnxScoringEngine implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OnnxScoringEngine.class);

    private final OrtEnvironment env;
    private final OrtSession session;
    private final String inputName;
    private final long[] sampleShape;
    private final int sampleSize;
    private final int maxBatch;
    private final ExecutionProvider activeProvider;
    /** Per-sample shape of each output that has a fixed one: those are written into reused buffers. */
    private final Map<String, long[]> outputSampleShapes = new HashMap<>();
    /**
     * Native batches not in use. A call takes one (the most recently used, its pages still warm)
     * and gives it back, so concurrent calls never share one.
     */
    private final Deque<NativeBatch> idle = new ConcurrentLinkedDeque<>();

    private OnnxScoringEngine(OrtSession session, long[] sampleShape, int maxBatch, ExecutionProvider active)
            throws OrtException {
        this.env = OrtEnvironment.getEnvironment();
        this.session = session;
        this.inputName = session.getInputNames().iterator().next();
        this.sampleShape = sampleShape;
        this.sampleSize = NativeBatch.size(sampleShape);
        this.maxBatch = maxBatch;
        this.activeProvider = active;
        for (Map.Entry<String, NodeInfo> output : session.getOutputInfo().entrySet()) {
            if (output.getValue().getInfo() instanceof TensorInfo info && info.type == OnnxJavaType.FLOAT) {
                long[] shape = info.getShape();
                long[] perSample = Arrays.copyOfRange(shape, 1, shape.length);
                if (Arrays.stream(perSample).allMatch(d -> d > 0)) {
                    outputSampleShapes.put(output.getKey(), perSample);
                }
            }
        }
    }

    /**
     * Opens a session on the model.
     *
     * @param sampleShape the shape of one sample, without the batch dimension (e.g. {@code [1, 28, 28]})
     */
    public static OnnxScoringEngine open(byte[] model, long[] sampleShape, EngineOptions options) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (options.intraOpThreads() > 0) {
                so.setIntraOpNumThreads(options.intraOpThreads());
            }
            ExecutionProvider active = selectProvider(so, options);
            OrtSession session = env.createSession(model, so);
            return new OnnxScoringEngine(session, sampleShape, options.maxBatch(), active);
        } catch (OrtException e) {
            throw new IllegalArgumentException("ONNX Runtime cannot load the model: " + e.getMessage(), e);
        }
    }

    /**
     * Opens a session on a scoring graph, fed as the input spec says: the one way a bundle's graph
     * (or an exported graph not yet in a bundle) is opened, by the detector and by training alike.
     */
    public static OnnxScoringEngine open(byte[] model, InputSpec input, EngineOptions options) {
        return open(model, input.sampleShape(), options);
    }

    private static ExecutionProvider selectProvider(OrtSession.SessionOptions so, EngineOptions options)
            throws OrtException {
        switch (options.provider()) {
            case CPU:
                log.info("ONNX Runtime execution provider: CPU");
                return ExecutionProvider.CPU;
            case CUDA:
                try {
                    so.addCUDA(options.cudaDevice());
                } catch (OrtException | UnsatisfiedLinkError e) {
                    throw new IllegalStateException("execution provider 'cuda' was requested but is unavailable ("
                            + e.getMessage() + "); build with -Pcuda on a machine with an NVIDIA GPU, or use "
                            + "'auto' to fall back to the CPU", e);
                }
                log.info("ONNX Runtime execution provider: CUDA device {}", options.cudaDevice());
                return ExecutionProvider.CUDA;
            case AUTO:
            default:
                try {
                    so.addCUDA(options.cudaDevice());
                    log.info("ONNX Runtime execution provider: CUDA device {} (auto)", options.cudaDevice());
                    return ExecutionProvider.CUDA;
                } catch (OrtException | UnsatisfiedLinkError e) {
                    log.info("ONNX Runtime execution provider: CPU (auto: CUDA unavailable: {})", e.getMessage());
                    return ExecutionProvider.CPU;
                }
        }
    }

    public ExecutionProvider activeProvider() {
        return activeProvider;
    }

    public int sampleSize() {
        return sampleSize;
    }

    public Set<String> outputNames() throws OrtException {
        return session.getOutputNames();
    }

    /**
     * Runs the graph on {@code count} samples laid out back to back in {@code batch} and returns the
     * requested outputs, each flattened, in sample order. Batches larger than {@code maxBatch} are
     * split.
     */
    public Map<String, float[]> run(float[] batch, int count, List<String> outputs) {
        return run(FloatBuffer.wrap(batch), count, outputs);
    }

    /**
     * Runs the graph on {@code count} samples that {@code samples} writes straight into the input
     * tensor's native memory, and returns the requested outputs, each flattened, in sample order.
     * Batches larger than {@code maxBatch} are split.
     */
    public Map<String, float[]> run(int count, SampleWriter samples, List<String> outputs) {
        Map<String, float[]> result = new HashMap<>();
        if (count == 0) {
            outputs.forEach(name -> result.put(name, new float[0]));
        }
        for (int start = 0; start < count; start += maxBatch) {
            int n = Math.min(maxBatch, count - start);
            Map<String, float[]> part = runOnce(samples, start, n, outputs);
            for (String name : outputs) {
                float[] chunk = part.get(name);
                if (n == count) {
                    result.put(name, chunk);
                    continue;
                }
                float[] all = result.computeIfAbsent(name, k -> new float[chunk.length / n * count]);
                System.arraycopy(chunk, 0, all, chunk.length / n * start, chunk.length);
            }
        }
        return result;
    }

    /**
     * Runs the graph on {@code count} samples laid out back to back from the start of a direct
     * buffer (see {@link #directBuffer(int)}) that the caller filled and keeps: the runtime reads it
     * where it is, with no copy. A caller that builds its batches over time (the streaming scorer)
     * writes each sample there as it arrives. A heap buffer, or a batch larger than
     * {@code maxBatch}, is copied into the engine's own buffers instead.
     */
    public Map<String, float[]> run(FloatBuffer batch, int count, List<String> outputs) {
        if (batch.limit() < (long) count * sampleSize) {
            throw new IllegalArgumentException("batch holds " + batch.limit() + " floats, " + count
                    + " samples need " + (long) count * sampleSize);
        }
        if (!batch.isDirect() || batch.order() != ByteOrder.nativeOrder() || count > maxBatch || count == 0) {
            return run(count, (sample, input, offset) -> input.put(offset, batch, sample * sampleSize, sampleSize),
                    outputs);
        }
        NativeBatch outputsOnly = takeBatch();
        try {
            outputsOnly.reserve(count);
            return runOnce(outputsOnly, batch, count, outputs);
        } finally {
            idle.offerFirst(outputsOnly);
        }
    }

    /** A direct buffer of {@code floats} floats in native order, which {@link #run(FloatBuffer, int, List)} reads as it is. */
    public static FloatBuffer directBuffer(int floats) {
        return NativeBatch.allocate(floats);
    }

    /** Writes sample number {@code sample} of a batch into {@code input}, starting at float {@code offset}. */
    @FunctionalInterface
    public interface SampleWriter {
        void write(int sample, FloatBuffer input, int offset);
    }

    private Map<String, float[]> runOnce(SampleWriter samples, int start, int n, List<String> outputs) {
        NativeBatch batch = takeBatch();
        try {
            FloatBuffer input = batch.input(n);
            for (int i = 0; i < n; i++) {
                samples.write(start + i, input, i * sampleSize);
            }
            return runOnce(batch, input, n, outputs);
        } finally {
            idle.offerFirst(batch);
        }
    }

    private NativeBatch takeBatch() {
        NativeBatch batch = idle.pollFirst();
        return batch != null ? batch : new NativeBatch(sampleShape, outputSampleShapes);
    }

    /** Runs {@code n} samples from the start of the direct buffer {@code data}; pinned outputs land in {@code batch}. */
    private Map<String, float[]> runOnce(NativeBatch batch, FloatBuffer data, int n, List<String> outputs) {
        Map<String, OnnxTensor> pinned = new HashMap<>();
        Set<String> returned = new LinkedHashSet<>();
        try (OnnxTensor input = batch.inputTensor(env, data, n)) {
            for (String name : outputs) {
                if (batch.canPin(name)) {
                    pinned.put(name, batch.outputTensor(env, name, n));
                } else {
                    returned.add(name);
                }
            }
            try (OrtSession.Result res = session.run(Map.of(inputName, input), returned, pinned)) {
                Map<String, float[]> out = new HashMap<>();
                for (String name : pinned.keySet()) {
                    out.put(name, batch.read(name, n));
                }
                for (String name : returned) {
                    OnnxTensor t = (OnnxTensor) res.get(name).orElseThrow(
                            () -> new IllegalStateException("model has no output '" + name + "'"));
                    FloatBuffer fb = t.getFloatBuffer();
                    float[] values = new float[fb.remaining()];
                    fb.get(values);
                    out.put(name, values);
                }
                return out;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on a batch of " + n + ": " + e.getMessage(), e);
        } finally {
            pinned.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            log.warn("closing the ONNX Runtime session failed: {}", e.getMessage());
        }
    }
}
