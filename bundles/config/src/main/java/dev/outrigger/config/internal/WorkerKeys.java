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
            key("properties", MAP), // brokerClient_* entries are passed on to PULSAR by the reader
            // --- Known, not acted on yet: Worker settings
            key("functionWebServiceUrl", STRING),
            key("authenticateMetricsEndpoint", BOOLEAN).orDefault(true).to(SECURITY),
            key("includeStandardPrometheusMetrics", BOOLEAN),
            key("jvmGCMetricsLoggerClassName", STRING),
            key("numHttpServerThreads", INT),
            // read by the REST bundle: a larger body is a 413 before it is read (unset or -1: the package limit + 1 MiB)
            key("httpMaxRequestSize", LONG),
            key("httpRequestsLimitEnabled", BOOLEAN),
            key("httpRequestsMaxPerSecond", DOUBLE),
            key("maxConcurrentHttpRequests", INT),
            key("httpServerThreadPoolQueueSize", INT),
            key("httpServerAcceptQueueSize", INT),
            key("maxHttpServerConnections", INT),
            key("webServiceHaProxyProtocolEnabled", BOOLEAN),
            key("webServiceTrustXForwardedFor", BOOLEAN),
            key("webServiceLogDetailedAddresses", BOOLEAN),
            key("configurationMetadataStoreUrl", STRING),
            key("configurationStoreServers", STRING),
            key("metadataStoreSessionTimeoutMillis", LONG),
            key("metadataStoreOperationTimeoutSeconds", INT),
            key("metadataStoreCacheExpirySeconds", INT),
            key("metadataStoreAllowReadOnlyOperations", BOOLEAN),
            key("zooKeeperSessionTimeoutMillis", LONG),
            key("zooKeeperOperationTimeoutSeconds", INT),
            key("zooKeeperCacheExpirySeconds", INT),
            key("zooKeeperAllowReadOnlyOperations", BOOLEAN),
            // --- Connectors and functions directories
            key("enableClassloadingOfBuiltinFiles", BOOLEAN),
            key("enableClassloadingOfExternalFiles", BOOLEAN),
            key("connectorsDirectory", STRING),
            key("narExtractionDirectory", STRING),
            key("enableReferencingConnectorDirectoryFiles", BOOLEAN),
            key("additionalEnabledConnectorUrlPatterns", LIST),
            key("validateConnectorConfig", BOOLEAN),
            key("uploadBuiltinSinksSources", BOOLEAN),
            key("functionsDirectory", STRING),
            key("enableReferencingFunctionsDirectoryFiles", BOOLEAN),
            key("additionalEnabledFunctionsUrlPatterns", LIST),
            // --- Metadata, packages, state
            key("useCompactedMetadataTopic", BOOLEAN),
            key("topicCompactionFrequencySec", LONG),
            key("initializedDlogMetadata", BOOLEAN),
            key("numFunctionPackageReplicas", INT).expect("a whole number >= 1", value -> ((Integer) value) >= 1),
            // Outrigger's own: BookKeeper metadata URI (default: asked from the broker) and upload size limit
            key("bookkeeperMetadataServiceUri", STRING),
            key("functionPackageMaxSizeBytes", LONG).expect("a whole number >= 1", value -> ((Long) value) >= 1),
            key("functionsWorkerEnablePackageManagement", BOOLEAN),
            key("downloadDirectory", STRING),
            key("stateStorageServiceUrl", STRING),
            key("stateStorageProviderImplementation", STRING),
            // --- Scheduling
            key("schedulerClassName", STRING),
            key("failureCheckFreqMs", LONG),
            key("rescheduleTimeoutMs", LONG),
            key("rebalanceCheckFreqSec", LONG),
            key("workerListProbeIntervalSec", INT),
            key("assignmentWriteMaxRetries", INT),
            key("instanceLivenessCheckFreqMs", LONG),
            // --- BookKeeper client security
            key("bookkeeperClientAuthenticationPlugin", STRING),
            key("bookkeeperClientAuthenticationParametersName", STRING),
            key("bookkeeperClientAuthenticationParameters", STRING),
            // --- Worker security and TLS server
            // --- Acted on: worker security (the security bundle and the providers it picks)
            key("authenticationProviders", LIST).orDefault(new String[0]).to(SECURITY),
            key("authorizationEnabled", BOOLEAN).orDefault(false).to(SECURITY),
            key("authorizationProvider", STRING).blankMeansUnset()
                    .orDefault("org.apache.pulsar.broker.authorization.PulsarAuthorizationProvider").to(SECURITY),
            key("superUserRoles", LIST).orDefault(new String[0]).to(SECURITY),
            key("proxyRoles", LIST).orDefault(new String[0]).to(SECURITY),
            key("saslJaasClientAllowedIds", STRING),
            key("saslJaasServerSectionName", STRING),
            key("saslJaasServerRoleTokenSignerSecretPath", STRING),
            key("kinitCommand", STRING),
            key("tlsCertificateFilePath", STRING),
            key("tlsKeyFilePath", STRING),
            key("tlsRequireTrustedClientCertOnConnect", BOOLEAN),
            key("tlsCertRefreshCheckDurationSec", LONG),
            key("tlsEnabledWithKeyStore", BOOLEAN),
            key("tlsProvider", STRING),
            key("tlsKeyStoreType", STRING),
            key("tlsKeyStore", STRING),
            key("tlsKeyStorePassword", STRING),
            key("tlsTrustStoreType", STRING),
            key("tlsTrustStore", STRING),
            key("tlsTrustStorePassword", STRING),
            key("webServiceTlsProtocols", LIST),
            key("webServiceTlsCiphers", LIST),
            // --- Function runtime
            key("functionRuntimeFactoryClassName", STRING),
            key("functionRuntimeFactoryConfigs", MAP),
            key("secretsProviderConfiguratorClassName", STRING),
            key("secretsProviderConfiguratorConfig", MAP),
            key("functionInstanceMinResources", MAP),
            key("functionInstanceMaxResources", MAP),
            key("functionInstanceResourceGranularities", MAP),
            key("functionInstanceResourceChangeInLockStep", BOOLEAN),
            key("functionAuthProviderClassName", STRING),
            key("runtimeCustomizerClassName", STRING),
            key("runtimeCustomizerConfig", MAP),
            key("maxPendingAsyncRequests", INT),
            // Outrigger's own ceiling on parallelism (Pulsar has none), read by the functions bundle and the scheduler
            key("functionInstanceMaxParallelism", INT).expect("a whole number >= 1", value -> ((Integer) value) >= 1),
            key("forwardSourceMessageProperty", BOOLEAN),
            key("additionalJavaRuntimeArguments", LIST),
            key("ignoreUnknownConfigFields", BOOLEAN),
            key("functionsWorkerServiceNarPackage", STRING),
            key("functionsWorkerServiceCustomConfigs", MAP),
            key("exposeAdminClientEnabled", BOOLEAN),
            key("threadContainerFactory", MAP), // deprecated by Pulsar: functionRuntimeFactory*
            key("processContainerFactory", MAP),
            key("kubernetesContainerFactory", MAP));

    private WorkerKeys() {}

    /** What a default may look at: other keys' effective values, and this host. */
    interface Effective {

        /** The effective value of another key of the table (its file value, or its own default), or null. */
        Object get(String key);

        /** This host's canonical name, as Pulsar's worker defaults {@code workerHostname}. */
        String localHostName();
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
            List<Target> targets) {

        Key expect(String description, Predicate<Object> check) {
            return new Key(name, type, description, check, fallback, blankIsUnset, nullNotAllowed, replacedBy,
                    targets);
        }

        Key orDefault(Object value) {
            return orElse(e -> value);
        }

        Key orElse(Function<Effective, Object> value) {
            return new Key(name, type, expected, rule, value, blankIsUnset, nullNotAllowed, replacedBy, targets);
        }

        /** Pulsar treats a blank value as unset for some keys ({@code StringUtils.isBlank} in its getters). */
        Key blankMeansUnset() {
            return new Key(name, type, expected, rule, fallback, true, nullNotAllowed, replacedBy, targets);
        }

        Key notNull(String why) {
            return new Key(name, type, expected, rule, fallback, blankIsUnset, why, replacedBy, targets);
        }

        Key deprecated(String replacement) {
            return new Key(name, type, expected, rule, fallback, blankIsUnset, nullNotAllowed, replacement, targets);
        }

        Key to(String pid) {
            return to(pid, name);
        }

        Key to(String pid, String property) {
            List<Target> more = new ArrayList<>(targets);
            more.add(new Target(pid, property));
            return new Key(name, type, expected, rule, fallback, blankIsUnset, nullNotAllowed, replacedBy,
                    List.copyOf(more));
        }

        String expectation() {
            return expected != null ? expected : type.description();
        }
    }

    private static Map.Entry<String, Target> oidc(String name) {
        return Map.entry(name, new Target(AUTH_OIDC, name));
    }

    private static Key key(String name, ValueType type) {
        return new Key(name, type, null, null, null, false, null, null, List.of());
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
