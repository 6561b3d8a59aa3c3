package dev.outrigger.metadata.internal;

import java.time.Duration;

/**
 * The store's topic and its patience.
 *
 * @param topic the metadata topic, {@code persistent://<pulsarFunctionsNamespace>/<functionMetadataTopicName>}
 * @param readyWait how long a read waits for the store to have read the topic at start, before it throws
 * @param applyTimeout how long a write waits for this worker to read its record back
 * @param leaderReadyWait how long a write waits for this worker, newly leader, to hold the exclusive producer
 * @param leaderAttempts how many times a write is tried while the leadership moves (503, no leader yet)
 * @param retryDelay the pause after the first failed attempt; it grows with each attempt, up to one second
 * @param pollInterval how often the tailer looks up from reading to serve catch-up requests
 * @param requestTimeout how long one forwarding of a write to the leader may take over HTTP, at most
 * @param writeDeadline how long a write may take in all, queued, tried and retried: past it the caller is told
 *     whether it was written, surely not, or (the leader's answer lost) that the outcome is unknown
 * @param leaderWriteWait how long the leader works on a write another worker forwarded before it answers; shorter
 *     than {@code requestTimeout}, so the forwarding worker hears the answer
 * @param maxQueuedWrites how many writes may wait for a thread, and for the leader's thread; more are refused as
 *     not written rather than queued without bound
 */
record StoreSettings(
        String topic,
        Duration readyWait,
        Duration applyTimeout,
        Duration leaderReadyWait,
        int leaderAttempts,
        Duration retryDelay,
        Duration pollInterval,
        Duration requestTimeout,
        Duration writeDeadline,
        Duration leaderWriteWait,
        int maxQueuedWrites) {

    static StoreSettings of(String topic) {
        // within the functions bundle's 30 s wait for a write, so the caller hears this store's precise outcome
        return new StoreSettings(topic, Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(5), 10,
                Duration.ofMillis(100), Duration.ofMillis(100), Duration.ofSeconds(20), Duration.ofSeconds(25),
                Duration.ofSeconds(15), 64);
    }

    static String topic(String namespace, String topicName) {
        return "persistent://" + namespace + "/" + topicName;
    }

    StoreSettings withRetries(int attempts, Duration delay) {
        return new StoreSettings(topic, readyWait, applyTimeout, leaderReadyWait, attempts, delay, pollInterval,
                requestTimeout, writeDeadline, leaderWriteWait, maxQueuedWrites);
    }

    StoreSettings withWriteLimits(Duration deadline, Duration leaderWait, int maxQueued) {
        return new StoreSettings(topic, readyWait, applyTimeout, leaderReadyWait, leaderAttempts, retryDelay,
                pollInterval, requestTimeout, deadline, leaderWait, maxQueued);
    }

    /** @return the pause after the given failed attempt (1-based): linear growth, at most one second */
    Duration retryDelay(int attempt) {
        Duration delay = retryDelay.multipliedBy(Math.max(1, attempt));
        return delay.compareTo(Duration.ofSeconds(1)) > 0 ? Duration.ofSeconds(1) : delay;
    }
}
