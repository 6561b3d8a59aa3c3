package dev.outrigger.metadata.internal;

/** This worker, or the one a write was forwarded to, cannot take writes now: leadership is elsewhere or moving. */
final class NotLeaderException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotLeaderException(String message) {
        super(message);
    }
}
