package dev.outrigger.devcluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A {@code functions_worker.yml} for one worker against a {@link LocalPulsarCluster}: Pulsar's keys, loopback
 * addresses, a free port. Values are written as YAML scalars, lists as flow sequences and maps (such as Pulsar's
 * {@code properties:} block) as flow mappings; {@link #set} overrides or adds any key, {@link #property} one entry of
 * {@code properties}.
 */
public final class WorkerConfig {

    /** Keys written without quotes; anything else is double-quoted. */
    private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");

    private final Map<String, Object> keys = new LinkedHashMap<>();

    private WorkerConfig() {}

    /** No keys at all, for tests of the format. */
    static WorkerConfig empty() {
        return new WorkerConfig();
    }

    /**
     * @param cluster the cluster to work for
     * @param workerId the worker's id
     * @param namespace its {@code pulsarFunctionsNamespace}; tests give each worker cluster its own
     */
    public static WorkerConfig forCluster(LocalPulsarCluster cluster, String workerId, String namespace) {
        WorkerConfig config = new WorkerConfig();
        config.set("workerId", workerId)
                .set("workerHostname", "127.0.0.1")
                .set("workerPort", freePort())
                .set("bindAddress", "127.0.0.1")
                .set("pulsarServiceUrl", cluster.brokerServiceUrl())
                .set("pulsarWebServiceUrl", cluster.webServiceUrl())
                .set("pulsarFunctionsCluster", cluster.clusterName())
                .set("pulsarFunctionsNamespace", namespace)
                .set("configurationMetadataStoreUrl", cluster.metadataStoreUrl())
                .set("numFunctionPackageReplicas", 1)
                .set("initialBrokerReconnectMaxRetries", 30);
        return config;
    }

    /**
     * {@link #forCluster} with {@link #withTokenSecurity}: a worker that authenticates to the token-secured broker as
     * {@link LocalPulsarCluster#WORKER_ROLE} and is configured to require tokens from its own clients.
     *
     * @throws IllegalStateException if the cluster runs without security
     */
    public static WorkerConfig secureForCluster(LocalPulsarCluster cluster, String workerId, String namespace) {
        return forCluster(cluster, workerId, namespace).withTokenSecurity(cluster);
    }

    /**
     * Sets Pulsar's {@code functions_worker.yml} keys of a token-secured worker of {@code cluster}: token
     * authentication with the cluster's secret key, authorization with the cluster's superusers, and the
     * {@link LocalPulsarCluster#WORKER_ROLE} token for the worker's own clients of the broker.
     *
     * @throws IllegalStateException if the cluster runs without security
     */
    public WorkerConfig withTokenSecurity(LocalPulsarCluster cluster) {
        return withTokenSecurity(cluster.secretKeyFile(), cluster.token(LocalPulsarCluster.WORKER_ROLE));
    }

    /** As {@link #withTokenSecurity(LocalPulsarCluster)}, from the key file and the worker's token. */
    WorkerConfig withTokenSecurity(Path secretKeyFile, String workerToken) {
        Objects.requireNonNull(workerToken, "workerToken");
        return set("authenticationEnabled", true)
                .set("authenticationProviders", List.of(LocalPulsarCluster.TOKEN_AUTH_PROVIDER))
                .set("authorizationEnabled", true)
                .set("superUserRoles", List.of(LocalPulsarCluster.ADMIN_ROLE, LocalPulsarCluster.WORKER_ROLE))
                .set("brokerClientAuthenticationPlugin", LocalPulsarCluster.TOKEN_AUTH_PLUGIN)
                .set("brokerClientAuthenticationParameters", "token:" + workerToken)
                // Pulsar's worker reads the token provider's settings from its properties, not top-level keys.
                .property("tokenSecretKey", PulsarTokens.secretKeyUrl(secretKeyFile));
    }

    /** @param value null writes YAML null, which for some keys means "off" (e.g. {@code workerPort}) */
    public WorkerConfig set(String key, Object value) {
        keys.put(key, value);
        return this;
    }

    /** Sets one entry of the {@code properties} map (Pulsar's catch-all for provider settings and brokerClient_*). */
    public WorkerConfig property(String key, Object value) {
        Map<String, Object> properties = new LinkedHashMap<>();
        if (keys.get("properties") instanceof Map<?, ?> existing) {
            existing.forEach((k, v) -> properties.put(String.valueOf(k), v));
        }
        properties.put(key, value);
        return set("properties", properties);
    }

    public Object get(String key) {
        return keys.get(key);
    }

    public int workerPort() {
        return Integer.parseInt(String.valueOf(keys.get("workerPort")));
    }

    /** @return the admin URL clients use: {@code http://workerHostname:workerPort} */
    public String adminUrl() {
        return "http://" + keys.get("workerHostname") + ":" + workerPort();
    }

    /** Writes the file; owner-only when it may hold credentials (broker client parameters, properties). */
    public Path write(Path file) {
        try {
            if (keys.containsKey("brokerClientAuthenticationParameters") || keys.containsKey("properties")) {
                LocalPulsarCluster.writeOwnerOnly(file, yaml());
            } else {
                Files.createDirectories(file.toAbsolutePath().getParent());
                Files.writeString(file, yaml(), StandardCharsets.UTF_8);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    /** The file's content: one {@code key: value} line per key, in the order first set. */
    String yaml() {
        return keys.entrySet().stream()
                .map(entry -> key(entry.getKey()) + ": " + scalar(entry.getValue()))
                .collect(Collectors.joining("\n", "", "\n"));
    }

    private static String key(Object key) {
        String name = String.valueOf(key);
        return PLAIN_KEY.matcher(name).matches() ? name : quoted(name);
    }

    private static String scalar(Object value) {
        if (value == null) {
            return "null"; // YAML null: Pulsar's way to turn a key off (workerPort: null disables plain HTTP)
        }
        if (value instanceof List<?> list) {
            return list.stream().map(WorkerConfig::scalar).collect(Collectors.joining(", ", "[", "]"));
        }
        if (value instanceof Map<?, ?> map) {
            return map.entrySet().stream()
                    .map(entry -> key(entry.getKey()) + ": " + scalar(entry.getValue()))
                    .collect(Collectors.joining(", ", "{", "}"));
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        return quoted(String.valueOf(value));
    }

    private static String quoted(String value) {
        // Double-quoted YAML: only backslash and quote need escaping in these values.
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** A port free on loopback right now. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on loopback", e);
        }
    }
}
