package dev.outrigger.cluster.internal;

/** Fully qualified names of the worker's three topics, all in {@code pulsarFunctionsNamespace}. */
record WorkerTopics(String namespace, String metadata, String coordination, String assignments) {

    /** Pulsar's worker calls its Failover subscription on the coordination topic this. */
    static final String COORDINATION_SUBSCRIPTION = "participants";

    static WorkerTopics of(ClusterConfiguration config) {
        String prefix = "persistent://" + config.pulsarFunctionsNamespace() + "/";
        return new WorkerTopics(
                config.pulsarFunctionsNamespace(),
                prefix + config.functionMetadataTopicName(),
                prefix + config.clusterCoordinationTopicName(),
                prefix + config.functionAssignmentTopicName());
    }
}
