package dev.imageanomaly.stream;

import dev.imageanomaly.schemas.avro.DeadLetterReason;

/** An input record that cannot be scored; it goes to the dead-letter topic with this reason. */
final class RejectedRecordException extends Exception {

    private final DeadLetterReason reason;

    RejectedRecordException(DeadLetterReason reason, String message) {
        this(reason, message, null);
    }

    RejectedRecordException(DeadLetterReason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    DeadLetterReason reason() {
        return reason;
    }
}
