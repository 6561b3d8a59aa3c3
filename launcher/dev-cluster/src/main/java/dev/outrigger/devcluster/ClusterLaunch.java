package dev.outrigger.devcluster;

import static dev.outrigger.devcluster.LocalPulsarCluster.JAVA17_OPENS;
import static dev.outrigger.devcluster.LocalPulsarCluster.LOOPBACK;
import static dev.outrigger.devcluster.LocalPulsarCluster.STOP_GRACE;
import static dev.outrigger.devcluster.LocalPulsarCluster.progress;
import static dev.outrigger.devcluster.LocalPulsarCluster.seconds;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How a {@link LocalPulsarCluster} starts each of its child JVMs, again and again on the same files and ports: at its
 * start and when a test restarts one service.
 *
 * @param adminToken the superuser token the broker's readiness is checked with, or null without security
 */
record ClusterLaunch(Path dir, List<Path> classpath, Path log4j, Path zooCfg, Path standaloneConf, Ports ports,
                     String adminToken) {

    /** Starts ZooKeeper on the recorded port and data; returns once it answers {@code ruok}. */
    JavaProcess startZooKeeper(long deadline) throws InterruptedException {
        long t0 = System.nanoTime();
        int port = ports().zookeeper();
        JavaProcess zk = JavaProcess.start("zookeeper", dir(), classpath(),
                List.of("-Xmx128m", "-XX:+ExitOnOutOfMemoryError", "-Dlog4j2.configurationFile=" + log4j()),
                "org.apache.zookeeper.server.ZooKeeperServerMain", List.of(zooCfg().toString()),
                dir().resolve("logs").resolve("zookeeper.log"), true);
        try {
            Readiness.awaitZooKeeper(zk, LOOPBACK, port, deadline);
        } catch (InterruptedException | RuntimeException e) {
            zk.stop(STOP_GRACE);
            throw e;
        }
        progress("ZooKeeper ready on " + LOOPBACK + ":" + port + " in " + seconds(t0) + " (pid " + zk.pid() + ")");
        return zk;
    }

    /** Starts the broker and its bookie on the recorded ports and data; returns once it serves {@code public/default}. */
    JavaProcess startBroker(long deadline) throws InterruptedException {
        long t1 = System.nanoTime();
        Path data = dir().resolve("data");
        Ports ports = ports();
        if (Files.isDirectory(data.resolve("bookkeeper"))) {
            removeStaleBookieRegistration();
        }
        List<String> jvm = new ArrayList<>(List.of("-Xms512m", "-Xmx512m", "-XX:MaxDirectMemorySize=512m",
                "-XX:+ExitOnOutOfMemoryError", "-Dio.netty.tryReflectionSetAccessible=true",
                "-Djute.maxbuffer=10485760",
                "-Dlog4j2.configurationFile=" + log4j()));
        jvm.addAll(JAVA17_OPENS);
        JavaProcess standalone = JavaProcess.start("broker", dir(), classpath(), jvm,
                "org.apache.pulsar.PulsarStandaloneStarter", List.of(
                        "--config", standaloneConf().toString(),
                        "--advertised-address", LOOPBACK,
                        "--no-functions-worker",
                        "--no-stream-storage",
                        "--metadata-url", "zk:" + LOOPBACK + ":" + ports.zookeeper(),
                        // Must not exist: if it does, standalone starts its own ZooKeeper (bound to 0.0.0.0).
                        "--zookeeper-dir", data.resolve("no-embedded-zookeeper").toString(),
                        "--bookkeeper-dir", data.resolve("bookkeeper").toString(),
                        // The bookie's identity (see the class comment); honoured with allowEphemeralPorts=true.
                        "--bookkeeper-port", Integer.toString(ports.bookie())),
                dir().resolve("logs").resolve("broker.log"), true);
        String webUrl = "http://" + LOOPBACK + ":" + ports.web();
        try {
            Readiness.awaitBroker(standalone, webUrl, adminToken(), deadline);
        } catch (InterruptedException | RuntimeException e) {
            standalone.stop(STOP_GRACE);
            throw e;
        }
        progress("Pulsar broker ready at pulsar://" + LOOPBACK + ":" + ports.broker() + ", " + webUrl + " in "
                + seconds(t1) + " (pid " + standalone.pid() + ", bookie " + LOOPBACK + ":" + ports.bookie()
                + (adminToken() == null ? "" : ", token authentication") + ")");
        return standalone;
    }

    /**
     * A broker that died without stopping its bookie (SIGKILL, or a parent gone with ZooKeeper) leaves the bookie's
     * ephemeral registration {@code /ledgers/available/<address>} behind until its session expires, and ZooKeeper
     * restores it with the session after its own restart. The bookie coming back under the same address then fails to
     * register ("already locked") and shuts down, while the broker answers as if ready but cannot create a ledger. No
     * broker runs here, so any registration is stale: removed with ZooKeeper's own CLI (this JVM has only the JDK).
     */
    private void removeStaleBookieRegistration() throws InterruptedException {
        String bookie = LOOPBACK + ":" + ports().bookie();
        for (String path : List.of("/ledgers/available/" + bookie, "/ledgers/available/readonly/" + bookie)) {
            JavaProcess cli = JavaProcess.start("zookeeper-cli", dir(), classpath(),
                    List.of("-Xmx64m", "-Dlog4j2.configurationFile=" + log4j()),
                    "org.apache.zookeeper.ZooKeeperMain",
                    List.of("-server", LOOPBACK + ":" + ports().zookeeper(), "delete", path),
                    dir().resolve("logs").resolve("zookeeper-cli.log"), false);
            // A missing node is the usual case ("Node does not exist" in the log), not an error.
            if (cli.waitFor(Duration.ofSeconds(30)) == null) {
                cli.stop(Duration.ofSeconds(1));
            }
        }
    }
}
