package dev.outrigger.api.metadata;

/** The metadata cannot be written now: no leader, the leader unreachable, or the topic unavailable. */
public class MetadataUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MetadataUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
