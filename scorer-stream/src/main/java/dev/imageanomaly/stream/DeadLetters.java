package dev.imageanomaly.stream;

import dev.imageanomaly.schemas.ConfluentWireFormat;
import dev.imageanomaly.schemas.avro.DeadLetter;
import dev.imageanomaly.schemas.avro.DeadLetterReason;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the dead letter of an input record, sized to fit the output limit: a letter carries the
 * original key and value so the record can be inspected and replayed, but a record near the input
 * limit would make a letter over it, which the producer would refuse. Then the original bytes are
 * cut, and the details say so with the whole value's size and SHA-256.
 */
final class DeadLetters {

    static final int MAX_MESSAGE_CHARS = 2_000;
    static final int MAX_DETAIL_CHARS = 500;

    private final int maxRecordBytes;
    private final int maxKeyBytes;

    /**
     * @param maxRecordBytes the largest letter, key and value together
     * @param maxKeyBytes the largest Kafka key of a letter (the input key, cut)
     */
    DeadLetters(int maxRecordBytes, int maxKeyBytes) {
        this.maxRecordBytes = maxRecordBytes;
        this.maxKeyBytes = maxKeyBytes;
    }

    /** The Kafka key of the letter: the input record's key, cut to the key limit. */
    String kafkaKey(PendingImage pending) {
        return Utf8.truncate(pending.keyText(), maxKeyBytes);
    }

    DeadLetter letter(PendingImage pending, DeadLetterReason reason, String message, Map<String, String> details,
            Instant failedAt) {
        Map<String, String> facts = new LinkedHashMap<>();
        details.forEach((k, v) -> facts.put(k, cut(v, MAX_DETAIL_CHARS)));
        DeadLetter letter = DeadLetter.newBuilder()
                .setReasonCode(reason)
                .setMessage(cut(message == null ? reason.name() : message, MAX_MESSAGE_CHARS))
                .setSourceTopic(pending.topic()).setSourcePartition(pending.partition())
                .setSourceOffset(pending.offset())
                .setOriginalKey(pending.key() == null ? null : ByteBuffer.wrap(pending.key()))
                .setOriginalValue(pending.value() == null ? null : ByteBuffer.wrap(pending.value()))
                .setFailedAt(failedAt)
                .setDetails(facts)
                .build();
        int budget = maxRecordBytes - Utf8.length(kafkaKey(pending) == null ? "" : kafkaKey(pending));
        if (ConfluentWireFormat.sizeOf(letter) <= budget) {
            return letter;
        }
        if (pending.key() != null && pending.key().length > maxKeyBytes) {
            facts.put("originalKeyTruncated", "true");
            facts.put("originalKeyBytes", Integer.toString(pending.key().length));
            letter.setOriginalKey(ByteBuffer.wrap(Arrays.copyOf(pending.key(), maxKeyBytes)));
            letter.setDetails(facts);
        }
        if (pending.value() != null) {
            facts.put("originalValueTruncated", "true");
            facts.put("originalValueBytes", Integer.toString(pending.value().length));
            facts.put("originalValueSha256", sha256(pending.value()));
            letter.setDetails(facts);
            letter.setOriginalValue(ByteBuffer.allocate(0));
            // The value's length prefix grows by at most 5 bytes when the value comes back.
            int room = Math.max(0, budget - ConfluentWireFormat.sizeOf(letter) - 5);
            letter.setOriginalValue(ByteBuffer.wrap(pending.value(), 0, Math.min(room, pending.value().length)).slice());
        }
        return letter;
    }

    private static String cut(String text, int maxChars) {
        return text.length() <= maxChars ? text : text.substring(0, maxChars) + "... (" + text.length() + " chars)";
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
