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
 * @param membershipCheck how often the leader asks the broker who the members are
 * @param compactEvery after how many records written the leader triggers compaction of the topic; 0 never
 * @param maxParallelism the parallelism above which a component is quarantined, not scheduled
 */
record AssignmentSettings(
        String topic,
        Duration pollInterval,
        Duration readTimeout,
        Duration retryDelay,
        Duration membershipCheck,
        int compactEvery,
        int maxParallelism) {

    static AssignmentSettings of(String topic) {
        return new AssignmentSettings(topic, Duration.ofMillis(200), Duration.ofSeconds(30), Duration.ofMillis(100),
                Duration.ofSeconds(5), 1000, Parallelism.DEFAULT_MAX);
    }

    static String topic(String namespace, String topicName) {
        return "persistent://" + namespace + "/" + topicName;
    }

    AssignmentSettings withMembershipCheck(Duration period) {
        return new AssignmentSettings(topic, pollInterval, readTimeout, retryDelay, period, compactEvery,
                maxParallelism);
    }

    AssignmentSettings withCompactEvery(int records) {
        return new AssignmentSettings(topic, pollInterval, readTimeout, retryDelay, membershipCheck, records,
                maxParallelism);
    }

    AssignmentSettings withMaxParallelism(int ceiling) {
        return new AssignmentSettings(topic, pollInterval, readTimeout, retryDelay, membershipCheck, compactEvery,
                ceiling);
    }

    /** @return the pause after the given failed attempt (1-based): linear growth, at most one second */
    Duration retryDelay(int attempt) {
        Duration delay = retryDelay.multipliedBy(Math.max(1, attempt));
        return delay.compareTo(Duration.ofSeconds(1)) > 0 ? Duration.ofSeconds(1) : delay;
    }
}
