package dev.outrigger.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReceiptsTest {

    @Test
    void countsDistinctDuplicatesAndStraysAndMeasuresFromTheSendTimeInTheValue() {
        Receipts r = new Receipts("t", 3);
        r.record(Receipts.value("t", 0, 1_000_000L) + "!", 6_000_000L);
        r.record(Receipts.value("t", 0, 1_000_000L) + "!", 9_000_000L);
        r.record(Receipts.value("w", 1, 1_000_000L) + "!", 9_000_000L);
        r.record(Receipts.value("t", 1, 1_000_000L), 9_000_000L);
        r.record("t-7-1!", 9_000_000L);
        r.record("t-x-1!", 9_000_000L);
        r.record(null, 9_000_000L);
        r.record(Receipts.value("t", 2, 2_000_000L) + "!", 4_500_000L);
        assertEquals(2, r.distinct());
        assertEquals(1, r.missing());
        assertEquals(1, r.duplicates());
        assertEquals(5, r.strays());
        assertFalse(r.complete());
        assertEquals(0, r.completedNanos());
        assertEquals(List.of(1), r.firstMissing(10));
        assertEquals(List.of(5.0, 2.5), r.latenciesMillis());

        r.record(Receipts.value("t", 1, 3_000_000L) + "!", 10_000_000L);
        assertTrue(r.complete());
        assertEquals(10_000_000L, r.completedNanos());
        assertEquals(List.of(), r.firstMissing(10));
    }

    @Test
    void firstMissingStopsAtTheLimit() {
        Receipts r = new Receipts("l", 100);
        r.record("l-3-0!", 1);
        assertEquals(List.of(0, 1, 2, 4), r.firstMissing(4));
    }

    @Test
    void prefixesWithADashAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Receipts("a-b", 1));
        assertThrows(IllegalArgumentException.class, () -> new Receipts("a", 0));
    }
}
