package dev.imageanomaly.scoring.image;

import java.util.Optional;

/**
 * The encoded formats the product reads, recognised by their magic bytes. Only these: the JDK also
 * decodes TIFF and WBMP, but they are not part of the contract, so bytes in those formats are
 * refused like any other unknown format.
 */
public enum ImageFormat {
    PNG, JPEG, BMP, GIF;

    public static Optional<ImageFormat> detect(byte[] b) {
        if (b.length >= 8 && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
            return Optional.of(PNG);
        }
        if (b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF) {
            return Optional.of(JPEG);
        }
        if (b.length >= 6 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F' && b[3] == '8') {
            return Optional.of(GIF);
        }
        if (b.length >= 2 && b[0] == 'B' && b[1] == 'M') {
            return Optional.of(BMP);
        }
        return Optional.empty();
    }
}
