package dev.imageanomaly.trainer.export;

import ai.onnx.proto.OnnxMl.TensorProto;

/**
 * A layer's weights as int8, symmetric, with one scale per output channel (the largest magnitude
 * of the channel maps to 127), and its bias as int32 in the scale of input times weight, as the
 * integer kernels accumulate.
 */
record QuantizedWeights(byte[] quantized, long[] dims, float[] scales, int axis) {

    private static final int LEVELS = 127;

    static QuantizedWeights of(TensorProto weights, int axis) {
        float[] w = Tensors.readFloats(weights);
        long[] dims = Tensors.dims(weights);
        int channels = (int) dims[axis];
        int inner = 1;
        for (int d = axis + 1; d < dims.length; d++) {
            inner *= (int) dims[d];
        }
        float[] maxAbs = new float[channels];
        for (int i = 0; i < w.length; i++) {
            int c = i / inner % channels;
            maxAbs[c] = Math.max(maxAbs[c], Math.abs(w[i]));
        }
        float[] scales = new float[channels];
        for (int c = 0; c < channels; c++) {
            scales[c] = maxAbs[c] > 0 ? maxAbs[c] / LEVELS : 1f;
        }
        byte[] q = new byte[w.length];
        for (int i = 0; i < w.length; i++) {
            int c = i / inner % channels;
            q[i] = (byte) Math.max(-LEVELS, Math.min(LEVELS, Math.round(w[i] / scales[c])));
        }
        return new QuantizedWeights(q, dims, scales, axis);
    }

    TensorProto values(String name) {
        return Tensors.int8s(name, quantized, dims);
    }

    TensorProto scaleTensor(String name) {
        return Tensors.floats(name, scales, scales.length);
    }

    TensorProto zeroPoints(String name) {
        return Tensors.int8s(name, new byte[scales.length], scales.length);
    }

    /** The bias in units of {@code inputScale * scales[c]}: what the int32 accumulator of channel c counts. */
    static int[] bias(TensorProto bias, float[] biasScales) {
        float[] b = Tensors.readFloats(bias);
        int[] q = new int[b.length];
        for (int c = 0; c < b.length; c++) {
            q[c] = Math.round(b[c] / biasScales[c]);
        }
        return q;
    }
}
