package dev.outrigger.api.security;

/**
 * A request's credentials are missing or not valid. The REST edge answers 401 with Pulsar's "Authentication
 * required" whatever the message says: the message is for the log, and must not contain a secret.
 */
public class AuthenticationException extends Exception {
    private static final long serialVersionUID = 1L;

    public AuthenticationException(String message) {
        super(message);
    }

    public AuthenticationException(String message, Throwable cause) {
        super(message, cause);
    }
}
