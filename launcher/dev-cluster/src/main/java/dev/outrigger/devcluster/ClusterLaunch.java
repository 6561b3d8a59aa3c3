package dev.outrigger.devcluster;

import static dev.outrigger.devcluster.LocalPulsarCluster.JAVA17_OPENS;
import static dev.outrigger.devcluster.LocalPulsarCluster.LOOPBACK;
import static dev.outrigger.devcluster.LocalPulsarCluster.STOP_GRACE;
import static dev.outrigger.devcluster.LocalPulsarCluster.progress;
import static dev.outrigger.devcluster.LocalPulsarCluster.seconds;

import java.io.IOException;
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
 * @param ownBookie  true if the bookie runs in a JVM of its own ({@link #startBookie}) and the broker without one
 */
record ClusterLaunch(Path dir, List<Path> classpath, Path log4j, Path zooCfg, Path standaloneConf, Ports ports,
                     String adminToken, boolean ownBookie) {

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

    /**
     * Starts the broker on the recorded ports and data, with its bookie unless {@link #ownBookie()}; returns once it
     * serves {@code public/default}.
     */
    JavaProcess startBroker(long deadline) throws InterruptedException {
        long t1 = System.nanoTime();
        Ports ports = ports();
        if (!ownBookie() && Files.isDirectory(dir().resolve("data").resolve("bookkeeper"))) {
            removeStaleBookieRegistration();
        }
        List<String> jvm = new ArrayList<>(List.of("-Xms512m", "-Xmx512m", "-XX:MaxDirectMemorySize=512m",
                "-XX:+ExitOnOutOfMemoryError", "-Dio.netty.tryReflectionSetAccessible=true",
                "-Djute.maxbuffer=10485760",
                "-Dlog4j2.configurationFile=" + log4j()));
        jvm.addAll(JAVA17_OPENS);
        List<String> args = new ArrayList<>(standaloneArgs());
        if (ownBookie()) {
            // Standalone's broker without its BKCluster: it uses whatever bookies are registered in ZooKeeper.
            args.add("--only-broker");
        } else {
            args.addAll(bookieArgs());
        }
        JavaProcess standalone = JavaProcess.start("broker", dir(), classpath(), jvm,
                "org.apache.pulsar.PulsarStandaloneStarter", args, dir().resolve("logs").resolve("broker.log"), true);
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
     * Starts the bookie alone ({@link #ownBookie()} only): Pulsar's standalone with {@code --no-broker}, so it is the
     * same bookie as in the broker's JVM (same configuration file, cookie, metadata format and port), only killable on
     * its own. Returns once it is registered in ZooKeeper and listens on its port.
     */
    JavaProcess startBookie(long deadline) throws InterruptedException {
        long t0 = System.nanoTime();
        if (Files.isDirectory(dir().resolve("data").resolve("bookkeeper"))) {
            removeStaleBookieRegistration();
        }
        List<String> jvm = new ArrayList<>(List.of("-Xms128m", "-Xmx256m", "-XX:MaxDirectMemorySize=256m",
                "-XX:+ExitOnOutOfMemoryError", "-Dio.netty.tryReflectionSetAccessible=true",
                "-Djute.maxbuffer=10485760",
                "-Dlog4j2.configurationFile=" + log4j()));
        jvm.addAll(JAVA17_OPENS);
        List<String> args = new ArrayList<>(standaloneArgs());
        args.add("--no-broker");
        args.addAll(bookieArgs());
        Path log = dir().resolve("logs").resolve("bookie.log");
        long logOffset = sizeOf(log);
        JavaProcess bookie = JavaProcess.start("bookie", dir(), classpath(), jvm,
                "org.apache.pulsar.PulsarStandaloneStarter", args, log, true);
        try {
            // The port opens before the bookie registers in ZooKeeper, and clients pick bookies from the
            // registrations: BookKeeper 4.17's ComponentStarter logs this line once both are done.
            Readiness.awaitLogLine(bookie, logOffset, "Started component bookie-server", deadline);
            Readiness.awaitPort(bookie, LOOPBACK, ports().bookie(), deadline);
        } catch (InterruptedException | RuntimeException e) {
            bookie.stop(STOP_GRACE);
            throw e;
        }
        progress("Bookie ready on " + LOOPBACK + ":" + ports().bookie() + " in " + seconds(t0) + " (pid "
                + bookie.pid() + ")");
        return bookie;
    }

    private static long sizeOf(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private List<String> standaloneArgs() {
        return List.of(
                "--config", standaloneConf().toString(),
                "--advertised-address", LOOPBACK,
                "--no-functions-worker",
                "--no-stream-storage",
                "--metadata-url", "zk:" + LOOPBACK + ":" + ports().zookeeper(),
                // Must not exist: if it does, standalone starts its own ZooKeeper (bound to 0.0.0.0).
                "--zookeeper-dir", dir().resolve("data").resolve("no-embedded-zookeeper").toString());
    }

    private List<String> bookieArgs() {
        return List.of(
                "--bookkeeper-dir", dir().resolve("data").resolve("bookkeeper").toString(),
                // The bookie's identity (see LocalPulsarCluster); honoured with allowEphemeralPorts=true.
                "--bookkeeper-port", Integer.toString(ports().bookie()));
    }

    /**
     * A broker that died without stopping its bookie (SIGKILL, or a parent gone with ZooKeeper) leaves the bookie's
     * ephemeral registration {@code /ledgers/available/<address>} behind until its session expires, and ZooKeeper
     * restores it with the session after its own restart. The bookie coming back under the same address then fails to
     * register ("already locked") and shuts down, while the broker answers as if ready but cannot create a ledger. No
     * bookie runs here, so any registration is stale: removed with ZooKeeper's own CLI (this JVM has only the JDK).
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
