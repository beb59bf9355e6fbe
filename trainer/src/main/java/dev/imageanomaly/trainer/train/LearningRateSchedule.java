package dev.imageanomaly.trainer.train;

import ai.djl.training.tracker.Tracker;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How the learning rate moves over training. */
public enum LearningRateSchedule {
    /** The base rate throughout. */
    CONSTANT,
    /** Cosine decay from the base rate to 1 % of it over all planned updates. */
    COSINE,
    /** Halved every quarter of the planned epochs. */
    STEP;

    public Tracker tracker(float baseRate, int stepsPerEpoch, int epochs) {
        int totalSteps = Math.max(1, stepsPerEpoch * epochs);
        return switch (this) {
            case CONSTANT -> Tracker.fixed(baseRate);
            case COSINE -> update -> {
                double progress = Math.min(1.0, (double) update / totalSteps);
                double min = baseRate * 0.01;
                return (float) (min + (baseRate - min) * 0.5 * (1 + Math.cos(Math.PI * progress)));
            };
            case STEP -> update -> {
                int epoch = update / Math.max(1, stepsPerEpoch);
                int every = Math.max(1, epochs / 4);
                return (float) (baseRate * Math.pow(0.5, epoch / every));
            };
        };
    }

    public static LearningRateSchedule parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown learning-rate schedule '" + value + "'; expected one of "
                    + Arrays.stream(values()).map(v -> v.name().toLowerCase(Locale.ROOT))
                            .collect(Collectors.joining(", ")));
        }
    }
}
