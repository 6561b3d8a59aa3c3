package dev.outrigger.runtime.internal.window;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Tracks the newest event time seen on each input topic, and computes watermarks from them (Pulsar's
 * {@code WaterMarkEventGenerator}): the oldest of those per-topic times, minus the allowed lag, once every input topic
 * has delivered something. An event older than the last watermark is late. Not thread-safe: used under the engine's
 * lock.
 */
final class WatermarkGenerator {

    private final Map<String, Long> newestByTopic = new HashMap<>();
    private final int inputTopics;
    private final long maxLagMs;
    private long lastWatermark;

    /**
     * @param inputTopics how many topics must have delivered before a watermark is emitted (at least 1; records of a
     *     partitioned topic count per partition, as in Pulsar)
     */
    WatermarkGenerator(int inputTopics, long maxLagMs) {
        this.inputTopics = Math.max(1, inputTopics);
        this.maxLagMs = maxLagMs;
    }

    /** @return false if the event is late (before the last watermark) */
    boolean track(String topic, long timestamp) {
        newestByTopic.merge(topic, timestamp, Math::max);
        return timestamp >= lastWatermark;
    }

    /** @return the next watermark, if it would move past the last one */
    OptionalLong next() {
        long ts = 0;
        if (newestByTopic.size() >= inputTopics) {
            ts = Long.MAX_VALUE;
            for (long newest : newestByTopic.values()) {
                ts = Math.min(ts, newest);
            }
        }
        ts -= maxLagMs;
        return ts > lastWatermark ? OptionalLong.of(ts) : OptionalLong.empty();
    }

    /** Records a watermark once every window it fired has been handled, so a failed one is emitted again. */
    void emitted(long watermark) {
        lastWatermark = watermark;
    }

    long lastWatermark() {
        return lastWatermark;
    }
}
