package dev.outrigger.config.internal;

import static dev.outrigger.config.internal.ValueType.BOOLEAN;
import static dev.outrigger.config.internal.ValueType.DOUBLE;
import static dev.outrigger.config.internal.ValueType.INT;
import static dev.outrigger.config.internal.ValueType.LIST;
import static dev.outrigger.config.internal.ValueType.LONG;
import static dev.outrigger.config.internal.ValueType.MAP;
import static dev.outrigger.config.internal.ValueType.STRING;

import dev.outrigger.api.config.ConfigurationPids;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The one table of {@code functions_worker.yml} keys: Pulsar 4.0's {@code WorkerConfig} fields plus Outrigger's own.
 * Every known key lands, as written, in {@link #WORKER_PID}; a key with targets is also written, with its default or
 * fallback applied, into those PIDs. Adding a key is one line.
 */
final class WorkerKeys {

    /** Every key of the file with its typed value, for bundles that read Pulsar keys this bundle does not act on. */
    static final String WORKER_PID = ConfigurationPids.WORKER;

    static final String CLUSTER = ConfigurationPids.CLUSTER;
    static final String PULSAR = ConfigurationPids.PULSAR;
    static final String HTTP = ConfigurationPids.HTTP;
    static final String SECURITY = ConfigurationPids.SECURITY;
    static final String AUTH_TOKEN = ConfigurationPids.AUTH_TOKEN;
    static final String AUTH_BASIC = ConfigurationPids.AUTH_BASIC;
    static final String AUTH_OIDC = ConfigurationPids.AUTH_OIDC;

    // Felix HTTP (Jetty) property names
    static final String HTTP_PORT = "org.osgi.service.http.port";
    static final String HTTP_HOST = "org.apache.felix.http.host";
    static final String HTTP_ENABLE = "org.apache.felix.http.enable";

    /**
     * Write order: the generic PID first, so a component reacting to its own PID can already read it; HTTP last, as a
     * port change restarts Jetty.
     */
    static final List<String> PIDS = List.of(WORKER_PID, PULSAR, AUTH_TOKEN, AUTH_BASIC, AUTH_OIDC, SECURITY, CLUSTER,
            HTTP);

    /**
     * PIDs written only when the file has something for them, and deleted when it no longer has: their components
     * (the authentication providers) cannot work without a key.
     */
    static final Set<String> OPTIONAL_PIDS = Set.of(AUTH_TOKEN, AUTH_BASIC, AUTH_OIDC);

    /**
     * Entries of {@code properties} that Pulsar's worker hands its authentication providers, and where they go: the
     * provider's PID, secrets under a name starting with '.', which Declarative Services never makes a service
     * property.
     */
    static final Map<String, Target> PROVIDER_PROPERTIES = Map.ofEntries(
            Map.entry("tokenSecretKey", new Target(AUTH_TOKEN, ".tokenSecretKey")),
            Map.entry("tokenPublicKey", new Target(AUTH_TOKEN, "tokenPublicKey")),
            Map.entry("tokenPublicAlg", new Target(AUTH_TOKEN, "tokenPublicAlg")),
            Map.entry("tokenAuthClaim", new Target(AUTH_TOKEN, "tokenAuthClaim")),
            Map.entry("tokenAudienceClaim", new Target(AUTH_TOKEN, "tokenAudienceClaim")),
            Map.entry("tokenAudience", new Target(AUTH_TOKEN, "tokenAudience")),
            Map.entry("basicAuthConf", new Target(AUTH_BASIC, ".basicAuthConf")),
            // Pulsar's AuthenticationProviderOpenID; none of its keys is a secret
            oidc("openIDAllowedTokenIssuers"),
            oidc("openIDAllowedAudiences"),
            oidc("openIDRoleClaim"),
            oidc("openIDAcceptedTimeLeewaySeconds"),
            oidc("openIDCacheSize"),
            oidc("openIDCacheRefreshAfterWriteSeconds"),
            oidc("openIDCacheExpirationSeconds"),
            oidc("openIDHttpConnectionTimeoutMillis"),
            oidc("openIDHttpReadTimeoutMillis"),
            oidc("openIDKeyIdCacheMissRefreshSeconds"),
            oidc("openIDRequireIssuersUseHttps"),
            oidc("openIDTokenIssuerTrustCertsFilePath"),
            oidc("openIDFallbackDiscoveryMode"));

    /** Pulsar's class names of the built-in providers, for the checks that their keys are set. */
    static final String TOKEN_PROVIDER = "org.apache.pulsar.broker.authentication.AuthenticationProviderToken";
    static final String BASIC_PROVIDER = "org.apache.pulsar.broker.authentication.AuthenticationProviderBasic";
    static final String OIDC_PROVIDER = "org.apache.pulsar.broker.authentication.oidc.AuthenticationProviderOpenID";

    /** Properties written whatever the file says. */
    static final Map<String, Map<String, Object>> FIXED = Map.of();

    /** Prefix of {@code properties} entries Pulsar applies to its broker clients; passed on to {@link #PULSAR}. */
    static final String BROKER_CLIENT_PREFIX = "brokerClient_";

    private static final String PORT = "a port number (1-65535)";
    private static final String ROUND_ROBIN = "org.apache.pulsar.functions.worker.scheduler.RoundRobinScheduler";
    private static final String THREAD_RUNTIME = "org.apache.pulsar.functions.runtime.thread.ThreadRuntimeFactory";

    static final Map<String, Key> KEYS = index(
            // --- Acted on: identity and web server (Pulsar's defaults from WorkerConfig and the shipped file)
            key("workerHostname", STRING).blankMeansUnset().orElse(Effective::localHostName).to(CLUSTER),
            // an explicit null disables plain HTTP, as in Pulsar (WorkerYamlReader handles it)
            key("workerPort", INT).expect(PORT, Rules::port).orDefault(6750).to(CLUSTER).to(HTTP, HTTP_PORT),
            key("workerId", STRING).blankMeansUnset()
                    .orElse(e -> e.get("workerHostname") + "-" + e.get("workerPort")).to(CLUSTER),
            key("workerPortTls", INT).expect(PORT, Rules::port).to(CLUSTER),
            key("tlsEnabled", BOOLEAN).orDefault(false).to(CLUSTER),
            key("bindAddress", STRING).expect("an IP address or host name", Rules::hostOrAddress)
                    .orDefault("0.0.0.0").to(HTTP, HTTP_HOST), // Outrigger's own key; Pulsar's worker binds 0.0.0.0
            // --- Acted on: cluster namespace and topics
            key("pulsarFunctionsCluster", STRING).expect("a cluster name", Rules::clusterName)
                    .orDefault("standalone").to(CLUSTER),
            key("pulsarFunctionsNamespace", STRING).expect("a namespace as tenant/namespace", Rules::namespace)
                    .orDefault("public/functions").to(CLUSTER),
            key("functionMetadataTopicName", STRING).expect("a topic name without '/'", Rules::topicName)
                    .orDefault("metadata").to(CLUSTER),
            key("clusterCoordinationTopicName", STRING).expect("a topic name without '/'", Rules::topicName)
                    .orDefault("coordinate").to(CLUSTER),
            key("functionAssignmentTopicName", STRING).expect("a topic name without '/'", Rules::topicName)
                    .orDefault("assignments").to(CLUSTER),
            key("initialBrokerReconnectMaxRetries", INT).expect("a whole number >= 0", Rules::notNegative)
                    .orDefault(60).to(CLUSTER),
            // --- Acted on: broker clients
            key("pulsarServiceUrl", STRING)
                    .expect("a pulsar:// or pulsar+ssl:// URL with host and port", Rules::pulsarServiceUrl)
                    .orDefault("pulsar://localhost:6650").to(PULSAR),
            key("pulsarWebServiceUrl", STRING).expect("an http:// or https:// URL with a host", Rules::webServiceUrl)
                    .orDefault("http://localhost:8080").to(PULSAR).to(CLUSTER),
            key("authenticationEnabled", BOOLEAN).orDefault(false).to(SECURITY),
            key("brokerClientAuthenticationEnabled", BOOLEAN).orElse(e -> e.get("authenticationEnabled")).to(PULSAR),
            key("clientAuthenticationPlugin", STRING).deprecated("brokerClientAuthenticationPlugin"),
            key("clientAuthenticationParameters", STRING).deprecated("brokerClientAuthenticationParameters"),
            key("brokerClientAuthenticationPlugin", STRING).orElse(e -> e.get("clientAuthenticationPlugin"))
                    .to(PULSAR),
            key("brokerClientAuthenticationParameters", STRING)
                    .orElse(e -> e.get("clientAuthenticationParameters")).to(PULSAR),
            key("tlsTrustCertsFilePath", STRING).blankMeansUnset().to(CLUSTER),
            key("brokerClientTrustCertsFilePath", STRING).blankMeansUnset()
                    .orElse(e -> e.get("tlsTrustCertsFilePath")).to(PULSAR),
            key("tlsAllowInsecureConnection", BOOLEAN).orDefault(false).to(PULSAR).to(CLUSTER),
            key("tlsEnableHostnameVerification", BOOLEAN).orDefault(false).to(PULSAR).to(CLUSTER), // true in 5.0
            key("useTls", BOOLEAN).orDefault(false).to(PULSAR), // deprecated by Pulsar, still honoured by its clients
            key("properties", MAP).actedOn("authentication providers' settings and brokerClient_* entries"), // brokerClient_* entries are passed on to PULSAR by the reader
            // --- Known, not acted on yet: Worker settings
            key("functionWebServiceUrl", STRING).notApplicable("brokers and proxies read it from their own configuration"),
            key("authenticateMetricsEndpoint", BOOLEAN).orDefault(true).to(SECURITY),
            key("includeStandardPrometheusMetrics", BOOLEAN).notYet("JVM series on /metrics come with cluster operations (issue 10)"),
            key("jvmGCMetricsLoggerClassName", STRING).notApplicable("no GC metrics logger; the JVM's own GC logging applies"),
            // Pulsar's default is 8 as well; Jetty also needs threads for its acceptors and selectors
            key("numHttpServerThreads", INT).expect("a whole number >= 8", value -> ((Integer) value) >= 8)
                    .to(HTTP, "org.apache.felix.http.jetty.threadpool.max"),
            // read by the REST bundle: a larger body is a 413 before it is read (unset or -1: the package limit + 1 MiB)
            key("httpMaxRequestSize", LONG).actedOn("REST edge: a larger body is a 413"),
            key("httpRequestsLimitEnabled", BOOLEAN).actedOn("REST edge: requests over the rate are a 429"),
            key("httpRequestsMaxPerSecond", DOUBLE).actedOn("REST edge: requests over the rate are a 429"),
            key("maxConcurrentHttpRequests", INT).actedOn("REST edge: requests beyond wait up to 10 s, then 503"),
            key("httpServerThreadPoolQueueSize", INT).notApplicable("the HTTP server's thread pool has no queue bound; maxConcurrentHttpRequests bounds the requests in progress"),
            key("httpServerAcceptQueueSize", INT).expect("a whole number >= 1", value -> ((Integer) value) >= 1)
                    .to(HTTP, "org.apache.felix.http.jetty.acceptQueueSize"),
            key("maxHttpServerConnections", INT).notYet("a connection limit of the HTTP server is not built yet (issue 8)"),
            key("webServiceHaProxyProtocolEnabled", BOOLEAN).refusedUnless(Boolean.FALSE::equals, "the HTTP server cannot read the PROXY protocol: let the load balancer speak HTTP and set webServiceTrustXForwardedFor"),
            // Felix HTTP then adds Jetty's ForwardedRequestCustomizer, as Pulsar's worker does
            key("webServiceTrustXForwardedFor", BOOLEAN)
                    .to(HTTP, "org.apache.felix.proxy.load.balancer.connection.enable"),
            key("webServiceLogDetailedAddresses", BOOLEAN).notApplicable("no request log is written"),
            key("configurationMetadataStoreUrl", STRING).notApplicable("tenants and namespaces are read through the brokers' admin API, BookKeeper is found through the broker or bookkeeperMetadataServiceUri"),
            key("configurationStoreServers", STRING).notApplicable("tenants and namespaces are read through the brokers' admin API, BookKeeper is found through the broker or bookkeeperMetadataServiceUri"),
            key("metadataStoreSessionTimeoutMillis", LONG).notApplicable("the worker keeps no metadata store session of its own"),
            key("metadataStoreOperationTimeoutSeconds", INT).notApplicable("the worker keeps no metadata store session of its own"),
            key("metadataStoreCacheExpirySeconds", INT).notApplicable("the worker keeps no metadata store session of its own"),
            key("metadataStoreAllowReadOnlyOperations", BOOLEAN).notApplicable("the worker keeps no metadata store session of its own"),
            key("zooKeeperSessionTimeoutMillis", LONG).notApplicable("the worker keeps no metadata store session of its own"),
            key("zooKeeperOperationTimeoutSeconds", INT).notApplicable("the worker keeps no metadata store session of its own"),
            key("zooKeeperCacheExpirySeconds", INT).notApplicable("the worker keeps no metadata store session of its own"),
            key("zooKeeperAllowReadOnlyOperations", BOOLEAN).notApplicable("the worker keeps no metadata store session of its own"),
            // --- Connectors and functions directories
            key("enableClassloadingOfBuiltinFiles", BOOLEAN).notYet("sources and sinks come with issue 9"),
            key("enableClassloadingOfExternalFiles", BOOLEAN).notYet("sources and sinks come with issue 9"),
            key("connectorsDirectory", STRING).actedOn("packages: which file: and function package URLs are allowed"),
            key("narExtractionDirectory", STRING).notYet("sources and sinks come with issue 9"),
            key("enableReferencingConnectorDirectoryFiles", BOOLEAN).actedOn("packages: which file: and function package URLs are allowed"),
            key("additionalEnabledConnectorUrlPatterns", LIST).actedOn("packages: which file: and function package URLs are allowed"),
            key("validateConnectorConfig", BOOLEAN).notYet("sources and sinks come with issue 9"),
            key("uploadBuiltinSinksSources", BOOLEAN).notYet("sources and sinks come with issue 9"),
            key("functionsDirectory", STRING).actedOn("packages: which file: and function package URLs are allowed"),
            key("enableReferencingFunctionsDirectoryFiles", BOOLEAN).actedOn("packages: which file: and function package URLs are allowed"),
            key("additionalEnabledFunctionsUrlPatterns", LIST).actedOn("packages: which file: and function package URLs are allowed"),
            // --- Metadata, packages, state
            key("useCompactedMetadataTopic", BOOLEAN).actedOn("metadata: reads the compacted metadata topic"),
            key("topicCompactionFrequencySec", LONG).actedOn("metadata: how often the leader compacts the metadata topic"),
            key("initializedDlogMetadata", BOOLEAN).notApplicable("no DistributedLog: packages are BookKeeper ledgers"),
            key("numFunctionPackageReplicas", INT).actedOn("packages").expect("a whole number >= 1", value -> ((Integer) value) >= 1),
            // Outrigger's own: BookKeeper metadata URI (default: asked from the broker) and upload size limit
            key("bookkeeperMetadataServiceUri", STRING).actedOn("packages"),
            key("functionPackageMaxSizeBytes", LONG).actedOn("packages").expect("a whole number >= 1", value -> ((Long) value) >= 1),
            key("functionsWorkerEnablePackageManagement", BOOLEAN).actedOn("packages"),
            key("downloadDirectory", STRING).notApplicable("packages are cached in the worker's data directory (OUTRIGGER_DATA)"),
            key("stateStorageServiceUrl", STRING).notYet("function state comes with issue 13; state calls fail as with no state storage"),
            key("stateStorageProviderImplementation", STRING).notYet("function state comes with issue 13; state calls fail as with no state storage"),
            // --- Scheduling
            key("schedulerClassName", STRING).refusedUnless(value -> ((String) value).isBlank() || ROUND_ROBIN.equals(value), "Outrigger schedules round robin, as Pulsar's RoundRobinScheduler; other strategies come with issue 10"),
            key("failureCheckFreqMs", LONG).expect("a whole number of milliseconds >= 1", value -> ((Long) value) >= 1)
                    .actedOn("scheduler: how often the leader checks the members (default 5000 where unset)"),
            key("rescheduleTimeoutMs", LONG).expect("a whole number of milliseconds >= 0", value -> ((Long) value) >= 0)
                    .actedOn("scheduler: how long a lost worker keeps its instances before they move (default 0)"),
            key("rebalanceCheckFreqSec", LONG).notYet("rebalancing, worker probes and instance liveness checks come with cluster operations (issue 10)"),
            key("workerListProbeIntervalSec", INT).notYet("rebalancing, worker probes and instance liveness checks come with cluster operations (issue 10)"),
            key("assignmentWriteMaxRetries", INT).notYet("rebalancing, worker probes and instance liveness checks come with cluster operations (issue 10)"),
            key("instanceLivenessCheckFreqMs", LONG).notYet("rebalancing, worker probes and instance liveness checks come with cluster operations (issue 10)"),
            // --- BookKeeper client security
            key("bookkeeperClientAuthenticationPlugin", STRING).actedOn("packages: the BookKeeper client's authentication"),
            key("bookkeeperClientAuthenticationParametersName", STRING).actedOn("packages: the BookKeeper client's authentication"),
            key("bookkeeperClientAuthenticationParameters", STRING).actedOn("packages: the BookKeeper client's authentication"),
            // --- Worker security and TLS server
            // --- Acted on: worker security (the security bundle and the providers it picks)
            key("authenticationProviders", LIST).orDefault(new String[0]).to(SECURITY),
            key("authorizationEnabled", BOOLEAN).orDefault(false).to(SECURITY),
            key("authorizationProvider", STRING).blankMeansUnset()
                    .orDefault("org.apache.pulsar.broker.authorization.PulsarAuthorizationProvider").to(SECURITY),
            key("superUserRoles", LIST).orDefault(new String[0]).to(SECURITY),
            key("proxyRoles", LIST).orDefault(new String[0]).to(SECURITY),
            key("saslJaasClientAllowedIds", STRING).notApplicable("there is no SASL (Kerberos) authentication provider"),
            key("saslJaasServerSectionName", STRING).notApplicable("there is no SASL (Kerberos) authentication provider"),
            key("saslJaasServerRoleTokenSignerSecretPath", STRING).notApplicable("there is no SASL (Kerberos) authentication provider"),
            key("kinitCommand", STRING).notApplicable("there is no SASL (Kerberos) authentication provider"),
            key("tlsCertificateFilePath", STRING).actedOn("the TLS listener"),
            key("tlsKeyFilePath", STRING).actedOn("the TLS listener"),
            key("tlsRequireTrustedClientCertOnConnect", BOOLEAN).actedOn("the TLS listener"),
            key("tlsCertRefreshCheckDurationSec", LONG).actedOn("the TLS listener"),
            key("tlsEnabledWithKeyStore", BOOLEAN).actedOn("the TLS listener"),
            key("tlsProvider", STRING).notApplicable("the TLS listener uses the JDK's provider"),
            key("tlsKeyStoreType", STRING).actedOn("the TLS listener"),
            key("tlsKeyStore", STRING).actedOn("the TLS listener"),
            key("tlsKeyStorePassword", STRING).actedOn("the TLS listener"),
            key("tlsTrustStoreType", STRING).actedOn("the TLS listener"),
            key("tlsTrustStore", STRING).actedOn("the TLS listener"),
            key("tlsTrustStorePassword", STRING).actedOn("the TLS listener"),
            key("webServiceTlsProtocols", LIST).actedOn("the TLS listener"),
            key("webServiceTlsCiphers", LIST).actedOn("the TLS listener"),
            // --- Function runtime
            key("functionRuntimeFactoryClassName", STRING).refusedUnless(value -> ((String) value).isBlank() || THREAD_RUNTIME.equals(value), "functions run as threads of the worker, as with Pulsar's ThreadRuntimeFactory; the process and Kubernetes runtimes are not available"),
            key("functionRuntimeFactoryConfigs", MAP).notApplicable("instances share the worker's clients: thread group and client memory settings do not apply"),
            key("secretsProviderConfiguratorClassName", STRING).notApplicable("context.getSecret reads environment variables, as Pulsar's EnvironmentBasedSecretsProvider"),
            key("secretsProviderConfiguratorConfig", MAP).notApplicable("context.getSecret reads environment variables, as Pulsar's EnvironmentBasedSecretsProvider"),
            key("functionInstanceMinResources", MAP).notApplicable("instances are threads of the worker: their cpu, ram and disk are not enforced, as in Pulsar's thread runtime"),
            key("functionInstanceMaxResources", MAP).notApplicable("instances are threads of the worker: their cpu, ram and disk are not enforced, as in Pulsar's thread runtime"),
            key("functionInstanceResourceGranularities", MAP).notApplicable("instances are threads of the worker: their cpu, ram and disk are not enforced, as in Pulsar's thread runtime"),
            key("functionInstanceResourceChangeInLockStep", BOOLEAN).notApplicable("instances are threads of the worker: their cpu, ram and disk are not enforced, as in Pulsar's thread runtime"),
            key("functionAuthProviderClassName", STRING).notApplicable("instances use the worker's own client credentials, as in Pulsar's thread runtime"),
            key("runtimeCustomizerClassName", STRING).notApplicable("Kubernetes runtime only"),
            key("runtimeCustomizerConfig", MAP).notApplicable("Kubernetes runtime only"),
            key("maxPendingAsyncRequests", INT).actedOn("runtime"),
            // Outrigger's own ceiling on parallelism (Pulsar has none), read by the functions bundle and the scheduler
            key("functionInstanceMaxParallelism", INT).actedOn("functions and scheduler").expect("a whole number >= 1", value -> ((Integer) value) >= 1),
            key("forwardSourceMessageProperty", BOOLEAN).actedOn("functions: the default of a function's forwardSourceMessageProperty"),
            key("additionalJavaRuntimeArguments", LIST).notApplicable("process runtime only"),
            key("ignoreUnknownConfigFields", BOOLEAN).notApplicable("an unknown key is always warned about and ignored"),
            key("functionsWorkerServiceNarPackage", STRING).refusedUnless(value -> ((String) value).isBlank(), "Outrigger is the worker service: another cannot be loaded from a NAR"),
            key("functionsWorkerServiceCustomConfigs", MAP).notApplicable("only for a worker service loaded from a NAR"),
            key("exposeAdminClientEnabled", BOOLEAN).actedOn("runtime"),
            key("threadContainerFactory", MAP).notApplicable("deprecated by Pulsar; the thread runtime is the only one"), // deprecated by Pulsar: functionRuntimeFactory*
            key("processContainerFactory", MAP).refusedUnless(value -> ((java.util.Map<?, ?>) value).isEmpty(), "it selects the process runtime, which Outrigger does not have"),
            key("kubernetesContainerFactory", MAP).refusedUnless(value -> ((java.util.Map<?, ?>) value).isEmpty(), "it selects the Kubernetes runtime, which Outrigger does not have"));

    private WorkerKeys() {}

    /** What a default may look at: other keys' effective values, and this host. */
    interface Effective {

        /** The effective value of another key of the table (its file value, or its own default), or null. */
        Object get(String key);

        /** This host's canonical name, as Pulsar's worker defaults {@code workerHostname}. */
        String localHostName();
    }

    /** What Outrigger does with a key an operator sets; each key of Pulsar's is in exactly one class. */
    enum Handling {
        /** Acted on: the value changes what the worker does. */
        ACTED_ON("acted on"),
        /** Refused unless its value is one Outrigger can honour (others stop start-up with the reason). */
        REFUSED_UNLESS("refused unless"),
        /** No meaning in Outrigger: accepted, and named in one warning at start with the reason. */
        NOT_APPLICABLE("not applicable"),
        /** Not built yet: accepted, and named in one warning at start with the issue that will build it. */
        NOT_YET("not yet");

        private final String label;

        Handling(String label) {
            this.label = label;
        }

        /** @return the class as the README's table and {@code GET /admin/v2/worker/config} name it */
        String label() {
            return label;
        }
    }

    /** Where a key's effective value is written: a PID and the property name inside it. */
    record Target(String pid, String property) {}

    /**
     * One row of the table.
     *
     * @param expected what to write instead, for errors; null means the type's own description
     * @param rule check on the typed value; null accepts any value of the type
     * @param fallback default when the key is absent (or blank, with {@code blankMeansUnset}); may read other keys
     * @param nullNotAllowed why an explicit YAML null is an error, or null when it just means "absent"
     * @param replacedBy the key to use instead, for deprecated keys
     * @param handling what Outrigger does with a value of it
     * @param note where it is acted on, or why it is not
     * @param honoured for {@link Handling#REFUSED_UNLESS}, the values that can be kept
     */
    record Key(
            String name,
            ValueType type,
            String expected,
            Predicate<Object> rule,
            Function<Effective, Object> fallback,
            boolean blankIsUnset,
            String nullNotAllowed,
            String replacedBy,
            List<Target> targets,
            Handling handling,
            String note,
            Predicate<Object> honoured) {

        Key expect(String description, Predicate<Object> check) {
            return new Key(name, type, description, check, fallback, blankIsUnset, nullNotAllowed, replacedBy,
                    targets, handling, note, honoured);
        }

        Key orDefault(Object value) {
            return orElse(e -> value);
        }

        Key orElse(Function<Effective, Object> value) {
            return new Key(name, type, expected, rule, value, blankIsUnset, nullNotAllowed, replacedBy, targets, handling, note, honoured);
        }

        /** Pulsar treats a blank value as unset for some keys ({@code StringUtils.isBlank} in its getters). */
        Key blankMeansUnset() {
            return new Key(name, type, expected, rule, fallback, true, nullNotAllowed, replacedBy, targets, handling, note, honoured);
        }

        Key notNull(String why) {
            return new Key(name, type, expected, rule, fallback, blankIsUnset, why, replacedBy, targets, handling, note, honoured);
        }

        Key deprecated(String replacement) {
            return new Key(name, type, expected, rule, fallback, blankIsUnset, nullNotAllowed, replacement, targets, handling, note, honoured);
        }

        Key to(String pid) {
            return to(pid, name);
        }

        Key to(String pid, String property) {
            List<Target> more = new ArrayList<>(targets);
            more.add(new Target(pid, property));
            return new Key(name, type, expected, rule, fallback, blankIsUnset, nullNotAllowed, replacedBy,
                    List.copyOf(more), handling, note, honoured);
        }

        String expectation() {
            return expected != null ? expected : type.description();
        }

        /** Read through the worker PID by another bundle, or acted on by this one: the default. */
        Key actedOn(String where) {
            return new Key(name, type, expected, rule, fallback, blankIsUnset, nullNotAllowed, replacedBy, targets,
                    Handling.ACTED_ON, where, null);
        }

        /** Pulsar's key has no meaning in Outrigger: a value is accepted, and warned about at start. */
        Key notApplicable(String why) {
            return new Key(name, type, expected, rule, fallback, blankIsUnset, nullNotAllowed, replacedBy, targets,
                    Handling.NOT_APPLICABLE, why, null);
        }

        /** What the key asks for is not built yet: a value is accepted, and warned about at start with its issue. */
        Key notYet(String why) {
            return new Key(name, type, expected, rule, fallback, blankIsUnset, nullNotAllowed, replacedBy, targets,
                    Handling.NOT_YET, why, null);
        }

        /**
         * Only the values {@code honoured} accepts can be kept: any other stops start-up, or rejects a live edit,
         * with {@code why}.
         */
        Key refusedUnless(Predicate<Object> honoured, String why) {
            return new Key(name, type, expected, rule, fallback, blankIsUnset, nullNotAllowed, replacedBy, targets,
                    Handling.REFUSED_UNLESS, why, honoured);
        }
    }

    private static Map.Entry<String, Target> oidc(String name) {
        return Map.entry(name, new Target(AUTH_OIDC, name));
    }

    private static Key key(String name, ValueType type) {
        return new Key(name, type, null, null, null, false, null, null, List.of(), Handling.ACTED_ON, null, null);
    }

    private static Map<String, Key> index(Key... keys) {
        Map<String, Key> byName = new LinkedHashMap<>();
        for (Key key : keys) {
            if (byName.put(key.name(), key) != null) {
                throw new IllegalStateException("Key listed twice: " + key.name());
            }
        }
        return Collections.unmodifiableMap(byName);
    }
}
