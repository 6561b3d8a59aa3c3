package dev.outrigger.api.scheduler;

/**
 * The ceiling on a function's {@code parallelism}, shared by the checks that refuse a registration above it and the
 * scheduler that skips a stored record above it. Pulsar's worker has none, but the leader materialises every instance
 * id of every record it reads, so one record with an absurd parallelism would exhaust the leader's heap, and the next
 * leader reads the same record: the whole cluster would crash-loop.
 */
public final class Parallelism {

    /** Outrigger's {@code functions_worker.yml} key for the ceiling. */
    public static final String MAX_KEY = "functionInstanceMaxParallelism";

    /**
     * The ceiling when {@link #MAX_KEY} is not set: far above what one function needs in practice (each instance is at
     * least a consumer and a producer on the brokers, and Pulsar topics rarely have more than a few hundred
     * partitions), and small enough that the leader's assignments for it stay a few hundred kilobytes.
     */
    public static final int DEFAULT_MAX = 1000;

    private Parallelism() {}

    /**
     * @param configured the value of {@link #MAX_KEY} in a configuration (an Integer, a Number or a String), or null
     * @return the ceiling it sets; {@link #DEFAULT_MAX} when absent or not a whole number >= 1
     */
    public static int max(Object configured) {
        long value;
        if (configured instanceof Number number) {
            value = number.longValue();
        } else if (configured instanceof String text) {
            try {
                value = Long.parseLong(text.trim());
            } catch (NumberFormatException e) {
                return DEFAULT_MAX;
            }
        } else {
            return DEFAULT_MAX;
        }
        return value >= 1 && value <= Integer.MAX_VALUE ? (int) value : DEFAULT_MAX;
    }
}
