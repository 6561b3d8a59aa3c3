package dev.outrigger.runtime.internal.window;

import java.util.function.LongSupplier;

/**
 * Decides when a window fires, and tells the eviction policy which window that is: Pulsar's trigger policies (count,
 * time, and their watermark variants). All calls happen under the engine's lock.
 */
interface Trigger<T> {

    /** Sees every event (watermarks too) as it is added; may fire windows. */
    void track(Event<T> event) throws Exception;

    /** Called after every firing. */
    default void reset() {
    }

    /** Fires every {@code count} events, on the thread that adds the last one. */
    final class CountTrigger<T> implements Trigger<T> {

        private final int count;
        private final WindowState<T> state;
        private final Eviction<T> eviction;
        private final LongSupplier clock;
        private int seen;

        CountTrigger(int count, WindowState<T> state, Eviction<T> eviction, LongSupplier clock) {
            this.count = count;
            this.state = state;
            this.eviction = eviction;
            this.clock = clock;
        }

        @Override
        public void track(Event<T> event) throws Exception {
            if (!event.isWatermark() && ++seen >= count) {
                eviction.setContext(Eviction.Context.at(clock.getAsLong()));
                state.fire();
            }
        }

        @Override
        public void reset() {
            seen = 0;
        }
    }

    /** Fires every sliding interval, from the engine's timer; adding events does nothing. */
    final class TimeTrigger<T> implements Trigger<T> {

        private final long intervalMs;
        private final WindowState<T> state;
        private final Eviction<T> eviction;
        private final LongSupplier clock;

        TimeTrigger(long intervalMs, WindowState<T> state, Eviction<T> eviction, LongSupplier clock) {
            this.intervalMs = intervalMs;
            this.state = state;
            this.eviction = eviction;
            this.clock = clock;
        }

        @Override
        public void track(Event<T> event) {
        }

        /** Called by the timer every interval. */
        void fire() throws Exception {
            // One ms back: events stamped in the current ms may still be arriving; they go to the next window.
            long now = clock.getAsLong() - 1;
            eviction.setContext(new Eviction.Context(now, null, null, intervalMs));
            state.fire();
        }
    }

    /**
     * On each watermark, fires every window of {@code count} events (in arrival order) whose events are all at or
     * before the watermark; a window ends at the highest timestamp in it.
     */
    final class WatermarkCountTrigger<T> implements Trigger<T> {

        private final int count;
        private final WindowState<T> state;
        private final Eviction<T> eviction;
        private long lastProcessedTs;

        WatermarkCountTrigger(int count, WindowState<T> state, Eviction<T> eviction) {
            this.count = count;
            this.state = state;
            this.eviction = eviction;
        }

        @Override
        public void track(Event<T> event) throws Exception {
            if (event.isWatermark()) {
                for (long end : state.slidingCountTimestamps(lastProcessedTs, event.timestamp, count)) {
                    eviction.setContext(new Eviction.Context(end, null, (long) count, null));
                    state.fire();
                    lastProcessedTs = end;
                }
            }
        }
    }

    /**
     * On each watermark, fires every time window that ended at or before it. Window ends are multiples of the sliding
     * interval (epoch-aligned); stretches without events are skipped rather than fired empty one by one.
     */
    final class WatermarkTimeTrigger<T> implements Trigger<T> {

        private final long intervalMs;
        private final WindowState<T> state;
        private final Eviction<T> eviction;
        private long nextWindowEnd;

        WatermarkTimeTrigger(long intervalMs, WindowState<T> state, Eviction<T> eviction) {
            this.intervalMs = intervalMs;
            this.state = state;
            this.eviction = eviction;
        }

        @Override
        public void track(Event<T> event) throws Exception {
            if (!event.isWatermark()) {
                return;
            }
            long watermark = event.timestamp;
            long windowEnd = nextWindowEnd;
            while (windowEnd <= watermark) {
                eviction.setContext(new Eviction.Context(windowEnd, state.countUpTo(windowEnd), null, null));
                if (state.fire()) {
                    windowEnd += intervalMs;
                } else {
                    long next = nextAlignedWindowEnd(windowEnd, watermark);
                    if (next == Long.MAX_VALUE) {
                        break; // no events up to the watermark: the next one starts from here
                    }
                    windowEnd = next;
                }
            }
            // Only after every window up to the watermark fired: if the window function threw, the next watermark
            // fires the same windows again.
            nextWindowEnd = windowEnd;
        }

        /** @return the end of the first interval holding an event in (startTs, endTs], or Long.MAX_VALUE if none */
        private long nextAlignedWindowEnd(long startTs, long endTs) {
            long earliest = state.earliestTimestamp(startTs, endTs);
            if (earliest == Long.MAX_VALUE || earliest % intervalMs == 0) {
                return earliest;
            }
            return earliest + (intervalMs - earliest % intervalMs);
        }
    }
}
