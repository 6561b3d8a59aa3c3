package dev.outrigger.api.rest;

/**
 * A failure with the HTTP status the admin API should answer with. The REST edge turns it into Pulsar's error body,
 * {@code {"reason": message}}.
 */
public class ErrorResponseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    public ErrorResponseException(int status, String reason) {
        super(reason);
        this.status = status;
    }

    public ErrorResponseException(int status, String reason, Throwable cause) {
        super(reason, cause);
        this.status = status;
    }

    /** @return the HTTP status code */
    public int status() {
        return status;
    }
}
