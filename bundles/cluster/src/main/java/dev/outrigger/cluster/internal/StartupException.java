package dev.outrigger.cluster.internal;

/** Start-up cannot go on; the message says why in words an operator can act on. */
final class StartupException extends Exception {
    private static final long serialVersionUID = 1L;

    StartupException(String message) {
        super(message);
    }

    StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
