package dev.outrigger.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Min / median / max of a handful of samples, and percentiles of many. */
public final class Stats {

    private Stats() {
    }

    /** min, median and max of some samples. */
    public record Summary(double min, double median, double max) {
    }

    /**
     * @throws IllegalArgumentException if there are no samples
     */
    public static Summary summarize(List<? extends Number> samples) {
        List<Double> sorted = sorted(samples);
        return new Summary(sorted.get(0), median(sorted), sorted.get(sorted.size() - 1));
    }

    /** The middle sample, or the mean of the two middle ones for an even count. */
    public static double median(List<? extends Number> samples) {
        List<Double> sorted = sorted(samples);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /**
     * The nearest-rank percentile: the smallest sample with at least {@code p} percent of the samples at or below it
     * (p in (0, 100]).
     *
     * @throws IllegalArgumentException if there are no samples or p is out of range
     */
    public static double percentile(List<? extends Number> samples, double p) {
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile " + p + " not in (0, 100]");
        }
        List<Double> sorted = sorted(samples);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(1, rank) - 1);
    }

    /** a / b, or NaN when b is 0. */
    public static double ratio(double a, double b) {
        return b == 0 ? Double.NaN : a / b;
    }

    private static List<Double> sorted(List<? extends Number> samples) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no samples");
        }
        List<Double> sorted = new ArrayList<>(samples.size());
        for (Number sample : samples) {
            sorted.add(sample.doubleValue());
        }
        Collections.sort(sorted);
        return sorted;
    }
}
