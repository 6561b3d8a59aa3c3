package dev.outrigger.cluster.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** This worker's identity and the cluster's namespace and topics: Pulsar's {@code functions_worker.yml} keys. */
@ObjectClassDefinition(name = "Outrigger cluster", description = "Identity of this worker and of its cluster.")
@interface ClusterConfiguration {

    @AttributeDefinition(description = "Unique id of this worker in the cluster.")
    String workerId();

    @AttributeDefinition(description = "Host name other workers, proxies and clients reach this worker on.")
    String workerHostname();

    @AttributeDefinition(description = "HTTP port of the admin API.")
    int workerPort() default 6750;

    @AttributeDefinition(description = "HTTPS port of the admin API.")
    int workerPortTls() default 6751;

    @AttributeDefinition(description = "Whether the admin API is served over TLS; the cluster then knows this worker "
            + "by its TLS port, as Pulsar's worker does.")
    boolean tlsEnabled() default false;

    @AttributeDefinition(description = "Pulsar cluster the functions run in.")
    String pulsarFunctionsCluster() default "standalone";

    @AttributeDefinition(description = "Namespace holding the worker's metadata, coordination and assignment topics.")
    String pulsarFunctionsNamespace() default "public/functions";

    String functionMetadataTopicName() default "metadata";

    String clusterCoordinationTopicName() default "coordinate";

    String functionAssignmentTopicName() default "assignments";

    @AttributeDefinition(description = "How many times (one second apart) to try the broker before giving up.")
    int initialBrokerReconnectMaxRetries() default 60;

    @AttributeDefinition(description = "Admin REST URL of the brokers, named in start-up errors.")
    String pulsarWebServiceUrl() default "http://localhost:8080";
}
