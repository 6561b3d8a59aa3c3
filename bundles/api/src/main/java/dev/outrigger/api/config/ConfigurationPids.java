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

    /**
     * Who may call the admin API: {@code authenticationEnabled}, {@code authenticationProviders},
     * {@code authorizationEnabled}, {@code authorizationProvider}, {@code superUserRoles}, {@code proxyRoles},
     * {@code authenticateMetricsEndpoint}.
     */
    public static final String SECURITY = "dev.outrigger.security";

    /**
     * Pulsar's token authentication keys, from {@code properties}: {@code tokenSecretKey} (as the private property
     * {@code .tokenSecretKey}, so it never becomes a service property), {@code tokenPublicKey}, {@code tokenPublicAlg},
     * {@code tokenAuthClaim}, {@code tokenAudienceClaim}, {@code tokenAudience}.
     */
    public static final String AUTH_TOKEN = "dev.outrigger.auth.token";

    /** Pulsar's basic authentication key, from {@code properties}: {@code basicAuthConf}, as {@code .basicAuthConf}. */
    public static final String AUTH_BASIC = "dev.outrigger.auth.basic";

    /**
     * Pulsar's OpenID Connect authentication keys, from {@code properties}: {@code openIDAllowedTokenIssuers},
     * {@code openIDAllowedAudiences}, {@code openIDRoleClaim} and the other {@code openID*} keys (none is a secret).
     */
    public static final String AUTH_OIDC = "dev.outrigger.auth.oidc";

    /** Felix HTTP (Jetty): port and bind address of the admin API. */
    public static final String HTTP = "org.apache.felix.http";

    private ConfigurationPids() {}
}
