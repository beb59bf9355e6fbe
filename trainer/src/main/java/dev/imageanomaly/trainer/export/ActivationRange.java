package dev.imageanomaly.trainer.export;

/**
 * The range one activation tensor took on the calibration images, widened to hold zero (so zero
 * padding and ReLU's floor are exact), and the uint8 quantization that covers it.
 */
final class ActivationRange {

    private static final int LEVELS = 255;

    private float min;
    private float max;

    void include(float[] values) {
        for (float v : values) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
    }

    float scale() {
        return max > min ? (max - min) / LEVELS : 1f;
    }

    int zeroPoint() {
        return Math.max(0, Math.min(LEVELS, Math.round(-min / scale())));
    }
}
