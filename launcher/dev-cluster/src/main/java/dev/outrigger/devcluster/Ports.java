package dev.outrigger.devcluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The loopback ports of a {@link LocalPulsarCluster}, recorded in its work directory so that a start on kept data
 * takes the same ones: clients, the worker's configuration and above all the bookie's identity depend on them.
 */
record Ports(int zookeeper, int broker, int web, int bookie, int brokerTls, int webTls) {

    static final String FILE = "ports.properties";

    /** Six ports free right now (the TLS ones are only used by the secure cluster). */
    static Ports free() throws IOException {
        int[] p = LocalPulsarCluster.freePorts(6);
        return new Ports(p[0], p[1], p[2], p[3], p[4], p[5]);
    }

    static Ports read(Path file) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        }
        try {
            return new Ports(port(properties, "zookeeper"), port(properties, "broker"), port(properties, "web"),
                    port(properties, "bookie"), port(properties, "brokerTls"), port(properties, "webTls"));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(file + ": " + e.getMessage()
                    + " (delete the work directory's data, e.g. ./outrigger dev --fresh)", e);
        }
    }

    private static int port(Properties properties, String key) {
        String value = properties.getProperty(key);
        if (value == null) {
            throw new IllegalArgumentException("no " + key + " port");
        }
        return Integer.parseInt(value.trim());
    }

    void write(Path file) throws IOException {
        Properties properties = new Properties();
        byName().forEach((name, port) -> properties.setProperty(name, Integer.toString(port)));
        try (OutputStream out = Files.newOutputStream(file)) {
            properties.store(out, "Ports of the Pulsar cluster whose data is in data/; reused when it is kept");
        }
    }

    Map<String, Integer> byName() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("zookeeper", zookeeper);
        ports.put("broker", broker);
        ports.put("web", web);
        ports.put("bookie", bookie);
        ports.put("brokerTls", brokerTls);
        ports.put("webTls", webTls);
        return ports;
    }

    /**
     * @throws IllegalStateException naming the taken ports: the kept data cannot be served on other ones
     */
    void requireFree(Path file) {
        StringBuilder taken = new StringBuilder();
        byName().forEach((name, port) -> {
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
                // free
            } catch (IOException e) {
                taken.append(taken.isEmpty() ? "" : ", ").append(name).append(' ').append(port);
            }
        });
        if (!taken.isEmpty()) {
            throw new IllegalStateException("The Pulsar cluster's data in " + file.getParent().resolve("data")
                    + " is kept with the ports in " + file + ", but these are in use: " + taken
                    + ". Is another cluster (./outrigger dev) still running on it? Stop it, or wipe the data and take"
                    + " new ports (./outrigger dev --fresh).");
        }
    }
}
