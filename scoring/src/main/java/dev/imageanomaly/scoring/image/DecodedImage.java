package dev.imageanomaly.scoring.image;

/** Pixels of one image as unsigned bytes, interleaved row-major (HWC), 1 (grey) or 3 (RGB) channels. */
public record DecodedImage(int width, int height, int channels, byte[] pixels) {

    public DecodedImage {
        if (pixels.length != (long) width * height * channels) {
            throw new IllegalArgumentException("pixel buffer holds " + pixels.length + " bytes, expected "
                    + width + "x" + height + "x" + channels);
        }
    }

    public int at(int x, int y, int c) {
        return pixels[(y * width + x) * channels + c] & 0xFF;
    }
}
