package dev.outrigger.config.internal;

import static dev.outrigger.config.internal.WorkerKeys.CLUSTER;
import static dev.outrigger.config.internal.WorkerKeys.HTTP;
import static dev.outrigger.config.internal.WorkerKeys.PULSAR;
import static dev.outrigger.config.internal.WorkerKeys.WORKER_PID;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.outrigger.config.internal.WorkerYamlReader.Result;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WorkerYamlReaderTest {

    private static final String FILE = "/p/functions_worker.yml";
    private static final String HOST = "worker-1.example.com";

    private final WorkerYamlReader reader = new WorkerYamlReader(() -> HOST);

    private Result parse(String yaml) {
        return reader.parse(yaml.getBytes(UTF_8), FILE);
    }

    private Result valid(String yaml) {
        Result result = parse(yaml);
        assertEquals(List.of(), result.errors());
        return result;
    }

    private String onlyError(String yaml) {
        Result result = parse(yaml);
        assertEquals(1, result.errors().size(), () -> "errors: " + result.errors());
        assertEquals(Map.of(), result.configurations(), "nothing to write when the file has errors");
        return result.errors().get(0);
    }

    @Test
    void emptyFileGivesPulsarDefaults() {
        Result result = valid("");

        assertEquals(List.of(), result.warnings());
        assertEquals(List.of(WORKER_PID, PULSAR, WorkerKeys.AUTH_TOKEN, WorkerKeys.AUTH_BASIC, WorkerKeys.AUTH_OIDC,
                WorkerKeys.SECURITY, CLUSTER, HTTP), List.copyOf(result.configurations().keySet()));
        assertEquals(Map.of(), result.configurations().get(WorkerKeys.AUTH_TOKEN));
        Map<String, Object> security = result.configurations().get(WorkerKeys.SECURITY);
        assertEquals(false, security.get("authenticationEnabled"));
        assertEquals(false, security.get("authorizationEnabled"));
        assertEquals(true, security.get("authenticateMetricsEndpoint"));
        assertEquals("org.apache.pulsar.broker.authorization.PulsarAuthorizationProvider",
                security.get("authorizationProvider"));
        assertEquals(Map.of(), result.configurations().get(WORKER_PID));
        assertEquals(Map.ofEntries(
                        Map.entry("workerId", HOST + "-6750"),
                        Map.entry("workerHostname", HOST),
                        Map.entry("workerPort", 6750),
                        Map.entry("tlsEnabled", false),
                        Map.entry("tlsAllowInsecureConnection", false),
                        Map.entry("tlsEnableHostnameVerification", false),
                        Map.entry("pulsarFunctionsCluster", "standalone"),
                        Map.entry("pulsarFunctionsNamespace", "public/functions"),
                        Map.entry("functionMetadataTopicName", "metadata"),
                        Map.entry("clusterCoordinationTopicName", "coordinate"),
                        Map.entry("functionAssignmentTopicName", "assignments"),
                        Map.entry("initialBrokerReconnectMaxRetries", 60),
                        Map.entry("pulsarWebServiceUrl", "http://localhost:8080")),
                result.configurations().get(CLUSTER));
        assertEquals(Map.of(
                        "pulsarServiceUrl", "pulsar://localhost:6650",
                        "pulsarWebServiceUrl", "http://localhost:8080",
                        "brokerClientAuthenticationEnabled", false,
                        "tlsAllowInsecureConnection", false,
                        "tlsEnableHostnameVerification", false,
                        "useTls", false),
                result.configurations().get(PULSAR));
        assertEquals(Map.of(
                        "org.osgi.service.http.port", 6750,
                        "org.apache.felix.http.host", "0.0.0.0",
                        "org.apache.felix.http.enable", true),
                result.configurations().get(HTTP));
    }

    @Test
    void commentsOnlyFileIsAnEmptyFile() {
        assertEquals(valid("").configurations(), valid("# nothing set\n\n#workerPort: 1\n").configurations());
    }

    @Test
    void localHostNameIsAskedOnlyWhenWorkerHostnameIsUnset() {
        WorkerYamlReader strict = new WorkerYamlReader(() -> fail("host name looked up although configured"));

        Result result = strict.parse("workerHostname: h\n".getBytes(UTF_8), FILE);

        assertEquals("h-6750", result.configurations().get(CLUSTER).get("workerId"));
    }

    /**
     * Pulsar's own file (4.0.8's conf/functions_worker.yml) names the process runtime, which Outrigger cannot
     * honour: it says so (issue 8) rather than start as if it could. With the thread runtime the file is read as
     * Pulsar reads it, and the keys Outrigger does not act on are named in one warning.
     */
    @Test
    void shippedFileIsValidAndReadAsPulsarReadsIt() throws Exception {
        Path shipped = Path.of(getClass().getResource("/functions_worker.yml").toURI());
        Result asShipped = reader.read(shipped);
        assertEquals(1, asShipped.errors().size(), asShipped.errors()::toString);
        assertTrue(asShipped.errors().get(0).startsWith("functionRuntimeFactoryClassName = org.apache.pulsar."
                + "functions.runtime.process.ProcessRuntimeFactory in " + shipped + " cannot be honoured"),
                asShipped.errors()::toString);

        String threads = Files.readString(shipped).replace("runtime.process.ProcessRuntimeFactory",
                "runtime.thread.ThreadRuntimeFactory");
        Result result = reader.parse(threads.getBytes(UTF_8), shipped.toString());

        assertEquals(List.of(), result.errors());
        assertEquals(1, result.warnings().size(), result.warnings()::toString);
        assertTrue(result.warnings().get(0).contains("rebalanceCheckFreqSec"), result.warnings()::toString);
        Map<String, Object> cluster = result.configurations().get(CLUSTER);
        assertEquals("standalone", cluster.get("workerId"));
        assertEquals("localhost", cluster.get("workerHostname"));
        assertEquals(6750, cluster.get("workerPort"));
        assertEquals(6751, cluster.get("workerPortTls"));
        assertEquals("public/functions", cluster.get("pulsarFunctionsNamespace"));
        assertEquals("assignments", cluster.get("functionAssignmentTopicName"));
        Map<String, Object> pulsar = result.configurations().get(PULSAR);
        assertEquals("pulsar://localhost:6650", pulsar.get("pulsarServiceUrl"));
        assertEquals(false, pulsar.get("brokerClientAuthenticationEnabled"));
        assertFalse(pulsar.containsKey("brokerClientTrustCertsFilePath"), "empty in the file means unset");
        assertEquals(6750, result.configurations().get(HTTP).get("org.osgi.service.http.port"));

        Map<String, Object> worker = result.configurations().get(WORKER_PID);
        assertEquals(1, worker.get("numFunctionPackageReplicas"));
        assertEquals(30000L, worker.get("failureCheckFreqMs"));
        assertEquals(-1L, worker.get("rebalanceCheckFreqSec"));
        assertEquals("logs/", worker.get("functionRuntimeFactoryConfigs.logDirectory"));
        assertFalse(worker.containsKey("functionRuntimeFactoryConfigs.javaInstanceJarLocation"));
        assertArrayEquals(new String[0], (String[]) worker.get("additionalEnabledConnectorUrlPatterns"));
        assertEquals(".*pulsar.*", worker.get("saslJaasClientAllowedIds"));
        assertFalse(worker.containsKey("tlsKeyStorePassword"));
        assertFalse(worker.containsKey("webServiceLogDetailedAddresses"), "explicit null means unset");
        assertEquals(62, worker.size(), "every key of the file with a value, nothing else");
        worker.values().forEach(v -> assertTrue(
                v instanceof String || v instanceof Integer || v instanceof Long || v instanceof Boolean
                        || v instanceof Double || v instanceof String[],
                () -> "not a ConfigAdmin type: " + v.getClass()));
    }

    @Test
    void valuesAreTypedLikePulsarsJacksonBindingDoes() {
        Map<String, Object> worker = valid("""
                workerPort: "6751"
                authorizationEnabled: "true"
                httpRequestsMaxPerSecond: 50
                metadataStoreSessionTimeoutMillis: 9000000000
                workerId: 42
                """).configurations().get(WORKER_PID);

        assertEquals(6751, worker.get("workerPort"));
        assertEquals(true, worker.get("authorizationEnabled"));
        assertEquals(50.0, worker.get("httpRequestsMaxPerSecond"));
        assertEquals(9_000_000_000L, worker.get("metadataStoreSessionTimeoutMillis"));
        assertEquals("42", worker.get("workerId"));
    }

    @Test
    void listsBecomeStringArraysAndAPlainStringIsCommaSeparated() {
        Map<String, Object> worker = valid("""
                superUserRoles: [admin, ops]
                authenticationProviders:
                  - org.apache.pulsar.broker.authentication.AuthenticationProviderToken
                webServiceTlsProtocols: TLSv1.3, TLSv1.2
                """).configurations().get(WORKER_PID);

        assertArrayEquals(new String[] {"admin", "ops"}, (String[]) worker.get("superUserRoles"));
        assertArrayEquals(new String[] {"org.apache.pulsar.broker.authentication.AuthenticationProviderToken"},
                (String[]) worker.get("authenticationProviders"));
        assertArrayEquals(new String[] {"TLSv1.3", "TLSv1.2"}, (String[]) worker.get("webServiceTlsProtocols"));
    }

    @Test
    void nestedMappingsAreFlattenedToParentChildStrings() {
        Map<String, Object> worker = valid("""
                functionInstanceMinResources:
                  cpu: 1
                  ram: 1073741824
                runtimeCustomizerConfig:
                  extraAnnotations:
                    team: data
                  imagePullSecrets: [a, b]
                  tolerations:
                  - key: custom-key
                    effect: NoSchedule
                """).configurations().get(WORKER_PID);

        assertEquals("1", worker.get("functionInstanceMinResources.cpu"));
        assertEquals("1073741824", worker.get("functionInstanceMinResources.ram"));
        assertEquals("data", worker.get("runtimeCustomizerConfig.extraAnnotations.team"));
        assertArrayEquals(new String[] {"a", "b"}, (String[]) worker.get("runtimeCustomizerConfig.imagePullSecrets"));
        assertEquals("custom-key", worker.get("runtimeCustomizerConfig.tolerations.0.key"));
        assertEquals("NoSchedule", worker.get("runtimeCustomizerConfig.tolerations.0.effect"));
        assertEquals(6, worker.size());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            workerPort: abc                    | 'abc' for workerPort | a port number (1-65535)
            workerPort: 0                      | '0' for workerPort | a port number (1-65535)
            workerPort: 70000                  | '70000' for workerPort | a port number (1-65535)
            workerPort: 6750.5                 | '6750.5' for workerPort | a port number (1-65535)
            workerPort: [6750, 6751]           | '[6750,6751]' for workerPort | a port number (1-65535), not a list
            workerPort: {http: 6750}           | '{"http":6750}' for workerPort | a port number (1-65535), not a mapping
            workerPortTls: -1                  | '-1' for workerPortTls | a port number (1-65535)
            workerHostname: [a, b]             | '["a","b"]' for workerHostname | a single value, not a list
            pulsarServiceUrl: http://b:6650    | 'http://b:6650' for pulsarServiceUrl | a pulsar:// or pulsar+ssl:// URL with host and port
            pulsarServiceUrl: pulsar://b       | 'pulsar://b' for pulsarServiceUrl | a pulsar:// or pulsar+ssl:// URL with host and port
            pulsarServiceUrl: pulsar://:6650   | 'pulsar://:6650' for pulsarServiceUrl | a pulsar:// or pulsar+ssl:// URL with host and port
            pulsarServiceUrl: pulsar://b:99999 | 'pulsar://b:99999' for pulsarServiceUrl | a pulsar:// or pulsar+ssl:// URL with host and port
            pulsarServiceUrl: localhost:6650   | 'localhost:6650' for pulsarServiceUrl | a pulsar:// or pulsar+ssl:// URL with host and port
            pulsarWebServiceUrl: ftp://b       | 'ftp://b' for pulsarWebServiceUrl | an http:// or https:// URL with a host
            pulsarFunctionsNamespace: functions | 'functions' for pulsarFunctionsNamespace | a namespace as tenant/namespace
            pulsarFunctionsNamespace: a/b/c    | 'a/b/c' for pulsarFunctionsNamespace | a namespace as tenant/namespace
            functionAssignmentTopicName: a/b   | 'a/b' for functionAssignmentTopicName | a topic name without '/'
            initialBrokerReconnectMaxRetries: -1 | '-1' for initialBrokerReconnectMaxRetries | a whole number >= 0
            tlsEnabled: maybe                  | 'maybe' for tlsEnabled | true or false
            numFunctionPackageReplicas: two    | 'two' for numFunctionPackageReplicas | a whole number >= 1
            numFunctionPackageReplicas: 0      | '0' for numFunctionPackageReplicas | a whole number >= 1
            functionPackageMaxSizeBytes: -5    | '-5' for functionPackageMaxSizeBytes | a whole number >= 1
            bindAddress: 'a b'                 | 'a b' for bindAddress | an IP address or host name
            functionRuntimeFactoryConfigs: x   | 'x' for functionRuntimeFactoryConfigs | a mapping of keys to values
            superUserRoles: [{a: 1}]           | '[{"a":1}]' for superUserRoles | a list of single values
            """)
    void invalidValueNamesKeyValueAndExpectation(String yaml, String valueAndKey, String expected) {
        assertEquals("Invalid value " + valueAndKey + " in " + FILE + ": expected " + expected, onlyError(yaml));
    }

    @Test
    void allErrorsOfAFileAreReportedAtOnce() {
        Result result = parse("""
                workerPort: abc
                pulsarServiceUrl: http://localhost:6650
                pulsarFunctionsNamespace: functions
                workerId: fine
                """);

        assertEquals(3, result.errors().size(), () -> "errors: " + result.errors());
        assertTrue(result.errors().get(0).contains("workerPort"));
        assertTrue(result.errors().get(1).contains("pulsarServiceUrl"));
        assertTrue(result.errors().get(2).contains("pulsarFunctionsNamespace"));
        assertEquals(Map.of(), result.configurations());
    }

    @Test
    void nullWorkerPortWithoutTlsIsRefusedAsTheWorkerWouldServeNothing() {
        String error = onlyError("workerPort: null\n");

        assertTrue(error.startsWith("workerPort is null in " + FILE), error);
        assertTrue(error.contains("tlsEnabled is not true"), error);
    }

    @Test
    void nullWorkerPortWithTlsTurnsPlainHttpOffAndTheClusterAdvertisesTls() {
        Result result = valid("""
                workerPort: null
                workerPortTls: 7443
                tlsEnabled: true
                tlsCertificateFilePath: /certs/worker.pem
                tlsKeyFilePath: /certs/worker.key
                """);
        Map<String, Object> http = result.configurations().get(HTTP);
        assertEquals(false, http.get(WorkerKeys.HTTP_ENABLE));
        assertFalse(http.containsKey(WorkerKeys.HTTP_PORT));
        Map<String, Object> cluster = result.configurations().get(CLUSTER);
        assertEquals(true, cluster.get("tlsEnabled"));
        assertEquals(7443, cluster.get("workerPortTls"));
        assertFalse(cluster.containsKey("workerPort"));
        assertEquals(7443, result.tls().portTls());
        assertEquals("/certs/worker.pem", result.tls().certificateFile());
    }

    @Test
    void tlsWithoutItsFilesOrPortIsRefusedNamingEachKey() {
        List<String> errors = parse("tlsEnabled: true\n").errors();
        assertEquals(3, errors.size(), errors::toString);
        assertTrue(errors.get(0).contains("workerPortTls"), errors::toString);
        assertTrue(errors.get(1).contains("tlsCertificateFilePath"), errors::toString);
        assertTrue(errors.get(2).contains("tlsKeyFilePath"), errors::toString);
        assertTrue(onlyError("tlsEnabledWithKeyStore: true\nworkerPortTls: 7443\n").contains("tlsKeyStore"));
        assertTrue(onlyError("""
                tlsEnabled: true
                workerPortTls: 7443
                tlsCertificateFilePath: /c.pem
                tlsKeyFilePath: /k.pem
                tlsRequireTrustedClientCertOnConnect: true
                """).contains("tlsTrustCertsFilePath"));
    }

    @Test
    void malformedYamlNamesLineAndColumn() {
        String error = onlyError("""
                workerId: standalone
                workerHostname: localhost
                workerPort: 6750: 6751
                """);

        assertEquals("Malformed YAML in " + FILE + " at line 3, column 17: mapping values are not allowed here", error);
    }

    @Test
    void malformedYamlKeepsSnakeYamlsContextAndProblemOnOneLine() {
        assertEquals("Malformed YAML in " + FILE
                        + " at line 2, column 11: while parsing a flow sequence; expected ',' or ']', but got :",
                onlyError("superUserRoles: [admin, ops\nworkerPort: 6750\n"));
    }

    @Test
    void documentThatIsNotAMappingIsAnError() {
        assertEquals("Invalid content in " + FILE + ": expected a mapping of keys to values, not 'just text'",
                onlyError("just text\n"));
    }

    @Test
    void missingFileIsAnError(@TempDir Path dir) {
        Path missing = dir.resolve("functions_worker.yml");

        Result result = reader.read(missing);

        assertEquals(List.of("Configuration file " + missing + " does not exist"), result.errors());
    }

    @Test
    void unknownKeyIsIgnoredWithOneWarning() {
        Result result = valid("""
                workerPort: 6750
                workerPrt: 6751
                """);

        assertEquals(List.of("Ignoring unknown key 'workerPrt' in " + FILE), result.warnings());
        assertFalse(result.configurations().get(WORKER_PID).containsKey("workerPrt"));
    }

    @Test
    void deprecatedClientAuthenticationKeysAreFallbacks() {
        Result result = valid("""
                clientAuthenticationPlugin: org.apache.pulsar.client.impl.auth.AuthenticationToken
                clientAuthenticationParameters: token:abc
                tlsTrustCertsFilePath: /certs/ca.pem
                """);

        Map<String, Object> pulsar = result.configurations().get(PULSAR);
        assertEquals("org.apache.pulsar.client.impl.auth.AuthenticationToken",
                pulsar.get("brokerClientAuthenticationPlugin"));
        assertEquals("token:abc", pulsar.get("brokerClientAuthenticationParameters"));
        assertEquals("/certs/ca.pem", pulsar.get("brokerClientTrustCertsFilePath"));
        assertEquals(List.of(
                        "Key 'clientAuthenticationPlugin' in " + FILE
                                + " is deprecated: use 'brokerClientAuthenticationPlugin'",
                        "Key 'clientAuthenticationParameters' in " + FILE
                                + " is deprecated: use 'brokerClientAuthenticationParameters'"),
                result.warnings());
    }

    @Test
    void brokerClientKeysWinOverTheirFallbacks() {
        Map<String, Object> pulsar = valid("""
                clientAuthenticationPlugin: old.Plugin
                brokerClientAuthenticationPlugin: new.Plugin
                tlsTrustCertsFilePath: /certs/server-ca.pem
                brokerClientTrustCertsFilePath: /certs/broker-ca.pem
                """).configurations().get(PULSAR);

        assertEquals("new.Plugin", pulsar.get("brokerClientAuthenticationPlugin"));
        assertEquals("/certs/broker-ca.pem", pulsar.get("brokerClientTrustCertsFilePath"));
    }

    @Test
    void blankBrokerClientTrustCertsFallsBackLikePulsar() {
        Map<String, Object> pulsar = valid("""
                tlsTrustCertsFilePath: /certs/ca.pem
                brokerClientTrustCertsFilePath: ""
                """).configurations().get(PULSAR);

        assertEquals("/certs/ca.pem", pulsar.get("brokerClientTrustCertsFilePath"));
    }

    @Test
    void brokerClientAuthenticationFollowsAuthenticationEnabledUnlessSet() {
        String secured = "authenticationEnabled: true\nauthenticationProviders: [com.example.Provider]\n";
        assertEquals(true, valid(secured).configurations().get(PULSAR)
                .get("brokerClientAuthenticationEnabled"));
        assertEquals(false, valid(secured + "brokerClientAuthenticationEnabled: false\n")
                .configurations().get(PULSAR).get("brokerClientAuthenticationEnabled"));
        assertEquals(true, valid("brokerClientAuthenticationEnabled: true\n")
                .configurations().get(PULSAR).get("brokerClientAuthenticationEnabled"));
    }

    @Test
    void propertiesPassThroughAndBrokerClientEntriesReachThePulsarPid() {
        Result result = valid("""
                properties:
                  tokenPublicKey: data:;base64,AAAA
                  brokerClient_operationTimeoutMs: 30000
                  bookkeeper_useV2WireProtocol: true
                """);

        Map<String, Object> worker = result.configurations().get(WORKER_PID);
        assertEquals("data:;base64,AAAA", worker.get("properties.tokenPublicKey"));
        assertEquals(Map.of("tokenPublicKey", "data:;base64,AAAA"), result.configurations().get(WorkerKeys.AUTH_TOKEN));
        assertEquals("30000", worker.get("properties.brokerClient_operationTimeoutMs"));
        assertEquals("true", worker.get("properties.bookkeeper_useV2WireProtocol"));
        Map<String, Object> pulsar = result.configurations().get(PULSAR);
        assertEquals("30000", pulsar.get("brokerClient_operationTimeoutMs"));
        assertFalse(pulsar.keySet().stream().anyMatch(k -> k.contains("bookkeeper") || k.contains("token")));
    }

    @Test
    void workerIdDefaultsFromHostnameAndPortAndBlankCountsAsUnset() {
        Map<String, Object> cluster = valid("""
                workerId: "  "
                workerHostname: w1
                workerPort: 7000
                """).configurations().get(CLUSTER);

        assertEquals("w1-7000", cluster.get("workerId"));
    }

    @Test
    void httpPidFollowsWorkerPortAndBindAddress() {
        Map<String, Object> http = valid("workerPort: 7000\nbindAddress: 127.0.0.1\n").configurations().get(HTTP);

        assertEquals(7000, http.get("org.osgi.service.http.port"));
        assertEquals("127.0.0.1", http.get("org.apache.felix.http.host"));
    }

    @Test
    void secretValuesNeverAppearInErrors() {
        String error = onlyError("brokerClientAuthenticationParameters: [token:s3cr3t]\n");

        assertFalse(error.contains("s3cr3t"), error);
        assertTrue(error.startsWith("Invalid value '***' for brokerClientAuthenticationParameters"), error);
    }

    @Test
    void keysDifferingOnlyInCaseAreAnError() {
        String error = onlyError("properties:\n  tokenKey: a\n  TokenKey: b\n");

        assertTrue(error.contains("'properties.TokenKey' and 'properties.tokenKey'")
                || error.contains("'properties.tokenKey' and 'properties.TokenKey'"), error);
    }

    @Test
    void unresolvableLocalHostNameIsAnErrorThatSaysWhatToSet() {
        WorkerYamlReader noDns = new WorkerYamlReader(() -> {
            throw new IllegalStateException("Cannot determine this host's name for workerHostname (no DNS)");
        });

        Result result = noDns.parse(new byte[0], FILE);

        assertEquals(List.of("Cannot determine this host's name for workerHostname (no DNS); set workerHostname in "
                + FILE), result.errors());
    }

    @Test
    void securityKeysReachTheSecurityPidAndProviderSecretsArePrivate() {
        Result result = valid("""
                authenticationEnabled: true
                authenticationProviders: [org.apache.pulsar.broker.authentication.AuthenticationProviderToken]
                authorizationEnabled: true
                superUserRoles: [admin, worker]
                proxyRoles: proxy
                properties:
                  tokenSecretKey: data:;base64,c2VjcmV0
                  tokenAuthClaim: role
                  basicAuthConf: data:;base64,dXNlcjpoYXNo
                """);
        Map<String, Object> security = result.configurations().get(WorkerKeys.SECURITY);
        assertEquals(true, security.get("authenticationEnabled"));
        assertArrayEquals(new String[] {"admin", "worker"}, (String[]) security.get("superUserRoles"));
        assertArrayEquals(new String[] {"proxy"}, (String[]) security.get("proxyRoles"));
        assertEquals(Map.of(".tokenSecretKey", "data:;base64,c2VjcmV0", "tokenAuthClaim", "role"),
                result.configurations().get(WorkerKeys.AUTH_TOKEN));
        assertEquals(Map.of(".basicAuthConf", "data:;base64,dXNlcjpoYXNo"),
                result.configurations().get(WorkerKeys.AUTH_BASIC));
    }

    @Test
    void openIdKeysReachTheOidcPidAsStringsAndItsRequiredKeysAreChecked() {
        Result result = valid("""
                authenticationEnabled: true
                authenticationProviders:
                  - org.apache.pulsar.broker.authentication.AuthenticationProviderToken
                  - org.apache.pulsar.broker.authentication.oidc.AuthenticationProviderOpenID
                properties:
                  tokenSecretKey: data:;base64,c2VjcmV0
                  openIDAllowedTokenIssuers: https://idp.example.com/realms/a, https://idp.example.com/realms/b
                  openIDAllowedAudiences: pulsar
                  openIDRoleClaim: preferred_username
                  openIDAcceptedTimeLeewaySeconds: 30
                  openIDRequireIssuersUseHttps: false
                  openIDTokenIssuerTrustCertsFilePath: /etc/pulsar/idp-ca.pem
                """);
        assertEquals(Map.of(
                        "openIDAllowedTokenIssuers", "https://idp.example.com/realms/a, https://idp.example.com/realms/b",
                        "openIDAllowedAudiences", "pulsar",
                        "openIDRoleClaim", "preferred_username",
                        "openIDAcceptedTimeLeewaySeconds", "30",
                        "openIDRequireIssuersUseHttps", "false",
                        "openIDTokenIssuerTrustCertsFilePath", "/etc/pulsar/idp-ca.pem"),
                result.configurations().get(WorkerKeys.AUTH_OIDC));
        assertEquals(Map.of(".tokenSecretKey", "data:;base64,c2VjcmV0"),
                result.configurations().get(WorkerKeys.AUTH_TOKEN));
        assertEquals(Map.of(), valid("").configurations().get(WorkerKeys.AUTH_OIDC), "written only when set");

        String oidc = "org.apache.pulsar.broker.authentication.oidc.AuthenticationProviderOpenID";
        assertTrue(onlyError("""
                authenticationEnabled: true
                authenticationProviders: [%s]
                properties:
                  openIDAllowedAudiences: pulsar
                """.formatted(oidc)).contains("does not set openIDAllowedTokenIssuers"));
        assertTrue(onlyError("""
                authenticationEnabled: true
                authenticationProviders: [%s]
                properties:
                  openIDAllowedTokenIssuers: https://idp.example.com
                """.formatted(oidc)).contains("does not set openIDAllowedAudiences"));
        // authentication off: the provider is not used, so its keys are not required
        valid("authenticationProviders: [" + oidc + "]\n");
        // Pulsar reads a comma-separated string; a YAML list would reach the provider as garbage
        assertTrue(onlyError("""
                properties:
                  openIDAllowedAudiences: [pulsar, worker]
                """).contains("properties.openIDAllowedAudiences"));
    }

    @Test
    void securedConfigurationsOutriggerCannotHonourAreRefused() {
        assertTrue(onlyError("authenticationEnabled: true\n").contains("authenticationProviders names no provider"));
        assertTrue(onlyError("""
                authenticationEnabled: true
                authenticationProviders: [org.apache.pulsar.broker.authentication.AuthenticationProviderToken]
                """).contains("neither tokenSecretKey nor tokenPublicKey"));
        assertTrue(onlyError("""
                authenticationEnabled: true
                authenticationProviders: [org.apache.pulsar.broker.authentication.AuthenticationProviderBasic]
                """).contains("does not set basicAuthConf"));
        String missingKey = onlyError("""
                properties:
                  tokenSecretKey: file:///no/such/secret.key
                """);
        assertTrue(missingKey.contains("properties.tokenSecretKey") && missingKey.contains("/no/such/secret.key"),
                missingKey);
        assertTrue(onlyError("brokerClientAuthenticationParameters: file:///no/such/token\n")
                .contains("brokerClientAuthenticationParameters"));
    }

    @Test
    void tlsKeysTheListenerDoesNotActOnAreWarnedAbout() {
        Result result = valid("""
                tlsEnabled: true
                workerPortTls: 7443
                tlsCertificateFilePath: /c.pem
                tlsKeyFilePath: /k.pem
                tlsAllowInsecureConnection: true
                tlsProvider: Conscrypt
                """);
        assertEquals(2, result.warnings().size(), result.warnings()::toString);
        assertTrue(result.warnings().stream().anyMatch(warning -> warning.contains("tlsAllowInsecureConnection")),
                result.warnings()::toString);
        assertTrue(result.warnings().stream().anyMatch(warning -> warning.contains("tlsProvider (the TLS listener "
                + "uses the JDK's provider)")), result.warnings()::toString);
    }

    /** Issue 8: a key Outrigger does not act on is named, with why, in one warning for the whole file. */
    @Test
    void keysNotActedOnAreNamedWithWhyInOneWarning() {
        Result result = valid("""
                zooKeeperSessionTimeoutMillis: 30000
                zooKeeperOperationTimeoutSeconds: 30
                rebalanceCheckFreqSec: -1
                downloadDirectory: download/pulsar_functions
                """);
        assertEquals(1, result.warnings().size(), result.warnings()::toString);
        String warning = result.warnings().get(0);
        assertTrue(warning.contains("zooKeeperSessionTimeoutMillis, zooKeeperOperationTimeoutSeconds (the worker "
                + "keeps no metadata store session of its own)"), warning);
        assertTrue(warning.contains("rebalanceCheckFreqSec (rebalancing, worker probes and instance liveness "
                + "checks come with cluster operations (issue 10))"), warning);
        assertTrue(warning.contains("downloadDirectory (packages are cached"), warning);
    }

    /** Issue 8: a value Outrigger cannot honour stops start-up, naming the key and why; an honoured one is fine. */
    @Test
    void valuesOutriggerCannotHonourAreRefusedWithWhy() {
        Result process = parse("""
                functionRuntimeFactoryClassName: org.apache.pulsar.functions.runtime.process.ProcessRuntimeFactory
                """);
        assertFalse(process.valid());
        assertEquals(List.of("functionRuntimeFactoryClassName = org.apache.pulsar.functions.runtime.process."
                + "ProcessRuntimeFactory in " + FILE + " cannot be honoured: functions run as threads of the worker, as "
                + "with Pulsar's ThreadRuntimeFactory; the process and Kubernetes runtimes are not available"),
                process.errors());
        assertFalse(parse("webServiceHaProxyProtocolEnabled: true").valid());
        assertFalse(parse("schedulerClassName: org.example.MyScheduler").valid());
        assertFalse(parse("kubernetesContainerFactory:\n  k8Uri: http://k8s").valid());
        valid("""
                functionRuntimeFactoryClassName: org.apache.pulsar.functions.runtime.thread.ThreadRuntimeFactory
                schedulerClassName: org.apache.pulsar.functions.worker.scheduler.RoundRobinScheduler
                webServiceHaProxyProtocolEnabled: false
                """);
    }
}
