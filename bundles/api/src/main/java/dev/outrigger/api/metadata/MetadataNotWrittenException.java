package dev.outrigger.api.metadata;

/**
 * The metadata cannot be written now, and this write surely was not: no leader took it (none was ready, it was too
 * busy to start it before the caller's deadline, the store closed first). What the write needed, a package stored
 * for it for one, can go at once. A plain {@link MetadataUnavailableException} leaves the outcome unknown.
 *
 * @since 1.2
 */
public class MetadataNotWrittenException extends MetadataUnavailableException {
    private static final long serialVersionUID = 1L;

    public MetadataNotWrittenException(String message, Throwable cause) {
        super(message, cause);
    }
}
