package dev.imageanomaly.trainer.data;

import java.util.Arrays;
import java.util.Random;

/** A seeded, reproducible split of sample indices into train and validation parts. */
public record Splits(int[] train, int[] validation) {

    public static Splits of(int count, double validationFraction, long seed) {
        if (validationFraction <= 0 || validationFraction >= 1) {
            throw new IllegalArgumentException("validation fraction must be in (0, 1), was " + validationFraction);
        }
        int[] order = permutation(count, new Random(seed));
        int nVal = Math.max(1, (int) Math.round(count * validationFraction));
        if (nVal >= count) {
            throw new IllegalArgumentException("too few samples (" + count + ") to hold out a validation set");
        }
        return new Splits(Arrays.copyOfRange(order, nVal, count), Arrays.copyOfRange(order, 0, nVal));
    }

    public static int[] permutation(int count, Random random) {
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        for (int i = count - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
