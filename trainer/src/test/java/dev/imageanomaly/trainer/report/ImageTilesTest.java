package dev.imageanomaly.trainer.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageanomaly.scoring.bundle.InputSpec;
import java.awt.image.BufferedImage;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Model tensors back to pixels, and the layout of captioned grids. */
class ImageTilesTest {

    @Test
    void aSampleInTheValueRangeBecomesTheGreyLevelsItCameFrom() {
        InputSpec spec = InputSpec.image(1, 1, 3);

        BufferedImage p = ImageTiles.picture(new float[] {0f, 0.5f, 1f}, 0, spec);

        assertThat(p.getRaster().getSample(0, 0, 0)).isZero();
        assertThat(p.getRaster().getSample(1, 0, 0)).isEqualTo(128);
        assertThat(p.getRaster().getSample(2, 0, 0)).isEqualTo(255);
    }

    @Test
    void normalizationIsUndoneAndOvershootIsClipped() {
        // values in [-1, 1], then (x - 0.5) / 0.25 per channel
        InputSpec spec = new InputSpec(InputSpec.NCHW, 1, 1, 3, List.of(-1.0, 1.0), List.of(0.5), List.of(0.25));
        float[] normalized = {(-1 - 0.5f) / 0.25f, (1 - 0.5f) / 0.25f, 100};

        BufferedImage p = ImageTiles.picture(normalized, 0, spec);

        assertThat(p.getRaster().getSample(0, 0, 0)).isZero();
        assertThat(p.getRaster().getSample(1, 0, 0)).isEqualTo(255);
        assertThat(p.getRaster().getSample(2, 0, 0)).as("clipped").isEqualTo(255);
    }

    @Test
    void colourSamplesArePlanarInAndRgbOut() {
        InputSpec spec = InputSpec.image(3, 1, 2);
        float[] chw = {1, 0, /* green */ 0, 1, /* blue */ 0, 0};

        BufferedImage p = ImageTiles.picture(chw, 0, spec);

        assertThat(p.getRGB(0, 0) & 0xFFFFFF).isEqualTo(0xFF0000);
        assertThat(p.getRGB(1, 0) & 0xFFFFFF).isEqualTo(0x00FF00);
    }

    @Test
    void theDifferenceIsWhiteWhereTheReconstructionIsOffByTheWholeRange() {
        InputSpec spec = InputSpec.image(1, 1, 2);

        BufferedImage d = ImageTiles.difference(new float[] {1, 0.5f}, new float[] {0, 0.5f}, 0, spec);

        assertThat(d.getRaster().getSample(0, 0, 0)).isEqualTo(255);
        assertThat(d.getRaster().getSample(1, 0, 0)).isZero();
    }

    @Test
    void aGridHasRowsOfColumnsOfScaledTilesWithRoomForCaptions() {
        BufferedImage picture = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        List<ImageTiles.Tile> tiles = Collections.nCopies(10, new ImageTiles.Tile(List.of(picture, picture), "#1 0.5"));

        BufferedImage grid = ImageTiles.grid(tiles, 4, 3);

        int tileWidth = 2 * 84 + 1;
        assertThat(grid.getWidth()).isEqualTo(ImageTiles.GAP + 4 * (tileWidth + ImageTiles.GAP));
        assertThat(grid.getHeight()).isEqualTo(ImageTiles.GAP + 3 * (84 + ImageTiles.CAPTION_HEIGHT + ImageTiles.GAP));
    }

    @Test
    void fewerTilesThanColumnsMakeANarrowerGrid() {
        BufferedImage picture = new BufferedImage(10, 10, BufferedImage.TYPE_BYTE_GRAY);

        BufferedImage grid = ImageTiles.grid(List.of(new ImageTiles.Tile(List.of(picture), null)), 8, 2);

        assertThat(grid.getWidth()).isEqualTo(ImageTiles.GAP + 20 + ImageTiles.GAP);
        assertThat(grid.getHeight()).as("no caption line").isEqualTo(ImageTiles.GAP + 20 + ImageTiles.GAP);
    }
}
