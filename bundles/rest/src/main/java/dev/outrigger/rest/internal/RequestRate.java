package dev.outrigger.rest.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Pulsar's {@code httpRequestsMaxPerSecond}: requests spaced evenly at that rate, with up to one second's worth saved
 * up for a burst (as the rate limiter behind Pulsar's {@code RateLimitingFilter}). Lock-free, as a generic cell rate
 * algorithm: one timestamp, the theoretical arrival time of the next request.
 */
final class RequestRate {

    private static final long SECOND = 1_000_000_000L;

    private final long interval;
    /** How far ahead of now the next arrival may be and a request still pass: the burst, less one. */
    private final long tolerance;
    private final LongSupplier clock;
    private final AtomicLong next;

    RequestRate(double perSecond) {
        this(perSecond, System::nanoTime);
    }

    RequestRate(double perSecond, LongSupplier clock) {
        if (!(perSecond > 0)) {
            throw new IllegalArgumentException("a rate must be above 0, not " + perSecond);
        }
        this.interval = Math.max(1, (long) (SECOND / perSecond));
        long burst = Math.max(1, (long) perSecond);
        this.tolerance = (burst - 1) * interval;
        this.clock = clock;
        this.next = new AtomicLong(clock.getAsLong());
    }

    /** @return whether a request may pass now; it counts against the rate only if it does */
    boolean tryAcquire() {
        long now = clock.getAsLong();
        while (true) {
            long arrival = next.get();
            long start = Math.max(arrival, now);
            if (start - now > tolerance) {
                return false;
            }
            if (next.compareAndSet(arrival, start + interval)) {
                return true;
            }
        }
    }
}
