package dev.imageanomaly.schemas;

/**
 * The schema registry refused a request or could not be reached. Carries the HTTP status and the
 * registry's own error code and message (Confluent API: {@code {"error_code":..,"message":..}}).
 * A status of 0 means no answer came (connection refused, timeout).
 */
public class SchemaRegistryException extends RuntimeException {

    private final int status;
    private final int errorCode;

    public SchemaRegistryException(String message, int status, int errorCode, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.errorCode = errorCode;
    }

    /** HTTP status, or 0 when the registry did not answer. */
    public int status() {
        return status;
    }

    /** The registry's {@code error_code} (e.g. 40403 schema not found, 409 incompatible), or 0. */
    public int errorCode() {
        return errorCode;
    }

    /** The subject, version or schema id does not exist. */
    public boolean isNotFound() {
        return status == 404;
    }

    /** The schema is incompatible with the subject's earlier versions under its compatibility level. */
    public boolean isIncompatible() {
        return status == 409;
    }

    /** Worth retrying: the registry did not answer or had a server-side failure. */
    public boolean isTransient() {
        return status == 0 || status >= 500;
    }
}
