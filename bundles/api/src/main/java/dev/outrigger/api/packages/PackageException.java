package dev.outrigger.api.packages;

/** A package could not be stored, found, read or verified; the message says which and why. */
public class PackageException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What went wrong, so the edge can answer with the right status. */
    public enum Reason {
        /** the caller's mistake: too large, not allowed, malformed location */
        INVALID,
        /** the package is not where its reference says */
        NOT_FOUND,
        /** the bytes do not hash to the recorded SHA-256 */
        CORRUPT,
        /** the storage failed */
        UNAVAILABLE
    }

    private final Reason reason;

    public PackageException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public PackageException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
