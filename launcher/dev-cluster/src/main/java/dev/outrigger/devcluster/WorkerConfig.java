package dev.outrigger.devcluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A {@code functions_worker.yml} for one worker against a {@link LocalPulsarCluster}: Pulsar's keys, loopback
 * addresses, a free port. Values are written as YAML scalars (lists as flow sequences); {@link #set} overrides or
 * adds any key.
 */
public final class WorkerConfig {

    private final Map<String, Object> keys = new LinkedHashMap<>();

    private WorkerConfig() {}

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

    public WorkerConfig set(String key, Object value) {
        keys.put(key, value);
        return this;
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

    public Path write(Path file) {
        String yaml = keys.entrySet().stream()
                .map(entry -> entry.getKey() + ": " + scalar(entry.getValue()))
                .collect(Collectors.joining("\n", "", "\n"));
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, yaml, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    private static String scalar(Object value) {
        if (value instanceof java.util.List<?> list) {
            return list.stream().map(WorkerConfig::scalar).collect(Collectors.joining(", ", "[", "]"));
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        // Double-quoted YAML: only backslash and quote need escaping in these values.
        return "\"" + String.valueOf(value).replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
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
