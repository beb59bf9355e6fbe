package dev.imageanomaly.scoring.bundle;

/** A model bundle that cannot be trusted: malformed manifest, missing file or hash mismatch. */
public class ManifestException extends RuntimeException {

    public ManifestException(String message) {
        super(message);
    }

    public ManifestException(String message, Throwable cause) {
        super(message, cause);
    }

    static void require(boolean condition, String field, String problem) {
        if (!condition) {
            throw new ManifestException("manifest field '" + field + "' " + problem);
        }
    }
}
