package dev.imageanomaly.trainer.report;

import dev.imageanomaly.scoring.bundle.InputSpec;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Model inputs back into pictures, and pictures laid out in a captioned grid: galleries,
 * input-beside-reconstruction pairs, generated samples. Tiles are scaled up by pixel repetition, so a
 * 28x28 digit stays sharp and each model pixel stays visible.
 */
final class ImageTiles {

    /** One grid cell: pictures side by side (e.g. input, reconstruction, difference) and a caption under them. */
    record Tile(List<BufferedImage> pictures, String caption) {}

    static final int GAP = 8;
    static final int CAPTION_HEIGHT = 18;
    private static final Font CAPTION_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);

    private ImageTiles() {}

    /**
     * One sample of the model's input tensor (CHW floats at {@code offset}) as a picture: normalization
     * undone, the value range mapped to 0..255, values outside it clipped (a reconstruction may overshoot).
     */
    static BufferedImage picture(float[] samples, int offset, InputSpec spec) {
        int plane = spec.height() * spec.width();
        BufferedImage image = new BufferedImage(spec.width(), spec.height(),
                spec.channels() == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < spec.height(); y++) {
            for (int x = 0; x < spec.width(); x++) {
                int[] rgb = new int[3];
                for (int c = 0; c < spec.channels(); c++) {
                    rgb[c] = toByte(samples[offset + c * plane + y * spec.width() + x], spec, c);
                }
                image.getRaster().setPixel(x, y, spec.channels() == 1 ? new int[] {rgb[0]} : rgb);
            }
        }
        return image;
    }

    /**
     * Where a reconstruction misses: the absolute difference per pixel, averaged over channels, as grey
     * (white = off by the whole value range), so errors compare across images.
     */
    static BufferedImage difference(float[] input, float[] reconstruction, int offset, InputSpec spec) {
        int plane = spec.height() * spec.width();
        BufferedImage image = new BufferedImage(spec.width(), spec.height(), BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < spec.height(); y++) {
            for (int x = 0; x < spec.width(); x++) {
                double sum = 0;
                for (int c = 0; c < spec.channels(); c++) {
                    int i = offset + c * plane + y * spec.width() + x;
                    sum += Math.abs(toByte(input[i], spec, c) - toByte(reconstruction[i], spec, c));
                }
                image.getRaster().setSample(x, y, 0, (int) Math.round(sum / spec.channels()));
            }
        }
        return image;
    }

    /** The tiles in rows of {@code columns}, each picture scaled by {@code scale}, on white. */
    static BufferedImage grid(List<Tile> tiles, int columns, int scale) {
        if (tiles.isEmpty()) {
            throw new IllegalArgumentException("a grid needs at least one tile");
        }
        int tileWidth = tiles.stream().mapToInt(t -> width(t, scale)).max().orElseThrow();
        int pictureHeight = tiles.stream().flatMap(t -> t.pictures().stream()).mapToInt(p -> p.getHeight() * scale)
                .max().orElseThrow();
        boolean captions = tiles.stream().anyMatch(t -> t.caption() != null);
        int tileHeight = pictureHeight + (captions ? CAPTION_HEIGHT : 0);
        int cols = Math.min(columns, tiles.size());
        int rows = (tiles.size() + cols - 1) / cols;
        BufferedImage grid = new BufferedImage(GAP + cols * (tileWidth + GAP), GAP + rows * (tileHeight + GAP),
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = grid.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, grid.getWidth(), grid.getHeight());
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(CAPTION_FONT);
            g.setColor(Color.DARK_GRAY);
            FontMetrics metrics = g.getFontMetrics();
            for (int t = 0; t < tiles.size(); t++) {
                Tile tile = tiles.get(t);
                int left = GAP + (t % cols) * (tileWidth + GAP);
                int top = GAP + (t / cols) * (tileHeight + GAP);
                int x = left;
                for (BufferedImage picture : tile.pictures()) {
                    g.drawImage(picture, x, top, picture.getWidth() * scale, picture.getHeight() * scale, null);
                    x += picture.getWidth() * scale + 1;
                }
                if (tile.caption() != null) {
                    String caption = fit(tile.caption(), metrics, tileWidth);
                    g.drawString(caption, left, top + pictureHeight + metrics.getAscent() + 2);
                }
            }
        } finally {
            g.dispose();
        }
        return grid;
    }

    private static int width(Tile tile, int scale) {
        return tile.pictures().stream().mapToInt(p -> p.getWidth() * scale + 1).sum() - 1;
    }

    /**
     * Shortens a caption in the middle so it never runs into the next tile: the start (the score) and
     * the end (the file name, or the index in an IDX file) are what tell images apart.
     */
    static String fit(String caption, FontMetrics metrics, int width) {
        if (metrics.stringWidth(caption) <= width) {
            return caption;
        }
        int keep = caption.length() - 1;
        while (keep > 0) {
            int head = (keep + 1) / 2;
            String shortened = caption.substring(0, head) + "…" + caption.substring(caption.length() - (keep - head));
            if (metrics.stringWidth(shortened) <= width) {
                return shortened;
            }
            keep--;
        }
        return "…";
    }

    private static int toByte(float value, InputSpec spec, int channel) {
        double raw = value * spec.std().get(channel) + spec.mean().get(channel);
        double low = spec.valueRange().get(0);
        double high = spec.valueRange().get(1);
        return (int) Math.round(Math.max(0, Math.min(255, (raw - low) / (high - low) * 255)));
    }
}
