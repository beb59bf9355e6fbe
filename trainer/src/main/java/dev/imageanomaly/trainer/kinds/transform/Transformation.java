package dev.imageanomaly.trainer.kinds.transform;

import java.util.ArrayList;
import java.util.List;

/**
 * One geometric transformation of an image: an optional horizontal flip, then a translation by
 * {@code (dx, dy)} pixels with zeros shifted in, then {@code quarterTurns} rotations by 90 degrees
 * counter-clockwise (square images only). The same definition runs here on float arrays (training
 * data and the reference scores) and as ONNX nodes in {@link TransformExporter}; the parity test
 * holds the two together.
 */
public record Transformation(boolean flip, int dx, int dy, int quarterTurns) {

    /**
     * Rotations by 0, 90, 180 and 270 degrees, each with and without a horizontal flip, and each of
     * those unshifted and shifted by {@code shift} pixels left or right: 24 transformations whose
     * index the classifier learns to tell (GEOM's set without its vertical shifts, so that scoring
     * an image costs 24 passes of the classifier rather than 72).
     */
    public static List<Transformation> geometric(int shift) {
        List<Transformation> all = new ArrayList<>();
        for (int dx : new int[] {0, -shift, shift}) {
            for (boolean flip : new boolean[] {false, true}) {
                for (int turns = 0; turns < 4; turns++) {
                    all.add(new Transformation(flip, dx, 0, turns));
                }
            }
        }
        return all;
    }

    /** Applies the transformation to {@code count} images of {@code channels x side x side}, back to back. */
    public float[] apply(float[] images, int count, int channels, int side) {
        float[] out = new float[images.length];
        int plane = side * side;
        for (int p = 0; p < count * channels; p++) {
            int base = p * plane;
            for (int y = 0; y < side; y++) {
                for (int x = 0; x < side; x++) {
                    // (x, y) in the output comes from (sx, sy) of the flipped and shifted image, which
                    // the rotation maps: a counter-clockwise quarter turn sends (x, y) to (y, side-1-x).
                    int sx = x;
                    int sy = y;
                    for (int t = 0; t < quarterTurns; t++) {
                        int nx = side - 1 - sy;
                        sy = sx;
                        sx = nx;
                    }
                    sx -= dx;
                    sy -= dy;
                    if (sx < 0 || sx >= side || sy < 0 || sy >= side) {
                        continue;
                    }
                    if (flip) {
                        sx = side - 1 - sx;
                    }
                    out[base + y * side + x] = images[base + sy * side + sx];
                }
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return (flip ? "flip+" : "") + "shift(" + dx + "," + dy + ")+rot" + 90 * quarterTurns;
    }
}
