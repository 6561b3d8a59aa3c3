package dev.outrigger.runtime.internal.window;

import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pulsar.functions.api.Record;

/** A record in the window with the timestamp it is windowed by, or a watermark (no record). */
final class Event<T> {

    final Record<T> record;
    final long timestamp;
    /**
     * Set by the first window whose result made it out. Pulsar acks a record again in every later window holding it;
     * once is enough for the broker, and spares one acknowledgement per window for long sliding windows.
     */
    final AtomicBoolean acked = new AtomicBoolean();

    private Event(Record<T> record, long timestamp) {
        this.record = record;
        this.timestamp = timestamp;
    }

    static <T> Event<T> of(Record<T> record, long timestamp) {
        return new Event<>(record, timestamp);
    }

    static <T> Event<T> watermark(long timestamp) {
        return new Event<>(null, timestamp);
    }

    boolean isWatermark() {
        return record == null;
    }

    @Override
    public String toString() {
        return (isWatermark() ? "Watermark@" : "Event@") + timestamp;
    }
}
