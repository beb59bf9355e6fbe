package dev.imageanomaly.trainer.kinds.transform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The geometric transformations on a 3x3 image whose pixels are numbered 1..9 row by row. */
class TransformationTest {

    static final float[] IMAGE = {
        1, 2, 3,
        4, 5, 6,
        7, 8, 9};

    @Test
    void aQuarterTurnRotatesCounterClockwise() {
        assertThat(new Transformation(false, 0, 0, 1).apply(IMAGE, 1, 1, 3)).containsExactly(
                3, 6, 9,
                2, 5, 8,
                1, 4, 7);
    }

    @Test
    void aFlipMirrorsLeftToRight() {
        assertThat(new Transformation(true, 0, 0, 0).apply(IMAGE, 1, 1, 3)).containsExactly(
                3, 2, 1,
                6, 5, 4,
                9, 8, 7);
    }

    @Test
    void aShiftMovesThePixelsAndBringsInZeros() {
        assertThat(new Transformation(false, 1, 0, 0).apply(IMAGE, 1, 1, 3)).containsExactly(
                0, 1, 2,
                0, 4, 5,
                0, 7, 8);
        assertThat(new Transformation(false, 0, -1, 0).apply(IMAGE, 1, 1, 3)).containsExactly(
                4, 5, 6,
                7, 8, 9,
                0, 0, 0);
    }

    @Test
    void theFlipComesFirstThenTheShiftThenTheTurns() {
        assertThat(new Transformation(true, 1, 0, 2).apply(IMAGE, 1, 1, 3)).containsExactly(
                8, 9, 0,
                5, 6, 0,
                2, 3, 0);
    }

    @Test
    void eachImageOfABatchIsTransformedOnItsOwn() {
        float[] two = new float[18];
        System.arraycopy(IMAGE, 0, two, 0, 9);
        System.arraycopy(IMAGE, 0, two, 9, 9);

        float[] turned = new Transformation(false, 0, 0, 2).apply(two, 2, 1, 3);

        assertThat(turned).containsExactly(9, 8, 7, 6, 5, 4, 3, 2, 1, 9, 8, 7, 6, 5, 4, 3, 2, 1);
    }

    @Test
    void theGeometricSetHoldsTwentyFourDistinctTransformationsStartingWithTheIdentity() {
        List<Transformation> set = Transformation.geometric(7);

        assertThat(set).hasSize(24).startsWith(new Transformation(false, 0, 0, 0));
        assertThat(new HashSet<>(set)).hasSize(24);
    }
}
