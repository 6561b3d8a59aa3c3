package dev.outrigger.runtime.internal;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The values a function passes to {@code Context.recordMetric}, reported as Pulsar's instance reports them (its
 * ContextImpl keeps a Prometheus summary per metric): {@code user_metric_<name>_sum} and {@code _count} since the
 * instance started, and the quantiles 0.5, 0.9, 0.99 and 0.999 ({@code user_metric_<name>_0.5}, ...) of the values of
 * the last 10 minutes, Prometheus' default age for a summary. Quantiles are exact over the kept values, of which at
 * most {@link #MAX_SAMPLES} per metric are kept (the newest).
 */
final class UserMetrics {

    static final String PREFIX = "user_metric_";
    static final double[] QUANTILES = {0.5, 0.9, 0.99, 0.999};
    static final long MAX_AGE_MILLIS = TimeUnit.MINUTES.toMillis(10);
    static final int MAX_SAMPLES = 10_000;

    private final LongSupplier clock;
    private final Map<String, Metric> metrics = new LinkedHashMap<>();

    UserMetrics() {
        this(System::currentTimeMillis);
    }

    UserMetrics(LongSupplier clock) {
        this.clock = clock;
    }

    private static final class Metric {
        long count;
        double sum;
        final Deque<double[]> samples = new ArrayDeque<>(); // {time, value}
    }

    synchronized void record(String name, double value) {
        Metric metric = metrics.computeIfAbsent(name, key -> new Metric());
        metric.count++;
        metric.sum += value;
        metric.samples.addLast(new double[] {clock.getAsLong(), value});
        if (metric.samples.size() > MAX_SAMPLES) {
            metric.samples.removeFirst();
        }
    }

    /** @return Pulsar's {@code userMetrics} map; no quantiles for a metric with no value in the last 10 minutes */
    synchronized Map<String, Double> toMap() {
        long oldest = clock.getAsLong() - MAX_AGE_MILLIS;
        Map<String, Double> out = new LinkedHashMap<>();
        metrics.forEach((name, metric) -> {
            while (!metric.samples.isEmpty() && metric.samples.peekFirst()[0] < oldest) {
                metric.samples.removeFirst();
            }
            out.put(PREFIX + name + "_sum", metric.sum);
            out.put(PREFIX + name + "_count", (double) metric.count);
            if (!metric.samples.isEmpty()) {
                double[] sorted = metric.samples.stream().mapToDouble(sample -> sample[1]).sorted().toArray();
                for (double quantile : QUANTILES) {
                    out.put(PREFIX + name + "_" + quantile, quantile(sorted, quantile));
                }
            }
        });
        return out;
    }

    /** Nearest rank: the smallest value with at least {@code q} of the values at or below it. */
    static double quantile(double[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    @Override
    public synchronized String toString() {
        return "UserMetrics" + Arrays.toString(metrics.keySet().toArray());
    }
}
