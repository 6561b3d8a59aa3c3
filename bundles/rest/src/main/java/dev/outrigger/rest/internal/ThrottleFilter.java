package dev.outrigger.rest.internal;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Pulsar's HTTP limits, first of all filters as in Pulsar's worker: {@code httpRequestsLimitEnabled} with
 * {@code httpRequestsMaxPerSecond} (a request over the rate is a 429 at once) and {@code maxConcurrentHttpRequests}
 * (a request beyond waits up to {@link #WAIT_SECONDS} for one in progress to end, then 503; Pulsar's Jetty QoS
 * handler likewise suspends it). The limits are read per request, so a live change applies to the next one.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION - 300)
final class ThrottleFilter implements ContainerRequestFilter, ContainerResponseFilter {

    static final long WAIT_SECONDS = 10;
    static final String TOO_MANY = "Too Many Requests";
    private static final String PERMIT = ThrottleFilter.class.getName() + ".permit";

    /** What the current limits are: a rate (null for none) and the permits for requests in progress (null: none). */
    record Throttle(RequestRate rate, Semaphore inProgress) {
    }

    private final Supplier<Throttle> throttle;

    ThrottleFilter(Supplier<Throttle> throttle) {
        this.throttle = throttle;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        Throttle current = throttle.get();
        if (current.rate() != null && !current.rate().tryAcquire()) {
            request.abortWith(ErrorBody.response(429, TOO_MANY));
            return;
        }
        Semaphore permits = current.inProgress();
        if (permits == null) {
            return;
        }
        boolean acquired;
        try {
            acquired = permits.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            acquired = false;
        }
        if (!acquired) {
            request.abortWith(ErrorBody.response(503, "Too many concurrent requests (maxConcurrentHttpRequests); "
                    + "try again later"));
            return;
        }
        // released by the semaphore it came from, even if the limit changes meanwhile
        request.setProperty(PERMIT, permits);
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (request.getProperty(PERMIT) instanceof Semaphore permits) {
            request.removeProperty(PERMIT);
            permits.release();
        }
    }
}
