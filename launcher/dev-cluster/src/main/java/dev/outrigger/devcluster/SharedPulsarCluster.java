package dev.outrigger.devcluster;

import java.nio.file.Path;

/**
 * One {@link LocalPulsarCluster} per JVM, started on first use and stopped by a shutdown hook: a cluster costs about
 * 5 to 15 s and about 600 MB, so end-to-end tests share it rather than each starting their own. Tests must therefore not assume
 * an empty cluster: use unique tenant, namespace and topic names.
 *
 * <p>{@value #SECURITY_PROPERTY}{@code =token} makes it the token-secured cluster
 * ({@link LocalPulsarCluster.Security#TOKEN}) instead: the build runs the {@code *SecureIT} tests in a JVM of their own
 * with it, since one JVM has one shared cluster.
 */
public final class SharedPulsarCluster {

    /** Base directory for the cluster's files; {@code target} (of the working directory) when unset. */
    public static final String DIR_PROPERTY = "outrigger.devcluster.dir";
    /** {@code none} (the default) or {@code token}: the {@link LocalPulsarCluster.Security} of the shared cluster. */
    public static final String SECURITY_PROPERTY = "outrigger.devcluster.security";

    private static LocalPulsarCluster cluster;
    private static RuntimeException failure;

    private SharedPulsarCluster() {
    }

    /**
     * @return the running cluster, started now if this is the first call
     * @throws IllegalStateException if it cannot start; later calls fail the same way at once instead of waiting
     *                               another two minutes each
     */
    public static synchronized LocalPulsarCluster get() {
        if (cluster != null) {
            return cluster;
        }
        if (failure != null) {
            throw new IllegalStateException("The shared Pulsar cluster failed to start earlier in this JVM", failure);
        }
        LocalPulsarCluster.Security security;
        try {
            security = LocalPulsarCluster.Security.parse(System.getProperty(SECURITY_PROPERTY, "none"));
        } catch (IllegalArgumentException e) {
            failure = new IllegalStateException("System property " + SECURITY_PROPERTY + ": " + e.getMessage(), e);
            throw failure;
        }
        // Its own directory name, so a secure and an open cluster of the same build never share files.
        String name = security == LocalPulsarCluster.Security.TOKEN ? "pulsar-cluster-secure-" : "pulsar-cluster-";
        Path dir = Path.of(System.getProperty(DIR_PROPERTY, "target")).resolve(name + ProcessHandle.current().pid());
        try {
            LocalPulsarCluster started = LocalPulsarCluster.start(dir, security);
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "outrigger-dev-cluster-shutdown"));
            cluster = started;
            return started;
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        }
    }
}
