package dev.outrigger.rest.internal;

import java.io.IOException;

/**
 * A request body passed its limit while being read. An {@link IOException}, so that whatever reads the body (the
 * multipart parser, a resource) stops where it is; the mappers find it in any cause chain and answer 413.
 */
final class RequestTooLargeException extends IOException {

    private static final long serialVersionUID = 1L;

    RequestTooLargeException(String message) {
        super(message);
    }

    /** The first {@code RequestTooLargeException} in the cause chain, or null. */
    static RequestTooLargeException in(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof RequestTooLargeException tooLarge) {
                return tooLarge;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return null;
    }
}
