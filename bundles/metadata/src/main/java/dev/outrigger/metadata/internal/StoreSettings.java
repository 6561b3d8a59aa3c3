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
 * @param requestTimeout how long a write forwarded to the leader may take over HTTP
 */
record StoreSettings(
        String topic,
        Duration readyWait,
        Duration applyTimeout,
        Duration leaderReadyWait,
        int leaderAttempts,
        Duration retryDelay,
        Duration pollInterval,
        Duration requestTimeout) {

    static StoreSettings of(String topic) {
        return new StoreSettings(topic, Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(5), 10,
                Duration.ofMillis(100), Duration.ofMillis(100), Duration.ofSeconds(75));
    }

    static String topic(String namespace, String topicName) {
        return "persistent://" + namespace + "/" + topicName;
    }

    StoreSettings withRetries(int attempts, Duration delay) {
        return new StoreSettings(topic, readyWait, applyTimeout, leaderReadyWait, attempts, delay, pollInterval,
                requestTimeout);
    }

    /** @return the pause after the given failed attempt (1-based): linear growth, at most one second */
    Duration retryDelay(int attempt) {
        Duration delay = retryDelay.multipliedBy(Math.max(1, attempt));
        return delay.compareTo(Duration.ofSeconds(1)) > 0 ? Duration.ofSeconds(1) : delay;
    }
}
