package dev.outrigger.benchmarks;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * What one soak function's output topic holds, read whole at the end: inputs were the numbers {@code 0..attempted-1}
 * as strings, ExclamationFunction answers each with the number plus "!". Counts, per input number, how many outputs
 * carry it. A number whose send failed is not expected (it may or may not have reached the input). Not thread-safe.
 */
public final class SoakTally {

    private final int attempted;
    private final BitSet sendFailed;
    private int[] counts;
    private int strays;
    private long outputs;

    /**
     * @param attempted how many numbers were sent (0 .. attempted-1)
     * @param sendFailed the numbers whose send failed
     */
    public SoakTally(int attempted, BitSet sendFailed) {
        if (attempted < 0) {
            throw new IllegalArgumentException("attempted >= 0");
        }
        this.attempted = attempted;
        this.sendFailed = (BitSet) sendFailed.clone();
        this.counts = new int[Math.max(attempted, 1)];
    }

    /** One output value, as read from the output topic. */
    public void record(String output) {
        outputs++;
        int index = parse(output);
        if (index < 0 || index >= attempted) {
            strays++;
            return;
        }
        counts[index]++;
    }

    /** @return the input number of an output value {@code "<n>!"}, or -1 */
    static int parse(String output) {
        if (output == null || output.length() < 2 || !output.endsWith("!")) {
            return -1;
        }
        try {
            return Integer.parseInt(output.substring(0, output.length() - 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    public int attempted() {
        return attempted;
    }

    public int sendErrors() {
        return sendFailed.cardinality();
    }

    /** Outputs read in all, strays and duplicates included. */
    public long outputs() {
        return outputs;
    }

    /** Successfully sent numbers with no output at all. */
    public int lost() {
        int lost = 0;
        for (int i = 0; i < attempted; i++) {
            if (counts[i] == 0 && !sendFailed.get(i)) {
                lost++;
            }
        }
        return lost;
    }

    /** Outputs beyond the first of their number. */
    public int duplicates() {
        int duplicates = 0;
        for (int i = 0; i < attempted; i++) {
            duplicates += Math.max(0, counts[i] - 1);
        }
        return duplicates;
    }

    /** Numbers with more than one output. */
    public int duplicatedNumbers() {
        int n = 0;
        for (int i = 0; i < attempted; i++) {
            if (counts[i] > 1) {
                n++;
            }
        }
        return n;
    }

    /** Outputs that are not "<n>!" for a number sent. */
    public int strays() {
        return strays;
    }

    /** The first lost numbers, up to {@code limit}. */
    public List<Integer> firstLost(int limit) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < attempted && out.size() < limit; i++) {
            if (counts[i] == 0 && !sendFailed.get(i)) {
                out.add(i);
            }
        }
        return out;
    }

    /** The first duplicated numbers, up to {@code limit}. */
    public List<Integer> firstDuplicated(int limit) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < attempted && out.size() < limit; i++) {
            if (counts[i] > 1) {
                out.add(i);
            }
        }
        return out;
    }
}
