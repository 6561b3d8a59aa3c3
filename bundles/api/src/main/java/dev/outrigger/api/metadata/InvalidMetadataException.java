package dev.outrigger.api.metadata;

/** A record that must not be written: the public admin path would have refused it. The message says why. */
public class InvalidMetadataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidMetadataException(String message) {
        super(message);
    }

    public InvalidMetadataException(String message, Throwable cause) {
        super(message, cause);
    }
}
