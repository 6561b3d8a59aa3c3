package dev.outrigger.scheduler.internal;

import dev.outrigger.api.scheduler.Parallelism;
import java.time.Duration;

/**
 * The assignments topic and the patience of those who read and write it.
 *
 * @param topic {@code persistent://<pulsarFunctionsNamespace>/<functionAssignmentTopicName>}
 * @param pollInterval how long a reader waits for a record before it looks up (to notice closing)
 * @param readTimeout how long reading a record the broker announced may take
 * @param retryDelay the pause after the first failed attempt; it grows with each attempt, up to one second
 * @param membershipCheck how often the leader asks the broker who the members are (Pulsar's {@code failureCheckFreqMs})
 * @param rescheduleTimeout how long a worker may be gone before its instances move (Pulsar's
 *     {@code rescheduleTimeoutMs}): one back within it keeps them
 * @param compactEvery after how many records written the leader triggers compaction of the topic; 0 never
 * @param maxParallelism the parallelism above which a component is quarantined, not scheduled
 */
record AssignmentSettings(
        String topic,
        Duration pollInterval,
        Duration readTimeout,
        Duration retryDelay,
        Duration membershipCheck,
        Duration rescheduleTimeout,
        int compactEvery,
        int maxParallelism) {

    /** Outrigger's defaults where the file sets neither: a check every 5 s, and no grace. */
    static final Duration DEFAULT_MEMBERSHIP_CHECK = Duration.ofSeconds(5);

    static AssignmentSettings of(String topic) {
        return new AssignmentSettings(topic, Duration.ofMillis(200), Duration.ofSeconds(30), Duration.ofMillis(100),
                DEFAULT_MEMBERSHIP_CHECK, Duration.ZERO, 1000, Parallelism.DEFAULT_MAX);
    }

    /**
     * @param failureCheckFreqMs Pulsar's key as the worker configuration holds it; blank or not a positive number for
     *     the default
     * @param rescheduleTimeoutMs likewise; blank or negative for none
     */
    AssignmentSettings withFailureHandling(String failureCheckFreqMs, String rescheduleTimeoutMs) {
        long check = millis(failureCheckFreqMs);
        long grace = millis(rescheduleTimeoutMs);
        return new AssignmentSettings(topic, pollInterval, readTimeout, retryDelay,
                check > 0 ? Duration.ofMillis(check) : DEFAULT_MEMBERSHIP_CHECK,
                grace > 0 ? Duration.ofMillis(grace) : Duration.ZERO, compactEvery, maxParallelism);
    }

    AssignmentSettings withRescheduleTimeout(Duration grace) {
        return new AssignmentSettings(topic, pollInterval, readTimeout, retryDelay, membershipCheck, grace,
                compactEvery, maxParallelism);
    }

    private static long millis(String value) {
        try {
            return value == null || value.isBlank() ? -1 : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1; // the configuration bundle refuses such a file; nothing here to add
        }
    }

    static String topic(String namespace, String topicName) {
        return "persistent://" + namespace + "/" + topicName;
    }

    AssignmentSettings withMembershipCheck(Duration period) {
        return new AssignmentSettings(topic, pollInterval, readTimeout, retryDelay, period, rescheduleTimeout,
                compactEvery, maxParallelism);
    }

    AssignmentSettings withCompactEvery(int records) {
        return new AssignmentSettings(topic, pollInterval, readTimeout, retryDelay, membershipCheck,
                rescheduleTimeout, records, maxParallelism);
    }

    AssignmentSettings withMaxParallelism(int ceiling) {
        return new AssignmentSettings(topic, pollInterval, readTimeout, retryDelay, membershipCheck,
                rescheduleTimeout, compactEvery, ceiling);
    }

    /** @return the pause after the given failed attempt (1-based): linear growth, at most one second */
    Duration retryDelay(int attempt) {
        Duration delay = retryDelay.multipliedBy(Math.max(1, attempt));
        return delay.compareTo(Duration.ofSeconds(1)) > 0 ? Duration.ofSeconds(1) : delay;
    }
}
