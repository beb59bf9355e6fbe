package dev.imageanomaly.scoring.image;

/** An image that cannot be scored, with a machine-readable reason for dead-letter routing. */
public class ImageRejectedException extends Exception {

    /** Named like the dead-letter reasons they become, so the scorer maps them by name. */
    public enum Reason { UNDECODABLE_IMAGE, UNSUPPORTED_FORMAT, WRONG_SIZE, IMAGE_TOO_LARGE, MISSING_FIELD }

    private final Reason reason;

    public ImageRejectedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public ImageRejectedException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
