package dev.imageanomaly.trainer.kinds.wgan;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Watches a generator for mode collapse: after each epoch, the spread of a fixed-noise batch of
 * generated images relative to the spread of as many real training images. A generator that has
 * collapsed onto one or a few outputs draws nearly the same image from every code, so the ratio
 * falls toward zero; below {@code threshold} the generator counts as collapsed.
 */
final class ModeCollapseMonitor {

    /** Generated samples with less than a tenth of the real images' spread are collapsed. */
    static final double DEFAULT_THRESHOLD = 0.1;

    private final double realSpread;
    private final double threshold;
    private int lowestEpoch;
    private double lowestRatio = Double.POSITIVE_INFINITY;
    private boolean detected;

    ModeCollapseMonitor(double realSpread, double threshold) {
        if (!(realSpread > 0)) {
            throw new IllegalArgumentException("the real images have no spread (" + realSpread
                    + "): they are all the same image, so a generator's diversity cannot be judged against them");
        }
        this.realSpread = realSpread;
        this.threshold = threshold;
    }

    /** Records an epoch's generated spread and returns its ratio to the real spread. */
    double observe(int epoch, double generatedSpread) {
        if (detected) {
            throw new IllegalStateException("mode collapse was already detected at epoch " + lowestEpoch);
        }
        double ratio = generatedSpread / realSpread;
        if (ratio < lowestRatio) {
            lowestRatio = ratio;
            lowestEpoch = epoch;
        }
        detected = ratio < threshold;
        return ratio;
    }

    boolean detected() {
        return detected;
    }

    double realSpread() {
        return realSpread;
    }

    double threshold() {
        return threshold;
    }

    /**
     * For the manifest: whether collapse was detected, and the epoch and ratio where the generated
     * spread was lowest (the collapsed epoch when detected, the closest call otherwise).
     */
    Map<String, Object> facts() {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("detected", detected);
        facts.put("epoch", lowestEpoch);
        facts.put("ratio", lowestRatio);
        facts.put("threshold", threshold);
        facts.put("realSpread", realSpread);
        return facts;
    }
}
