package dev.outrigger.rest.internal;

import java.util.Map;

/**
 * The body limits of the admin API, from the worker's keys.
 *
 * @param maxRequestBytes largest request body: Pulsar's {@code httpMaxRequestSize} when set (&gt; 0); otherwise
 *     {@code functionPackageMaxSizeBytes} plus 1 MiB for the other form fields, so that an upload is never spooled
 *     beyond what could be stored (Pulsar's -1, unlimited, would let one request fill the disk)
 */
record RequestLimits(long maxRequestBytes) {

    static final String HTTP_MAX_REQUEST_SIZE = "httpMaxRequestSize";
    static final String PACKAGE_MAX_SIZE = "functionPackageMaxSizeBytes";
    /** As the packages bundle's default. */
    static final long DEFAULT_PACKAGE_MAX_SIZE = 100L * 1024 * 1024;
    static final long FORM_FIELDS_ALLOWANCE = 1024L * 1024;

    static final RequestLimits DEFAULTS = of(Map.of());

    static RequestLimits of(Map<String, ?> keys) {
        long http = number(keys.get(HTTP_MAX_REQUEST_SIZE), -1);
        if (http > 0) {
            return new RequestLimits(http);
        }
        long pkg = number(keys.get(PACKAGE_MAX_SIZE), DEFAULT_PACKAGE_MAX_SIZE);
        if (pkg <= 0 || pkg > Long.MAX_VALUE - FORM_FIELDS_ALLOWANCE) {
            pkg = DEFAULT_PACKAGE_MAX_SIZE;
        }
        return new RequestLimits(pkg + FORM_FIELDS_ALLOWANCE);
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
