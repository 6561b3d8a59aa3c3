package dev.outrigger.metadata.internal;

/**
 * The metadata topic and how often the leader compacts it. {@code topicCompactionFrequencySec} is only in the worker
 * configuration (every key of {@code functions_worker.yml}), the topic in the cluster configuration.
 */
@interface CompactionConfiguration {

    String pulsarFunctionsNamespace() default "public/functions";

    String functionMetadataTopicName() default "metadata";

    /** Pulsar's key and default; 0 or less turns compaction off. */
    long topicCompactionFrequencySec() default 1800;
}
