package dev.outrigger.runtime.internal.window;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, for each event in the queue, whether it has left the window, is in it, or waits for a later one: Pulsar's
 * eviction policies (count, time, and their watermark variants). All calls happen under the engine's lock.
 */
interface Eviction<T> {

    /** What a scan does with one event. */
    enum Action {
        /** out of the window for good: removed from the queue */
        EXPIRE,
        /** in the current window */
        PROCESS,
        /** not in the current window, but maybe in a later one */
        KEEP,
        /** this and every later event in the queue are kept: stop scanning */
        STOP
    }

    /**
     * What the trigger tells the eviction policy when a window fires.
     *
     * @param referenceTime the end of the window (inclusive), in the policy's time
     * @param currentCount the number of events up to the reference time, when the trigger knows it
     * @param slidingCount the sliding interval in events, for count triggers on watermarks
     * @param slidingInterval the sliding interval in ms, for the processing-time trigger
     */
    record Context(long referenceTime, Long currentCount, Long slidingCount, Long slidingInterval) {

        static Context at(long referenceTime) {
            return new Context(referenceTime, null, null, null);
        }
    }

    Action evict(Event<T> event);

    /** Sees every event (watermarks too) as it is added. */
    void track(Event<T> event);

    void setContext(Context context);

    /** @return the context of the last firing, or null before the first */
    Context context();

    static <T> Eviction<T> count(int windowLength) {
        return new CountEviction<>(windowLength);
    }

    static <T> Eviction<T> time(long windowLengthMs) {
        return new TimeEviction<>(windowLengthMs);
    }

    static <T> Eviction<T> watermarkCount(int windowLength) {
        return new WatermarkCountEviction<>(windowLength);
    }

    static <T> Eviction<T> watermarkTime(long windowLengthMs, long maxLagMs) {
        return new WatermarkTimeEviction<>(windowLengthMs, maxLagMs);
    }

    /** Keeps the last {@code windowLength} events: each scan expires the oldest ones beyond that. */
    final class CountEviction<T> implements Eviction<T> {

        private final int threshold;
        private long currentCount;
        private Context context;

        CountEviction(int threshold) {
            this.threshold = threshold;
        }

        @Override
        public Action evict(Event<T> event) {
            // The queue is scanned oldest first, so decrementing as we expire leaves exactly the newest ones.
            if (currentCount > threshold) {
                currentCount--;
                return Action.EXPIRE;
            }
            return Action.PROCESS;
        }

        @Override
        public void track(Event<T> event) {
            if (!event.isWatermark()) {
                currentCount++;
            }
        }

        @Override
        public void setContext(Context context) {
            this.context = context;
        }

        @Override
        public Context context() {
            return context;
        }
    }

    /** Keeps the events of the last {@code windowLength} ms before the reference time (processing time). */
    class TimeEviction<T> implements Eviction<T> {

        private static final Logger LOG = LoggerFactory.getLogger(TimeEviction.class);

        private final long windowLength;
        protected Context context;
        /** How late this firing is against the sliding interval: widens the window so no event is skipped. */
        private long delta;

        TimeEviction(long windowLength) {
            this.windowLength = windowLength;
        }

        @Override
        public Action evict(Event<T> event) {
            // Without a context (a compaction before the first firing) the clock stands in for the reference time.
            long now = context == null ? System.currentTimeMillis() : context.referenceTime();
            long age = now - event.timestamp;
            if (age >= windowLength + delta) {
                return Action.EXPIRE;
            }
            if (age < 0) {
                return Action.KEEP; // arrived after the reference time: belongs to the next window
            }
            return Action.PROCESS;
        }

        @Override
        public void track(Event<T> event) {
        }

        @Override
        public void setContext(Context context) {
            Context previous = this.context;
            this.context = context;
            if (context.slidingInterval() != null) {
                if (previous == null) {
                    delta = Integer.MAX_VALUE; // the first window takes everything seen since the start
                } else {
                    delta = context.referenceTime() - previous.referenceTime() - context.slidingInterval();
                    if (Math.abs(delta) > 100) {
                        LOG.warn("A time window fired {} ms off its sliding interval (clock drift, or a window "
                                + "function that ran long); the window is widened to cover the gap", delta);
                    }
                }
            }
        }

        @Override
        public Context context() {
            return context;
        }
    }

    /**
     * Time eviction on event time: the reference time is the end of the window being fired (up to the watermark).
     * Events more than the allowed lag past it stop the scan, as nothing after them can be due yet.
     */
    final class WatermarkTimeEviction<T> extends TimeEviction<T> {

        private final long lag;

        WatermarkTimeEviction(long windowLength, long lag) {
            super(windowLength);
            this.lag = lag;
        }

        @Override
        public Action evict(Event<T> event) {
            if (context == null) {
                return Action.STOP; // a compaction before the first watermark: keep everything
            }
            long age = context.referenceTime() - event.timestamp;
            if (age < -lag) {
                return Action.STOP;
            }
            if (age < 0) {
                return Action.KEEP;
            }
            return super.evict(event);
        }
    }

    /** Count eviction on event time: counts only the events up to the watermark-driven reference time. */
    final class WatermarkCountEviction<T> implements Eviction<T> {

        private final int threshold;
        private long currentCount;
        private long processed;
        private Context context;

        WatermarkCountEviction(int threshold) {
            this.threshold = threshold;
        }

        @Override
        public Action evict(Event<T> event) {
            if (context == null) {
                return Action.STOP; // a compaction before the first watermark: keep everything
            }
            if (event.timestamp <= context.referenceTime() && processed < currentCount) {
                Action action;
                if (currentCount > threshold) {
                    currentCount--;
                    action = Action.EXPIRE;
                } else {
                    action = Action.PROCESS;
                }
                if (action == Action.PROCESS) {
                    processed++;
                }
                return action;
            }
            return Action.KEEP;
        }

        @Override
        public void track(Event<T> event) {
        }

        @Override
        public void setContext(Context context) {
            this.context = context;
            // The trigger either counted the events up to the window end, or says how many arrived since the last one.
            currentCount = context.currentCount() != null ? context.currentCount() : processed + context.slidingCount();
            processed = 0;
        }

        @Override
        public Context context() {
            return context;
        }
    }
}
