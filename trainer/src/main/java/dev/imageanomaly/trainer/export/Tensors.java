package dev.imageanomaly.trainer.export;

import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/** Constant tensors of an ONNX graph: built from Java arrays, read back into them (little-endian raw data). */
final class Tensors {

    private Tensors() {}

    static TensorProto floats(String name, float[] values, long... dims) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        return raw(name, TensorProto.DataType.FLOAT, buf.array(), dims);
    }

    static TensorProto halves(String name, short[] values, long... dims) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * Short.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buf.asShortBuffer().put(values);
        return raw(name, TensorProto.DataType.FLOAT16, buf.array(), dims);
    }

    static TensorProto int8s(String name, byte[] values, long... dims) {
        return raw(name, TensorProto.DataType.INT8, values, dims);
    }

    static TensorProto int32s(String name, int[] values, long... dims) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buf.asIntBuffer().put(values);
        return raw(name, TensorProto.DataType.INT32, buf.array(), dims);
    }

    static TensorProto uint8Scalar(String name, int value) {
        return raw(name, TensorProto.DataType.UINT8, new byte[] {(byte) value});
    }

    /** The values of a float tensor, whether stored as raw data or as a list. */
    static float[] readFloats(TensorProto t) {
        if (t.getDataType() != TensorProto.DataType.FLOAT.getNumber()) {
            throw new IllegalArgumentException("tensor " + t.getName() + " is not float32");
        }
        if (!t.getRawData().isEmpty()) {
            float[] values = new float[t.getRawData().size() / Float.BYTES];
            t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            return values;
        }
        float[] values = new float[t.getFloatDataCount()];
        for (int i = 0; i < values.length; i++) {
            values[i] = t.getFloatData(i);
        }
        return values;
    }

    static long[] dims(TensorProto t) {
        return t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    }

    private static TensorProto raw(String name, TensorProto.DataType type, byte[] data, long... dims) {
        return TensorProto.newBuilder().setName(name).setDataType(type.getNumber())
                .addAllDims(Arrays.stream(dims).boxed().toList()).setRawData(ByteString.copyFrom(data)).build();
    }
}
