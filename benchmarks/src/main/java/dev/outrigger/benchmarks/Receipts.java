package dev.outrigger.benchmarks;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * What came out of the function for one flow of {@code expected} messages whose values are
 * {@code <prefix>-<index>-<send System.nanoTime()>}: ExclamationFunction answers each with the value plus "!".
 * Counts distinct indices, duplicates and values of other flows; keeps send -> receive latencies of first receipts.
 * Not thread-safe: one receiving thread records, readers call after it stopped, or {@link #distinct()} (volatile).
 */
public final class Receipts {

    private final String prefix;
    private final int expected;
    private final BitSet seen;
    private final List<Double> latenciesMillis;
    private volatile int distinct;
    private volatile long lastProgressNanos;
    private int duplicates;
    private int strays;
    private long completedNanos;

    public Receipts(String prefix, int expected) {
        if (prefix.contains("-") || expected < 1) {
            throw new IllegalArgumentException("prefix without '-' and expected >= 1");
        }
        this.prefix = prefix;
        this.expected = expected;
        this.seen = new BitSet(expected);
        this.latenciesMillis = new ArrayList<>(expected);
        this.lastProgressNanos = System.nanoTime();
    }

    /** The value to send as message {@code index}, sent at {@code sendNanos}. */
    public static String value(String prefix, int index, long sendNanos) {
        return prefix + "-" + index + "-" + sendNanos;
    }

    /** Records one output value received at {@code receiveNanos}. */
    public void record(String output, long receiveNanos) {
        String[] parts = output == null || !output.endsWith("!") ? null
                : output.substring(0, output.length() - 1).split("-");
        if (parts == null || parts.length != 3 || !parts[0].equals(prefix)) {
            strays++;
            return;
        }
        int index;
        long sendNanos;
        try {
            index = Integer.parseInt(parts[1]);
            sendNanos = Long.parseLong(parts[2]);
        } catch (NumberFormatException e) {
            strays++;
            return;
        }
        if (index < 0 || index >= expected) {
            strays++;
            return;
        }
        if (seen.get(index)) {
            duplicates++;
            return;
        }
        seen.set(index);
        latenciesMillis.add((receiveNanos - sendNanos) / 1e6);
        lastProgressNanos = receiveNanos;
        distinct++;
        if (distinct == expected) {
            completedNanos = receiveNanos;
        }
    }

    public int expected() {
        return expected;
    }

    public int distinct() {
        return distinct;
    }

    public boolean complete() {
        return distinct == expected;
    }

    public int missing() {
        return expected - distinct;
    }

    public int duplicates() {
        return duplicates;
    }

    /** Values not of this flow (another prefix, no "!", unparsable, index out of range). */
    public int strays() {
        return strays;
    }

    /** When the last new message arrived (or when this was created). */
    public long lastProgressNanos() {
        return lastProgressNanos;
    }

    /** When the last of the expected messages arrived, or 0. */
    public long completedNanos() {
        return completedNanos;
    }

    /** The first indices missing, up to {@code limit}. */
    public List<Integer> firstMissing(int limit) {
        List<Integer> out = new ArrayList<>();
        for (int i = seen.nextClearBit(0); i < expected && out.size() < limit; i = seen.nextClearBit(i + 1)) {
            out.add(i);
        }
        return out;
    }

    public List<Double> latenciesMillis() {
        return latenciesMillis;
    }
}
