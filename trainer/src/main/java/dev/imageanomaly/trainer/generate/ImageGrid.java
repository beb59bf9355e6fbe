package dev.imageanomaly.trainer.generate;

import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.scoring.image.DecodedImage;

/** Tiles model-space tensors {@code [N, C, H, W]} back into one picture, undoing the input normalization. */
public final class ImageGrid {

    private static final int GAP = 2;

    private ImageGrid() {}

    public static DecodedImage tile(float[] tensors, int count, InputSpec in, int columns) {
        if (count <= 0 || columns <= 0) {
            throw new IllegalArgumentException("need a positive image count and column count");
        }
        int c = in.channels();
        int h = in.height();
        int w = in.width();
        int rows = (count + columns - 1) / columns;
        int gridW = columns * w + (columns + 1) * GAP;
        int gridH = rows * h + (rows + 1) * GAP;
        byte[] pixels = new byte[gridW * gridH * c];
        double lo = in.valueRange().get(0);
        double hi = in.valueRange().get(1);
        for (int i = 0; i < count; i++) {
            int left = GAP + (i % columns) * (w + GAP);
            int top = GAP + (i / columns) * (h + GAP);
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        double v = tensors[((i * c + ch) * h + y) * w + x] * in.std().get(ch) + in.mean().get(ch);
                        long grey = Math.round(255 * (v - lo) / (hi - lo));
                        pixels[((top + y) * gridW + left + x) * c + ch] = (byte) Math.max(0, Math.min(255, grey));
                    }
                }
            }
        }
        return new DecodedImage(gridW, gridH, c, pixels);
    }
}
