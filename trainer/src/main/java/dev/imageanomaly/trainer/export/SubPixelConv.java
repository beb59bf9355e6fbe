package dev.imageanomaly.trainer.export;

import static dev.imageanomaly.trainer.export.OnnxGraph.integer;
import static dev.imageanomaly.trainer.export.OnnxGraph.ints;
import static dev.imageanomaly.trainer.export.OnnxGraph.string;

import dev.imageanomaly.trainer.model.Layer;
import java.util.ArrayList;
import java.util.List;

/**
 * Nearest-neighbour upsampling by {@code f} followed by a size-keeping convolution, exported as the same
 * function computed before the upsampling: one small convolution per output phase (the position of
 * an output pixel within its {@code f x f} block), interleaved by {@code DepthToSpace}. The pixels of
 * an upsampled image repeat, so several taps of the kernel read the same input pixel; their weights
 * are summed into one tap. A 3x3 kernel after a 2x upsampling becomes four 2x2 kernels: 16
 * multiply-adds per input pixel and channel pair instead of 36, and no upsampled copy of the input.
 */
final class SubPixelConv {

    private SubPixelConv() {}

    /**
     * Whether this form applies: a stride-1 convolution that keeps the size (an odd kernel padded by
     * half of it), so every phase has as many outputs as the input has pixels.
     */
    static boolean applies(Layer.Conv conv) {
        return conv.stride() == 1 && 2 * conv.padding() == conv.kernel() - 1;
    }

    /**
     * @param weight the convolution's weights, {@code [filters, inputChannels, kernel, kernel]}
     * @param bias its bias, {@code [filters]}
     */
    static String export(OnnxGraph g, int factor, Layer.Conv conv, float[] weight, float[] bias, String x) {
        if (!applies(conv)) {
            throw new IllegalArgumentException("no sub-pixel form for " + conv);
        }
        List<String> phases = new ArrayList<>();
        // DepthToSpace's DCR order: channel (row phase * factor + column phase) * filters + filter.
        for (int rowPhase = 0; rowPhase < factor; rowPhase++) {
            Taps rows = Taps.of(rowPhase, factor, conv);
            for (int colPhase = 0; colPhase < factor; colPhase++) {
                Taps cols = Taps.of(colPhase, factor, conv);
                String folded = g.floats("weight", fold(weight, conv, rows, cols),
                        conv.filters(), inputChannels(weight, conv), rows.size(), cols.size());
                // A bias of its own: INT8 quantization rescales each convolution's bias by its weight scales.
                String ownBias = g.floats("bias", bias, bias.length);
                phases.add(g.node("Conv", List.of(x, folded, ownBias), List.of(
                        ints("kernel_shape", rows.size(), cols.size()), ints("strides", 1, 1),
                        ints("pads", -rows.first(), -cols.first(), rows.last(), cols.last())), null));
            }
        }
        String stacked = g.node("Concat", phases, List.of(integer("axis", 1)), null);
        return g.node("DepthToSpace", List.of(stacked), List.of(integer("blocksize", factor), string("mode", "DCR")),
                null);
    }

    private static int inputChannels(float[] weight, Layer.Conv conv) {
        return weight.length / (conv.filters() * conv.kernel() * conv.kernel());
    }

    /** The kernel of one phase: each original tap's weight added to the input offset it reads. */
    private static float[] fold(float[] weight, Layer.Conv conv, Taps rows, Taps cols) {
        int k = conv.kernel();
        int pairs = conv.filters() * inputChannels(weight, conv);
        float[] folded = new float[pairs * rows.size() * cols.size()];
        for (int pair = 0; pair < pairs; pair++) {
            for (int dy = 0; dy < k; dy++) {
                for (int dx = 0; dx < k; dx++) {
                    int r = rows.offsets()[dy] - rows.first();
                    int c = cols.offsets()[dx] - cols.first();
                    folded[(pair * rows.size() + r) * cols.size() + c] += weight[(pair * k + dy) * k + dx];
                }
            }
        }
        return folded;
    }

    /**
     * Along one axis, for output phase {@code p}: tap {@code d} of the kernel reads upsampled pixel
     * {@code f*i + p + d - padding}, which is input pixel {@code i + offsets[d]}.
     */
    private record Taps(int[] offsets) {

        static Taps of(int phase, int factor, Layer.Conv conv) {
            int[] offsets = new int[conv.kernel()];
            for (int d = 0; d < offsets.length; d++) {
                offsets[d] = Math.floorDiv(phase + d - conv.padding(), factor);
            }
            return new Taps(offsets);
        }

        int first() {
            return offsets[0];
        }

        int last() {
            return offsets[offsets.length - 1];
        }

        int size() {
            return last() - first() + 1;
        }
    }
}
