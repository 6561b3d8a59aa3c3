package dev.outrigger.runtime.internal.window;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;
import org.apache.pulsar.common.functions.WindowConfig;
import org.apache.pulsar.functions.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pulsar 4.0's windowing for one function instance (what {@code WindowFunctionExecutor} and {@code WindowManager} do):
 * the instance adds each input record, the engine groups them into windows and hands each window to a
 * {@link WindowHandler}.
 *
 * <ul>
 *   <li>Windows: by count ({@code windowLengthCount}) or duration ({@code windowLengthDurationMs}), sliding by count
 *       ({@code slidingIntervalCount}) or duration ({@code slidingIntervalDurationMs}); a missing sliding interval is
 *       the window length (tumbling). Count triggers fire on the thread calling {@link #add}, duration triggers on the
 *       timer. Times are processing time (when {@link #add} is called), or event time when
 *       {@code timestampExtractorClassName} is set: then watermarks are computed every {@code watermarkEmitIntervalMs}
 *       (default 1000) from the newest event time of each input topic minus {@code maxLagMs} (default 0), and fire
 *       the windows they pass, on the timer; event-time windows of a duration end at multiples of the sliding interval.
 *   <li>Acknowledgements follow {@code processingGuarantees} as Pulsar 4.0 does: {@code ATMOST_ONCE} acks each record
 *       as it is added; {@code ATLEAST_ONCE} (also when unset) acks the records of a window once the stage the handler
 *       returned completed normally (at once if it returned null). A record is acked once, by the first window that
 *       made it out; leaving the window acks nothing. Late records are not acked (as Pulsar 4.0): under
 *       {@code ATLEAST_ONCE} they stay unacknowledged until redelivered.
 *   <li>Late records (event time, older than the last watermark) go to the {@link LateDataSink} when
 *       {@code lateDataTopic} is set, and are otherwise logged and dropped.
 *   <li>The handler is never called concurrently with itself, nor with {@link #add}'s own work; {@link #close} waits
 *       for a window being handled. After {@link #close} returns, nothing is handled and nothing is acked, not even
 *       for windows whose results complete later.
 *   <li>Memory: as Pulsar's, the queue is pruned of expired events at every firing and every
 *       {@value WindowState#EXPIRE_EVENTS_THRESHOLD} records; there is no other cap.
 * </ul>
 *
 * <p>{@code actualWindowFunctionClassName} is not used here: calling the user's window function is the handler's job.
 */
public final class WindowEngine<T> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WindowEngine.class);

    /** What the instance does with each window that has at least one record. */
    @FunctionalInterface
    public interface WindowHandler<T> {

        /**
         * Called for each window, from the thread calling {@link WindowEngine#add} (count triggers) or from the timer
         * (duration and event-time triggers), never concurrently with itself. The lists are unmodifiable, oldest first.
         *
         * @param window every record in the window
         * @param newRecords the records of the window that were not in the previous one
         * @param expired the records that left the window since the previous firing
         * @param startTimestamp for windows of a duration, endTimestamp minus the window length; null for count windows
         * @param endTimestamp the time the window ends at: the firing time for processing time (for a count trigger,
         *     when the last record arrived), the window end for event time
         * @return a stage that completes when the window's result is safely out (for example the publish of the
         *     function's output), after which the records are acked under at-least-once; null if there is nothing
         *     to wait for. A stage that completes exceptionally acks nothing.
         * @throws Exception the window function failed: nothing is acked; from {@link WindowEngine#add} it is thrown
         *     to the caller (and a count window fires again with the next record), from the timer it is logged
         */
        CompletionStage<?> onWindow(List<Record<T>> window, List<Record<T>> newRecords, List<Record<T>> expired,
                Long startTimestamp, Long endTimestamp) throws Exception;
    }

    /** Where late records go when {@code windowConfig.lateDataTopic} is set. */
    @FunctionalInterface
    public interface LateDataSink<T> {

        /**
         * Called from {@link WindowEngine#add} for a record whose event time is before the last watermark. Pulsar
         * publishes its value to the topic (asynchronously, with the function's output schema for the value type) and
         * does not ack the record.
         */
        void onLateRecord(String lateDataTopic, Record<T> record);
    }

    private final String name;
    private final WindowHandler<T> handler;
    private final LateDataSink<T> lateData;
    private final String lateDataTopic;
    private final Long windowLengthMs;
    private final boolean ackOnArrival;
    private final LongSupplier clock;
    private final WindowState<T> state;
    /** Null on processing time. */
    private final ToLongFunction<Object> timestampExtractor;
    /** Null on processing time. */
    private final WatermarkGenerator watermarks;
    /** Non-null for a duration trigger on processing time. */
    private final Trigger.TimeTrigger<T> timeTrigger;
    // Fair, so that a record added while the timer fires window after window is not starved.
    private final ReentrantLock lock = new ReentrantLock(true);
    private final List<ScheduledFuture<?>> timers = new ArrayList<>();
    private volatile boolean closed;

    private WindowEngine(String name, WindowConfig config, Collection<String> inputTopics, ClassLoader functionLoader,
            WindowHandler<T> handler, LateDataSink<T> lateData, LongSupplier clock) {
        this.name = name;
        this.handler = handler;
        this.lateData = lateData;
        this.clock = clock;
        this.lateDataTopic = config.getLateDataTopic();
        this.windowLengthMs = config.getWindowLengthDurationMs();
        this.ackOnArrival = config.getProcessingGuarantees() == WindowConfig.ProcessingGuarantees.ATMOST_ONCE;
        boolean eventTime = config.getTimestampExtractorClassName() != null;
        if (eventTime) {
            Objects.requireNonNull(functionLoader, "functionLoader");
            this.timestampExtractor = TimestampExtractors.load(config.getTimestampExtractorClassName(), functionLoader);
            this.watermarks = new WatermarkGenerator(inputTopics == null ? 0 : inputTopics.size(),
                    config.getMaxLagMs());
        } else {
            this.timestampExtractor = null;
            this.watermarks = null;
        }
        this.state = new WindowState<>(this::onWindow);
        Eviction<T> eviction;
        if (config.getWindowLengthCount() != null) {
            eviction = eventTime
                    ? Eviction.watermarkCount(config.getWindowLengthCount())
                    : Eviction.count(config.getWindowLengthCount());
        } else {
            eviction = eventTime
                    ? Eviction.watermarkTime(config.getWindowLengthDurationMs(), config.getMaxLagMs())
                    : Eviction.time(config.getWindowLengthDurationMs());
        }
        Trigger<T> trigger;
        Trigger.TimeTrigger<T> timed = null;
        if (config.getSlidingIntervalCount() != null) {
            trigger = eventTime
                    ? new Trigger.WatermarkCountTrigger<>(config.getSlidingIntervalCount(), state, eviction)
                    : new Trigger.CountTrigger<>(config.getSlidingIntervalCount(), state, eviction, clock);
        } else if (eventTime) {
            trigger = new Trigger.WatermarkTimeTrigger<>(config.getSlidingIntervalDurationMs(), state, eviction);
        } else {
            timed = new Trigger.TimeTrigger<>(config.getSlidingIntervalDurationMs(), state, eviction, clock);
            trigger = timed;
        }
        this.timeTrigger = timed;
        state.setPolicies(eviction, trigger);
    }

    /**
     * Starts windowing for one instance.
     *
     * @param name the instance, for the log
     * @param config the function's {@code windowConfig}; not modified
     * @param inputTopics the function's input topics: on event time, a watermark needs records from this many topics
     * @param functionLoader the function's class loader, for the timestamp extractor
     * @param timer runs duration triggers and watermarks (and so the handler); not shut down by {@link #close}
     * @param handler gets the windows
     * @param lateData gets late records; needed only with {@code lateDataTopic}
     * @throws IllegalArgumentException if the configuration is invalid or the timestamp extractor cannot be used
     */
    public static <T> WindowEngine<T> start(String name, WindowConfig config, Collection<String> inputTopics,
            ClassLoader functionLoader, ScheduledExecutorService timer, WindowHandler<T> handler,
            LateDataSink<T> lateData) {
        return start(name, config, inputTopics, functionLoader, timer, handler, lateData, System::currentTimeMillis);
    }

    static <T> WindowEngine<T> start(String name, WindowConfig config, Collection<String> inputTopics,
            ClassLoader functionLoader, ScheduledExecutorService timer, WindowHandler<T> handler,
            LateDataSink<T> lateData, LongSupplier clock) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(timer, "timer");
        Objects.requireNonNull(handler, "handler");
        WindowConfig effective = withDefaults(config);
        if (effective.getLateDataTopic() != null && lateData == null) {
            throw new IllegalArgumentException("windowConfig.lateDataTopic is set but there is no late data sink");
        }
        WindowEngine<T> engine = new WindowEngine<>(name, effective, inputTopics, functionLoader, handler, lateData,
                clock);
        // Scheduled only now, so that no timer task sees a half-built engine.
        if (engine.timeTrigger != null) {
            long interval = effective.getSlidingIntervalDurationMs();
            engine.timers.add(timer.scheduleAtFixedRate(() -> engine.onTimer(engine.timeTrigger::fire), interval,
                    interval, TimeUnit.MILLISECONDS));
        }
        if (engine.watermarks != null) {
            long interval = effective.getWatermarkEmitIntervalMs();
            engine.timers.add(timer.scheduleAtFixedRate(() -> engine.onTimer(engine::emitWatermark), interval,
                    interval, TimeUnit.MILLISECONDS));
        }
        return engine;
    }

    /**
     * Adds the next input record; a count window may fire (and the handler run) before this returns.
     *
     * @throws Exception what the handler threw (the record stays in the window), or what the timestamp extractor
     *     threw (the record is not added)
     * @throws IllegalStateException if the engine is closed
     */
    public void add(Record<T> record) throws Exception {
        Objects.requireNonNull(record, "record");
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("The window engine of " + name + " is closed");
            }
            if (ackOnArrival) {
                record.ack(); // at most once: acked before anything can fail, as Pulsar
            }
            if (timestampExtractor == null) {
                state.add(Event.of(record, clock.getAsLong()));
                return;
            }
            long timestamp = timestampExtractor.applyAsLong(record.getValue());
            if (watermarks.track(record.getTopicName().orElse(""), timestamp)) {
                state.add(Event.of(record, timestamp));
            } else if (lateDataTopic != null) {
                lateData.onLateRecord(lateDataTopic, record);
            } else {
                LOG.info("{}: a record of {} with event time {} is before the last watermark {}; it is late and will "
                        + "not be processed (set windowConfig.lateDataTopic to keep late records)", name,
                        record.getTopicName().orElse("?"), timestamp, watermarks.lastWatermark());
            }
        } finally {
            lock.unlock();
        }
    }

    /** Stops the timers; windows not fired yet are dropped, and their records are not acked. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
        timers.forEach(timer -> timer.cancel(false));
    }

    /** Emits a watermark now if it would move (tests; the timer calls it every watermarkEmitIntervalMs). */
    void emitWatermark() throws Exception {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            OptionalLong watermark = watermarks.next();
            if (watermark.isPresent()) {
                state.add(Event.watermark(watermark.getAsLong()));
                watermarks.emitted(watermark.getAsLong());
            }
        } finally {
            lock.unlock();
        }
    }

    /** @return the number of records held (tests) */
    int heldRecords() {
        lock.lock();
        try {
            return state.size();
        } finally {
            lock.unlock();
        }
    }

    @FunctionalInterface
    private interface TimerTask {
        void run() throws Exception;
    }

    private void onTimer(TimerTask task) {
        lock.lock();
        try {
            if (!closed) {
                task.run();
            }
        } catch (Throwable e) {
            // Caught whatever it is: a periodic task that throws is never run again, and the windows would stop.
            LOG.error("{}: a window failed", name, e);
        } finally {
            lock.unlock();
        }
    }

    private void onWindow(List<Event<T>> window, List<Event<T>> newEvents, List<Event<T>> expired, long endTs)
            throws Exception {
        Long start = windowLengthMs == null ? null : endTs - windowLengthMs;
        CompletionStage<?> done = handler.onWindow(records(window), records(newEvents), records(expired), start, endTs);
        if (ackOnArrival) {
            return;
        }
        if (done == null) {
            ack(window);
        } else {
            done.whenComplete((result, failure) -> {
                if (failure == null) {
                    ack(window);
                }
            });
        }
    }

    private void ack(List<Event<T>> window) {
        for (Event<T> event : window) {
            if (closed) {
                return;
            }
            if (event.acked.compareAndSet(false, true)) {
                event.record.ack();
            }
        }
    }

    private static <T> List<Record<T>> records(List<Event<T>> events) {
        return events.stream().map(event -> event.record).toList();
    }

    /**
     * Checks the configuration as Pulsar's {@code WindowConfigUtils.validate} does and fills in what Pulsar's
     * {@code inferMissingArguments} fills in, on a copy.
     */
    static WindowConfig withDefaults(WindowConfig config) {
        WindowConfig c = new WindowConfig()
                .setWindowLengthCount(config.getWindowLengthCount())
                .setWindowLengthDurationMs(config.getWindowLengthDurationMs())
                .setSlidingIntervalCount(config.getSlidingIntervalCount())
                .setSlidingIntervalDurationMs(config.getSlidingIntervalDurationMs())
                .setLateDataTopic(config.getLateDataTopic())
                .setMaxLagMs(config.getMaxLagMs())
                .setWatermarkEmitIntervalMs(config.getWatermarkEmitIntervalMs())
                .setTimestampExtractorClassName(config.getTimestampExtractorClassName())
                .setActualWindowFunctionClassName(config.getActualWindowFunctionClassName())
                .setProcessingGuarantees(config.getProcessingGuarantees());
        if (c.getWindowLengthCount() == null && c.getWindowLengthDurationMs() == null) {
            throw new IllegalArgumentException("Window length is not specified: set windowConfig.windowLengthCount "
                    + "or windowConfig.windowLengthDurationMs");
        }
        if (c.getWindowLengthCount() != null && c.getWindowLengthDurationMs() != null) {
            throw new IllegalArgumentException("Window length for time and count are set: set "
                    + "windowConfig.windowLengthCount or windowConfig.windowLengthDurationMs, not both");
        }
        positive("windowLengthCount", c.getWindowLengthCount());
        positive("windowLengthDurationMs", c.getWindowLengthDurationMs());
        positive("slidingIntervalCount", c.getSlidingIntervalCount());
        positive("slidingIntervalDurationMs", c.getSlidingIntervalDurationMs());
        if (c.getTimestampExtractorClassName() != null) {
            if (c.getMaxLagMs() != null && c.getMaxLagMs() < 0) {
                throw new IllegalArgumentException("windowConfig.maxLagMs must not be negative, got "
                        + c.getMaxLagMs());
            }
            positive("watermarkEmitIntervalMs", c.getWatermarkEmitIntervalMs());
        } else if (c.getLateDataTopic() != null) {
            throw new IllegalArgumentException("windowConfig.lateDataTopic can be set only with "
                    + "windowConfig.timestampExtractorClassName: records are late only on event time");
        }
        if (c.getWindowLengthDurationMs() != null && c.getSlidingIntervalDurationMs() == null) {
            c.setSlidingIntervalDurationMs(c.getWindowLengthDurationMs());
        }
        if (c.getWindowLengthCount() != null && c.getSlidingIntervalCount() == null) {
            c.setSlidingIntervalCount(c.getWindowLengthCount());
        }
        if (c.getTimestampExtractorClassName() != null) {
            if (c.getMaxLagMs() == null) {
                c.setMaxLagMs(0L);
            }
            if (c.getWatermarkEmitIntervalMs() == null) {
                c.setWatermarkEmitIntervalMs(1000L);
            }
        }
        return c;
    }

    private static void positive(String key, Number value) {
        if (value != null && value.longValue() <= 0) {
            throw new IllegalArgumentException("windowConfig." + key + " must be positive, got " + value);
        }
    }
}
