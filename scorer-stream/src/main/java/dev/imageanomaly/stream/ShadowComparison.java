package dev.imageanomaly.stream;

import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;

/**
 * How a shadow model would have done in the live model's place, over the latest paired scores: the
 * share of events on which the two verdicts agree, and the rank correlation of their scores (1 when
 * they order the events alike, whatever their scales). A canary's two numbers before promotion.
 * Thread-safe.
 */
final class ShadowComparison {

    private final double[] live;
    private final double[] shadow;
    private final boolean[] agree;
    private int size;
    private int next;
    private ModelRollout.Serving following;

    ShadowComparison(int window) {
        live = new double[window];
        shadow = new double[window];
        agree = new boolean[window];
    }

    synchronized void add(double liveScore, boolean liveAnomalous, double shadowScore, boolean shadowAnomalous) {
        live[next] = liveScore;
        shadow[next] = shadowScore;
        agree[next] = liveAnomalous == shadowAnomalous;
        next = (next + 1) % live.length;
        size = Math.min(size + 1, live.length);
    }

    /** Share of paired events whose verdicts agree; NaN before the first pair. */
    synchronized double agreement() {
        if (size == 0) {
            return Double.NaN;
        }
        int same = 0;
        for (int i = 0; i < size; i++) {
            same += agree[i] ? 1 : 0;
        }
        return same / (double) size;
    }

    /** Spearman's rank correlation of the paired scores; NaN before there are a few pairs. */
    synchronized double rankCorrelation() {
        if (size < 3) {
            return Double.NaN;
        }
        double[] a = java.util.Arrays.copyOf(live, size);
        double[] b = java.util.Arrays.copyOf(shadow, size);
        return new SpearmansCorrelation().correlation(a, b);
    }

    /** Starts over when the live or the shadow model changed: the pairs of other models say nothing of these. */
    synchronized void follow(ModelRollout.Serving serving) {
        if (!serving.equals(following)) {
            following = serving;
            size = 0;
            next = 0;
        }
    }
}
