package dev.imageanomaly.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A seeded split is reproducible, changes with the seed, and puts every sample in exactly one part. */
class SplitsTest {

    @Test
    void theSameSeedGivesTheSameSplit() {
        Splits a = Splits.of(1000, 0.1, 42);
        Splits b = Splits.of(1000, 0.1, 42);

        assertThat(a.train()).isEqualTo(b.train());
        assertThat(a.validation()).isEqualTo(b.validation());
    }

    @Test
    void aDifferentSeedGivesADifferentSplit() {
        Splits a = Splits.of(1000, 0.1, 42);
        Splits b = Splits.of(1000, 0.1, 43);

        assertThat(sorted(a.validation())).isNotEqualTo(sorted(b.validation()));
    }

    @Test
    void thePartsAreDisjointCompleteAndSizedByTheFraction() {
        Splits s = Splits.of(1000, 0.1, 7);

        assertThat(s.validation()).hasSize(100);
        assertThat(s.train()).hasSize(900);
        int[] all = IntStream.concat(Arrays.stream(s.train()), Arrays.stream(s.validation())).sorted().toArray();
        assertThat(all).isEqualTo(IntStream.range(0, 1000).toArray());
        assertThat(s.train()).doesNotContain(s.validation());
    }

    @Test
    void theSplitIsShuffledNotAPrefix() {
        Splits s = Splits.of(1000, 0.1, 7);
        assertThat(sorted(s.validation())).isNotEqualTo(IntStream.range(0, 100).toArray());
        assertThat(sorted(s.validation())).isNotEqualTo(IntStream.range(900, 1000).toArray());
    }

    @Test
    void tinySetsStillHoldOutOneSample() {
        Splits s = Splits.of(3, 0.01, 1);
        assertThat(s.validation()).hasSize(1);
        assertThat(s.train()).hasSize(2);
    }

    @Test
    void impossibleSplitsAreRefused() {
        assertThatThrownBy(() -> Splits.of(100, 0, 1)).hasMessageContaining("(0, 1)");
        assertThatThrownBy(() -> Splits.of(100, 1, 1)).hasMessageContaining("(0, 1)");
        assertThatThrownBy(() -> Splits.of(1, 0.5, 1)).hasMessageContaining("too few samples");
    }

    private static int[] sorted(int[] values) {
        int[] copy = values.clone();
        Arrays.sort(copy);
        return copy;
    }
}
