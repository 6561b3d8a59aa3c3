package dev.outrigger.api.metadata;

/**
 * The metadata cannot be written now: no leader, the leader unreachable, or the topic unavailable. Unless it is a
 * {@link MetadataNotWrittenException}, the write's outcome is unknown: it may still land, and the same write tried
 * again is safe (the store answers a retry of a write that landed as a success).
 */
public class MetadataUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MetadataUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
