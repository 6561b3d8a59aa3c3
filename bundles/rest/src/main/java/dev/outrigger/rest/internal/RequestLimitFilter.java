package dev.outrigger.rest.internal;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import java.util.function.LongSupplier;

/**
 * Refuses a body over the request limit before anything reads it (the multipart parser spools every part to disk): a
 * declared {@code Content-Length} over the limit is a 413 at once; any other body is counted as it is read and cut
 * off, with a 413, once it passes the limit.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION - 200)
final class RequestLimitFilter implements ContainerRequestFilter {

    private final LongSupplier limit;

    /** @param limit the current limit in bytes; 0 or less for none */
    RequestLimitFilter(LongSupplier limit) {
        this.limit = limit;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        long max = limit.getAsLong();
        if (max <= 0) {
            return;
        }
        String declared = request.getHeaderString("Content-Length");
        if (declared != null) {
            try {
                if (Long.parseLong(declared.trim()) > max) {
                    request.abortWith(ErrorBody.response(413,
                            LimitedInputStream.message(max, RequestLimits.HTTP_MAX_REQUEST_SIZE)));
                    return;
                }
            } catch (NumberFormatException e) {
                // Jetty refuses a malformed length before we see it; counting below still holds the line
            }
        }
        if (request.hasEntity()) {
            request.setEntityStream(new LimitedInputStream(request.getEntityStream(), max,
                    RequestLimits.HTTP_MAX_REQUEST_SIZE));
        }
    }
}
