package dev.imageanomaly.stream;

import java.nio.charset.StandardCharsets;

/** Cutting text to a byte budget without splitting a character. */
final class Utf8 {

    private Utf8() {}

    static int length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /** The longest prefix of {@code text} whose UTF-8 encoding fits {@code maxBytes}. */
    static String truncate(String text, int maxBytes) {
        if (text == null || text.length() * 3 <= maxBytes) {
            return text;
        }
        int bytes = 0;
        int end = 0;
        while (end < text.length()) {
            int cp = text.codePointAt(end);
            int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + size > maxBytes) {
                break;
            }
            bytes += size;
            end += Character.charCount(cp);
        }
        return text.substring(0, end);
    }
}
