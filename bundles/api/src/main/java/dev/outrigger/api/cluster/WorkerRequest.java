package dev.outrigger.api.cluster;

import java.time.Duration;
import java.util.Objects;

/**
 * One call of another worker's admin API, as a {@link WorkerChannel} carries it.
 *
 * @param method the HTTP method ({@code GET}, {@code PUT}, {@code POST}, ...)
 * @param path Pulsar's path, e.g. {@code /admin/v3/functions/tenant/namespace/name/0/status}, unencoded: the
 *     channel quotes what needs quoting
 * @param query the query string without {@code ?}, unencoded ({@code delete=true&version=4}); null for none
 * @param body the request body; null for none
 * @param contentType the body's media type, sent as {@code Content-Type} (also without a body, where the endpoint
 *     expects one); null for none
 * @param timeout how long to wait for the answer
 */
public record WorkerRequest(String method, String path, String query, byte[] body, String contentType,
        Duration timeout) {

    public WorkerRequest {
        Objects.requireNonNull(method, "method must not be null");
        Objects.requireNonNull(path, "path must not be null");
        Objects.requireNonNull(timeout, "timeout must not be null");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("The path must start with '/': " + path);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("The timeout must be positive: " + timeout);
        }
    }

    /** A {@code GET} of a path, without query or body. */
    public static WorkerRequest get(String path, Duration timeout) {
        return new WorkerRequest("GET", path, null, null, null, timeout);
    }

    /** What the request is, for messages and logs: method, path and query, never the body. */
    @Override
    public String toString() {
        return method + " " + path + (query == null ? "" : "?" + query);
    }
}
