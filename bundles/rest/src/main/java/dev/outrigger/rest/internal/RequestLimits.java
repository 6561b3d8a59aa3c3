package dev.outrigger.rest.internal;

import java.util.Map;
import java.util.concurrent.Semaphore;

/**
 * The limits of the admin API, from the worker's keys.
 *
 * @param maxRequestBytes largest request body: Pulsar's {@code httpMaxRequestSize} when set (&gt; 0); otherwise
 *     {@code functionPackageMaxSizeBytes} plus 1 MiB for the other form fields, so that an upload is never spooled
 *     beyond what could be stored (Pulsar's -1, unlimited, would let one request fill the disk)
 * @param throttle the request rate ({@code httpRequestsLimitEnabled}, {@code httpRequestsMaxPerSecond}, Pulsar's
 *     default 100) and the requests in progress ({@code maxConcurrentHttpRequests}, Pulsar's default 1024; 0 or less
 *     for no limit)
 */
record RequestLimits(long maxRequestBytes, ThrottleFilter.Throttle throttle) {

    static final String HTTP_MAX_REQUEST_SIZE = "httpMaxRequestSize";
    static final String PACKAGE_MAX_SIZE = "functionPackageMaxSizeBytes";
    /** As the packages bundle's default. */
    static final long DEFAULT_PACKAGE_MAX_SIZE = 100L * 1024 * 1024;
    static final long FORM_FIELDS_ALLOWANCE = 1024L * 1024;
    static final double DEFAULT_MAX_PER_SECOND = 100;
    static final int DEFAULT_MAX_CONCURRENT = 1024;

    static final RequestLimits DEFAULTS = of(Map.of());

    static RequestLimits of(Map<String, ?> keys) {
        return new RequestLimits(maxRequestBytes(keys), throttle(keys));
    }

    private static long maxRequestBytes(Map<String, ?> keys) {
        long http = number(keys.get(HTTP_MAX_REQUEST_SIZE), -1);
        if (http > 0) {
            return http;
        }
        long pkg = number(keys.get(PACKAGE_MAX_SIZE), DEFAULT_PACKAGE_MAX_SIZE);
        if (pkg <= 0 || pkg > Long.MAX_VALUE - FORM_FIELDS_ALLOWANCE) {
            pkg = DEFAULT_PACKAGE_MAX_SIZE;
        }
        return pkg + FORM_FIELDS_ALLOWANCE;
    }

    private static ThrottleFilter.Throttle throttle(Map<String, ?> keys) {
        RequestRate rate = null;
        if (Boolean.TRUE.equals(keys.get("httpRequestsLimitEnabled"))
                || "true".equals(String.valueOf(keys.get("httpRequestsLimitEnabled")))) {
            double perSecond = keys.get("httpRequestsMaxPerSecond") instanceof Number number
                    ? number.doubleValue() : DEFAULT_MAX_PER_SECOND;
            rate = new RequestRate(perSecond > 0 ? perSecond : DEFAULT_MAX_PER_SECOND);
        }
        long concurrent = number(keys.get("maxConcurrentHttpRequests"), DEFAULT_MAX_CONCURRENT);
        Semaphore inProgress = concurrent > 0 ? new Semaphore((int) Math.min(concurrent, Integer.MAX_VALUE)) : null;
        return new ThrottleFilter.Throttle(rate, inProgress);
    }

    private static long number(Object value, long fallback) {
        if (value instanceof Number number) {
            return number.longValue();
        }
        if (value instanceof String text) {
            try {
                return Long.parseLong(text.trim());
            } catch (NumberFormatException e) {
                return fallback;
            }
        }
        return fallback;
    }
}
