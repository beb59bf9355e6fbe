package dev.imageanomaly.scoring.image;

/** An image that cannot be scored, with a machine-readable reason for dead-letter routing. */
public class ImageRejectedException extends Exception {

    public enum Reason { UNDECODABLE_IMAGE, WRONG_SIZE, MISSING_FIELD }

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
