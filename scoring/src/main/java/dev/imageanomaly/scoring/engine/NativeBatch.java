package dev.imageanomaly.scoring.engine;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * The native memory of one batch in flight: the input tensor's buffer and a buffer per pinned
 * output, reused from call to call. ONNX Runtime's Java binding copies a heap array into a freshly
 * allocated native buffer on every call; at large batches that allocation (fresh pages, faulted in
 * each time) cost more than the copy. A direct buffer is handed to the runtime as it is, so the
 * samples are written once, where the runtime reads them, and the outputs land where they are read.
 *
 * <p>Buffers grow to the largest batch seen and never shrink: a scorer's batch size is bounded.
 * One instance serves one thread at a time.
 */
final class NativeBatch {

    private final long[] sampleShape;
    private final int sampleSize;
    private final Map<String, long[]> outputSampleShapes;
    private int capacity;
    private FloatBuffer input;
    private final Map<String, FloatBuffer> outputs = new HashMap<>();

    /** @param outputSampleShapes the per-sample shape of each output that can be pinned */
    NativeBatch(long[] sampleShape, Map<String, long[]> outputSampleShapes) {
        this.sampleShape = sampleShape;
        this.sampleSize = size(sampleShape);
        this.outputSampleShapes = outputSampleShapes;
    }

    /** Makes room for {@code count} samples and returns the input buffer, for the caller to write them at its start. */
    FloatBuffer input(int count) {
        reserve(count);
        if (input == null) {
            input = allocate(capacity * sampleSize);
        }
        return input;
    }

    boolean canPin(String output) {
        return outputSampleShapes.containsKey(output);
    }

    /** A tensor over the first {@code count} samples of a direct buffer (this batch's input or the caller's): no copy. */
    OnnxTensor inputTensor(OrtEnvironment env, FloatBuffer data, int count) throws OrtException {
        return OnnxTensor.createTensor(env, data.slice(0, count * sampleSize), withBatch(sampleShape, count));
    }

    /** A tensor over this batch's buffer for {@code output}, for the runtime to write into. */
    OnnxTensor outputTensor(OrtEnvironment env, String output, int count) throws OrtException {
        long[] shape = outputSampleShapes.get(output);
        int size = size(shape);
        FloatBuffer buffer = outputs.computeIfAbsent(output, name -> allocate(capacity * size));
        return OnnxTensor.createTensor(env, buffer.slice(0, count * size), withBatch(shape, count));
    }

    /** The first {@code count} samples of a pinned output, copied out to the heap. */
    float[] read(String output, int count) {
        float[] values = new float[count * size(outputSampleShapes.get(output))];
        outputs.get(output).get(0, values);
        return values;
    }

    /** Outputs are sized with the input: a batch that only pins outputs sizes them for {@code count}. */
    void reserve(int count) {
        if (count > capacity) {
            capacity = count;
            input = null;
            outputs.clear();
        }
    }

    static int size(long[] shape) {
        int size = 1;
        for (long d : shape) {
            size = Math.multiplyExact(size, (int) d);
        }
        return size;
    }

    private static long[] withBatch(long[] sampleShape, int count) {
        long[] shape = new long[sampleShape.length + 1];
        shape[0] = count;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        return shape;
    }

    static FloatBuffer allocate(int floats) {
        return ByteBuffer.allocateDirect(Math.multiplyExact(floats, Float.BYTES)).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
    }
}
