package dev.outrigger.rest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RequestRateTest {

    private static final long MILLI = 1_000_000L;
    private final AtomicLong now = new AtomicLong(5_000 * MILLI);

    private int passing(RequestRate rate, int tries) {
        int passed = 0;
        for (int i = 0; i < tries; i++) {
            if (rate.tryAcquire()) {
                passed++;
            }
        }
        return passed;
    }

    @Test
    void aBurstOfOneSecondPassesThenTheRateHolds() {
        RequestRate rate = new RequestRate(10, now::get);
        assertEquals(10, passing(rate, 50), "one second's worth at once");
        assertFalse(rate.tryAcquire());
        now.addAndGet(100 * MILLI);
        assertEquals(1, passing(rate, 5), "then one per 100 ms");
        now.addAndGet(250 * MILLI);
        assertEquals(2, passing(rate, 5));
    }

    @Test
    void idleTimeIsSavedUpToOneSecondOnly() {
        RequestRate rate = new RequestRate(4, now::get);
        assertEquals(4, passing(rate, 10));
        now.addAndGet(60_000 * MILLI);
        assertEquals(4, passing(rate, 10), "a minute idle saves no more than a second's worth");
    }

    @Test
    void aRateBelowOnePerSecondStillLetsOneThrough() {
        RequestRate rate = new RequestRate(0.5, now::get);
        assertTrue(rate.tryAcquire());
        assertFalse(rate.tryAcquire());
        now.addAndGet(1_999 * MILLI);
        assertFalse(rate.tryAcquire());
        now.addAndGet(MILLI);
        assertTrue(rate.tryAcquire());
        assertThrows(IllegalArgumentException.class, () -> new RequestRate(0));
    }
}
