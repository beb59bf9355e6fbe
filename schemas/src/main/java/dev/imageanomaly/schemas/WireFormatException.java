package dev.imageanomaly.schemas;

import dev.imageanomaly.schemas.avro.DeadLetterReason;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The bytes of a record are not a value this reader can decode: the record itself is bad, and
 * retrying will not help, so it belongs on the dead-letter topic. {@link #reason()} is the
 * {@link DeadLetterReason} to put there.
 *
 * <p>A registry that cannot be reached is not this: it surfaces as a transient
 * {@link SchemaRegistryException}, so good records are not dead-lettered during an outage.
 */
public class WireFormatException extends SerializationException {

    private final DeadLetterReason reason;

    public WireFormatException(DeadLetterReason reason, String message) {
        this(reason, message, null);
    }

    public WireFormatException(DeadLetterReason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    public DeadLetterReason reason() {
        return reason;
    }
}
