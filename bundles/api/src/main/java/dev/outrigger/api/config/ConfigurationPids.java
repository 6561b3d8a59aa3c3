package dev.outrigger.api.config;

/**
 * The ConfigAdmin PIDs the configuration bundle derives from {@code functions_worker.yml}. Property names inside each
 * configuration are Pulsar's key names, so an operator reading one recognises the other.
 */
public final class ConfigurationPids {

    /**
     * Every key of {@code functions_worker.yml} as written, typed: for bundles that need Pulsar keys no other PID
     * carries (packages, runtime, security).
     */
    public static final String WORKER = "dev.outrigger.worker";

    /** The broker-facing clients: service URLs, broker-client authentication and TLS. */
    public static final String PULSAR = "dev.outrigger.pulsar";

    /** This worker's identity and the cluster's namespace and topics. */
    public static final String CLUSTER = "dev.outrigger.cluster";

    /** Felix HTTP (Jetty): port and bind address of the admin API. */
    public static final String HTTP = "org.apache.felix.http";

    private ConfigurationPids() {}
}
