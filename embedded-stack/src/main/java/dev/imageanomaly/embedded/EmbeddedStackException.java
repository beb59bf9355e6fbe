package dev.imageanomaly.embedded;

/** A child server (broker or registry) could not be started or did not become ready in time. */
public class EmbeddedStackException extends RuntimeException {

    public EmbeddedStackException(String message) {
        super(message);
    }

    public EmbeddedStackException(String message, Throwable cause) {
        super(message, cause);
    }
}
