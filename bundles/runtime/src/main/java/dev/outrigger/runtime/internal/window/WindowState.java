package dev.outrigger.runtime.internal.window;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.Set;

/**
 * The events of one windowed function and what happens when its trigger fires (Pulsar's {@code WindowManager}). Not
 * thread-safe: the engine calls it under its lock only.
 */
final class WindowState<T> {

    /**
     * Expired events are dropped from the queue at every firing and, between firings, every this many adds (Pulsar's
     * {@code EXPIRE_EVENTS_THRESHOLD}). Pulsar has no other cap: a window holds what its configuration says, and
     * watermark policies hold events until a watermark passes them.
     */
    static final int EXPIRE_EVENTS_THRESHOLD = 100;

    /** What the engine does with a window that fired with at least one event in it. */
    interface Activation<T> {
        void onWindow(List<Event<T>> window, List<Event<T>> newEvents, List<Event<T>> expired, long referenceTime)
                throws Exception;
    }

    // A linked list: event-time scans remove expired events from anywhere in it, not only the head.
    private final LinkedList<Event<T>> queue = new LinkedList<>();
    private final List<Event<T>> expiredSinceLastWindow = new ArrayList<>();
    private final Set<Event<T>> previousWindow = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Activation<T> activation;
    private Eviction<T> eviction;
    private Trigger<T> trigger;
    private int addsSinceLastScan;

    WindowState(Activation<T> activation) {
        this.activation = activation;
    }

    void setPolicies(Eviction<T> eviction, Trigger<T> trigger) {
        this.eviction = eviction;
        this.trigger = trigger;
    }

    /** Adds an event (a watermark only moves the trigger); the trigger may fire a window before this returns. */
    void add(Event<T> event) throws Exception {
        if (!event.isWatermark()) {
            queue.add(event);
        }
        eviction.track(event);
        trigger.track(event);
        if (++addsSinceLastScan >= EXPIRE_EVENTS_THRESHOLD) {
            scan(false);
        }
    }

    /**
     * Fires the window the eviction policy's current context describes.
     *
     * @return whether it had events (an empty window is not handed on)
     */
    boolean fire() throws Exception {
        // A full scan, since events may be out of order on event time.
        List<Event<T>> window = scan(true);
        List<Event<T>> expired = new ArrayList<>(expiredSinceLastWindow);
        expiredSinceLastWindow.clear();
        List<Event<T>> newEvents = new ArrayList<>();
        for (Event<T> event : window) {
            if (!previousWindow.contains(event)) {
                newEvents.add(event);
            }
        }
        previousWindow.clear();
        previousWindow.addAll(window);
        if (!window.isEmpty()) {
            activation.onWindow(window, newEvents, expired, eviction.context().referenceTime());
        }
        // Not reached when the window function threw: a count trigger then fires again at the next event, as Pulsar's.
        trigger.reset();
        return !window.isEmpty();
    }

    /**
     * Expires what the eviction policy says has left the window.
     *
     * @param full scan the whole queue and collect the current window; otherwise stop at the first event not expired
     * @return the events in the current window (full scan only)
     */
    private List<Event<T>> scan(boolean full) {
        List<Event<T>> window = new ArrayList<>();
        Iterator<Event<T>> it = queue.iterator();
        while (it.hasNext()) {
            Event<T> event = it.next();
            Eviction.Action action = eviction.evict(event);
            if (action == Eviction.Action.EXPIRE) {
                expiredSinceLastWindow.add(event);
                it.remove();
            } else if (!full || action == Eviction.Action.STOP) {
                break;
            } else if (action == Eviction.Action.PROCESS) {
                window.add(event);
            }
        }
        addsSinceLastScan = 0;
        return window;
    }

    /** @return the earliest timestamp in (startTs, endTs], or {@link Long#MAX_VALUE} if none */
    long earliestTimestamp(long startTs, long endTs) {
        long min = Long.MAX_VALUE;
        for (Event<T> event : queue) {
            if (event.timestamp > startTs && event.timestamp <= endTs) {
                min = Math.min(min, event.timestamp);
            }
        }
        return min;
    }

    /** @return how many events have a timestamp up to referenceTime */
    long countUpTo(long referenceTime) {
        long count = 0;
        for (Event<T> event : queue) {
            if (event.timestamp <= referenceTime) {
                count++;
            }
        }
        return count;
    }

    /**
     * @return for every {@code slidingCount}-th event (in arrival order) with a timestamp in (startTs, endTs], the
     *     highest timestamp seen up to it: the ends of the count windows due by endTs
     */
    List<Long> slidingCountTimestamps(long startTs, long endTs, int slidingCount) {
        List<Long> ends = new ArrayList<>();
        if (endTs > startTs) {
            int count = 0;
            long max = Long.MIN_VALUE;
            for (Event<T> event : queue) {
                if (event.timestamp > startTs && event.timestamp <= endTs) {
                    max = Math.max(max, event.timestamp);
                    if (++count % slidingCount == 0) {
                        ends.add(max);
                    }
                }
            }
        }
        return ends;
    }

    /** @return the number of events held (for tests) */
    int size() {
        return queue.size();
    }
}
