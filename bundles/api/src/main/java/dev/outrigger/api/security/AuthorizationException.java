package dev.outrigger.api.security;

/**
 * An authenticated caller may not do what it asked. The REST edge answers as Pulsar's worker does: 401 with "Client is
 * not authorized to perform operation"; the message is for the log.
 */
public class AuthorizationException extends Exception {
    private static final long serialVersionUID = 1L;

    public AuthorizationException(String message) {
        super(message);
    }

    public AuthorizationException(String message, Throwable cause) {
        super(message, cause);
    }
}
