package dev.outrigger.devcluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A real Pulsar 4.0.8 cluster on loopback: ZooKeeper and the standalone broker (with one real bookie) in two child JVMs.
 * ZooKeeper runs apart from the broker because standalone's embedded ZooKeeper binds 0.0.0.0, and so that
 * BookKeeper clients and Pulsar's own functions worker can share it. With {@link Bookie#OWN_JVM} the bookie runs in a
 * third JVM, so that tests can kill it while the broker runs.
 *
 * <p>Layout of {@code workDir}: {@code conf/} (generated configuration), {@code logs/} (one file per JVM, plus the
 * {@code .args} file that reruns it), {@code data/} (ZooKeeper and bookie data), {@code ports.properties} (the ports
 * of the last start). With {@link Persistence#FRESH} (the default) the data is wiped on start and on close; with
 * {@link Persistence#KEEP} it is kept, and a start on it takes the same ports again.
 *
 * <p>The bookie's identity is its address {@code 127.0.0.1:<port>}: it is written in the bookie's cookie (in its data
 * directory and in ZooKeeper) and in every ledger's ensemble, so a bookie that came back on another port would leave
 * the earlier ledgers unreadable. The port is therefore chosen once and recorded; Pulsar's {@code BKCluster} also takes
 * it from an existing cookie. (BookKeeper's {@code bookieId} is not an option here: {@code BKCluster} parses the cookie's
 * {@code bookieHost} as {@code host:port}.)
 *
 * <p>With {@link Security#TOKEN} the broker runs Pulsar's token authentication and authorization: an HS256 secret key
 * ({@code conf/secret.key}, new unless the data is kept) made by Pulsar's own {@code TokensCliUtils}, superusers
 * {@value #ADMIN_ROLE} and {@value #WORKER_ROLE}, and {@link #token(String)} makes tokens for any role with that key.
 */
public final class LocalPulsarCluster implements AutoCloseable {

    public static final String CLUSTER_NAME = "standalone";
    static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    static final Duration STOP_GRACE = Duration.ofSeconds(30);
    static final String LOOPBACK = "127.0.0.1";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    /** Superuser role of the secure cluster: the broker's own client and the tests' admin calls use it. */
    public static final String ADMIN_ROLE = "admin";
    /** Superuser role the Outrigger workers of the secure cluster authenticate as (Pulsar's worker is one too). */
    public static final String WORKER_ROLE = "outrigger-worker";
    /** Pulsar's server-side token authentication provider (broker and functions worker). */
    public static final String TOKEN_AUTH_PROVIDER =
            "org.apache.pulsar.broker.authentication.AuthenticationProviderToken";
    /** Pulsar's client-side token authentication plugin; its parameters are {@code token:<jwt>}. */
    public static final String TOKEN_AUTH_PLUGIN = "org.apache.pulsar.client.impl.auth.AuthenticationToken";

    /** How the broker authenticates clients. */
    public enum Security {
        /** No authentication, no authorization: anyone on loopback may do anything. */
        NONE,
        /** Pulsar's JWT token authentication (HS256 secret key) with authorization on. */
        TOKEN;

        /** @param value {@code none} or {@code token}, any case (the form of a system property) */
        public static Security parse(String value) {
            for (Security security : values()) {
                if (security.name().equalsIgnoreCase(value.trim())) {
                    return security;
                }
            }
            throw new IllegalArgumentException("Unknown security '" + value + "': expected none or token");
        }
    }

    /** What to do with the data of an earlier start in the same directory. */
    public enum Persistence {
        /** Wipe it at start and at close, and take new free ports: what tests want. */
        FRESH,
        /**
         * Keep it (ZooKeeper and bookie), and restart on the ports recorded with it, failing with a clear message if
         * one is taken. A directory without data, or without the record of its ports, starts fresh.
         */
        KEEP
    }

    /** Where the bookie runs. */
    public enum Bookie {
        /** In the broker's JVM, as Pulsar's standalone runs it: stopping the broker stops the bookie. */
        IN_BROKER,
        /**
         * In a JVM of its own (Pulsar's standalone with {@code --no-broker}; the broker runs {@code --only-broker}),
         * so tests can stop or kill the bookie while the broker keeps running: {@link #stopBookie()},
         * {@link #killBookie()}, {@link #startBookie()}.
         */
        OWN_JVM
    }

    /** What Pulsar's bin/pulsar opens on Java 17; any JVM running Pulsar's server code needs it. */
    public static final List<String> JAVA17_OPENS = List.of(
            "--add-opens", "java.base/java.lang=ALL-UNNAMED",
            "--add-opens", "java.base/java.io=ALL-UNNAMED",
            "--add-opens", "java.base/java.util=ALL-UNNAMED",
            "--add-opens", "java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens", "java.base/sun.net=ALL-UNNAMED",
            "--add-opens", "java.management/sun.management=ALL-UNNAMED",
            "--add-opens", "jdk.management/com.sun.management=ALL-UNNAMED",
            "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens", "java.base/java.nio=ALL-UNNAMED",
            "--add-opens", "java.base/java.util.zip=ALL-UNNAMED",
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED");

    private final Path workDir;
    private final int zookeeperPort;
    private final int brokerServicePort;
    private final int webServicePort;
    /** Replaced by the restart methods; guarded by {@code this}. */
    private JavaProcess zookeeper;
    private JavaProcess broker;
    /** Null when the bookie runs in the broker's JVM. */
    private JavaProcess bookie;
    private final ClusterLaunch launch;
    private final Persistence persistence;
    /** Null without security. */
    private final Path secretKeyFile;
    /** The broker's TLS listeners, in secure mode only (0 and null otherwise). */
    private final int brokerServicePortTls;
    private final int webServicePortTls;
    private final LoopbackCertificate brokerCertificate;
    /** Non-expiring tokens by role, made on first use; holds the admin token from the start in secure mode. */
    private final Map<String, String> tokens = new LinkedHashMap<>();
    private boolean closed;

    private LocalPulsarCluster(ClusterLaunch launch, Persistence persistence, JavaProcess zookeeper,
                               JavaProcess bookie, JavaProcess broker, Path secretKeyFile,
                               LoopbackCertificate brokerCertificate) {
        this.launch = launch;
        this.persistence = persistence;
        Ports ports = launch.ports();
        this.brokerServicePortTls = brokerCertificate == null ? 0 : ports.brokerTls();
        this.webServicePortTls = brokerCertificate == null ? 0 : ports.webTls();
        this.brokerCertificate = brokerCertificate;
        this.workDir = launch.dir();
        this.zookeeperPort = ports.zookeeper();
        this.brokerServicePort = ports.broker();
        this.webServicePort = ports.web();
        this.zookeeper = zookeeper;
        this.bookie = bookie;
        this.broker = broker;
        this.secretKeyFile = secretKeyFile;
        if (launch.adminToken() != null) {
            tokens.put(ADMIN_ROLE, launch.adminToken());
        }
    }

    /** {@link #start(Path, Security)} without security. */
    public static LocalPulsarCluster start(Path workDir) {
        return start(workDir, Security.NONE);
    }

    /** {@link #start(Path, Security, Persistence)} with fresh data, as tests want it. */
    public static LocalPulsarCluster start(Path workDir, Security security) {
        return start(workDir, security, Persistence.FRESH);
    }

    /**
     * Starts ZooKeeper, then the broker, and returns once {@code public/default} exists (what clients need first).
     * With {@link Security#TOKEN} it first makes the secret key and the admin token (with {@link Persistence#KEEP} it
     * reuses the key of the kept data, so tokens made before stay valid), and checks at the end that the broker
     * refuses a request without a token.
     *
     * @throws IllegalStateException if a JVM dies or is not ready within 120 s (the message carries its log's tail), or
     *                               if a port recorded with kept data is taken
     */
    public static LocalPulsarCluster start(Path workDir, Security security, Persistence persistence) {
        return start(workDir, security, persistence, Bookie.IN_BROKER);
    }

    /**
     * As {@link #start(Path, Security, Persistence)}, with the bookie where {@code bookie} says; with
     * {@link Bookie#OWN_JVM} it starts between ZooKeeper and the broker.
     */
    public static LocalPulsarCluster start(Path workDir, Security security, Persistence persistence,
                                           Bookie bookie) {
        Objects.requireNonNull(security, "security");
        Objects.requireNonNull(persistence, "persistence");
        Objects.requireNonNull(bookie, "bookie");
        Path dir = workDir.toAbsolutePath().normalize();
        List<Path> classpath = PulsarClasspath.jars();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        List<JavaProcess> started = new ArrayList<>();
        try {
            Path conf = Files.createDirectories(dir.resolve("conf"));
            Files.createDirectories(dir.resolve("logs"));
            Path data = dir.resolve("data");
            Path portsFile = dir.resolve(Ports.FILE);
            // Data is only worth keeping with the ports it was made on: the bookie's cookie and every ledger name
            // the bookie by address.
            boolean keep = persistence == Persistence.KEEP && Files.isDirectory(data.resolve("zookeeper"))
                    && Files.isRegularFile(portsFile);
            Ports ports;
            if (keep) {
                ports = Ports.read(portsFile);
                ports.requireFree(portsFile);
                progress("Keeping the data in " + data + " (ports from " + portsFile + ")");
            } else {
                deleteRecursively(data);
                ports = Ports.free();
                ports.write(portsFile);
            }
            Files.createDirectories(data.resolve("zookeeper"));
            Path log4j = conf.resolve("log4j2.xml");
            try (InputStream in = LocalPulsarCluster.class.getResourceAsStream("log4j2-child.xml")) {
                Files.write(log4j, in.readAllBytes());
            }
            Path secretKey = null;
            String adminToken = null;
            if (security == Security.TOKEN) {
                long tk = System.nanoTime();
                secretKey = conf.resolve("secret.key");
                if (!keep || !Files.isRegularFile(secretKey)) {
                    // A key left from an earlier run would do, but a fresh one keeps its tokens from working here.
                    Files.deleteIfExists(secretKey);
                    PulsarTokens.createSecretKey(dir, secretKey);
                }
                ownerOnly(secretKey);
                adminToken = PulsarTokens.createToken(dir, secretKey, ADMIN_ROLE, null);
                progress("Token secret key " + secretKey + " and admin token made in " + seconds(tk));
            }
            // the secure cluster also has TLS listeners, for workers that reach it over pulsar+ssl:// and https://
            LoopbackCertificate certificate = security == Security.TOKEN
                    ? LoopbackCertificate.create(conf.resolve("tls"), "pulsar-broker") : null;

            Path zooCfg = conf.resolve("zoo.cfg");
            Files.writeString(zooCfg, String.join("\n",
                    "tickTime=2000",
                    "dataDir=" + data.resolve("zookeeper"),
                    "clientPort=" + ports.zookeeper(),
                    "clientPortAddress=" + LOOPBACK,
                    "admin.enableServer=false",
                    "4lw.commands.whitelist=ruok,stat,srvr",
                    "autopurge.snapRetainCount=3",
                    "autopurge.purgeInterval=1",
                    ""));
            Path standaloneConf = conf.resolve("standalone.conf");
            // Owner-only: in secure mode it holds the admin token.
            writeOwnerOnly(standaloneConf, StandaloneConf.standalone(ports.zookeeper(), ports.broker(), ports.web(),
                    secretKey, adminToken) + StandaloneConf.tls(ports.brokerTls(), ports.webTls(), certificate));
            ClusterLaunch launch = new ClusterLaunch(dir, classpath, log4j, zooCfg, standaloneConf, ports, adminToken,
                    bookie == Bookie.OWN_JVM);

            JavaProcess zk = launch.startZooKeeper(deadline);
            started.add(zk);
            JavaProcess ownBookie = null;
            if (launch.ownBookie()) {
                ownBookie = launch.startBookie(deadline);
                started.add(ownBookie);
            }
            JavaProcess standalone = launch.startBroker(deadline);
            started.add(standalone);
            return new LocalPulsarCluster(launch, persistence, zk, ownBookie, standalone, secretKey, certificate);
        } catch (IOException e) {
            stopAll(started);
            throw new UncheckedIOException("Cannot prepare the Pulsar cluster in " + dir, e);
        } catch (InterruptedException e) {
            stopAll(started);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting the Pulsar cluster", e);
        } catch (RuntimeException e) {
            stopAll(started);
            throw e;
        }
    }

    /**
     * Stops the broker (and its bookie, unless it runs in {@link Bookie#OWN_JVM its own JVM}) with SIGTERM, as Ctrl-C
     * on Pulsar's standalone does. ZooKeeper and the data
     * stay; {@link #startBroker()} starts it again on them.
     */
    public synchronized void stopBroker() {
        requireOpen();
        long t0 = System.nanoTime();
        broker.stop(STOP_GRACE);
        progress("Pulsar broker stopped in " + seconds(t0));
    }

    /**
     * Starts the broker (with its bookie, unless {@link Bookie#OWN_JVM}) again on the same data and ports, after
     * {@link #stopBroker()} or after it died; returns once it serves {@code public/default}.
     *
     * @throws IllegalStateException if it is still running, or does not get ready within 120 s
     */
    public synchronized void startBroker() {
        requireOpen();
        if (broker.isAlive()) {
            throw new IllegalStateException("The Pulsar broker is running (pid " + broker.pid() + ")");
        }
        broker = launch(() -> launch.startBroker(System.nanoTime() + START_TIMEOUT.toNanos()));
    }

    /** {@link #stopBroker()} then {@link #startBroker()}: everything written before is there after. */
    public synchronized void restartBroker() {
        stopBroker();
        startBroker();
    }

    /**
     * Stops ZooKeeper and starts it again on the same data and port while the broker keeps running; returns once
     * ZooKeeper answers. The broker's session (30 s timeout) survives a restart this quick, so it reconnects and keeps
     * serving.
     */
    public synchronized void restartZooKeeper() {
        requireOpen();
        long t0 = System.nanoTime();
        zookeeper.stop(STOP_GRACE);
        zookeeper = launch(() -> launch.startZooKeeper(System.nanoTime() + START_TIMEOUT.toNanos()));
        progress("ZooKeeper restarted in " + seconds(t0));
    }

    /** @return where this cluster's bookie runs */
    public Bookie bookie() {
        return launch.ownBookie() ? Bookie.OWN_JVM : Bookie.IN_BROKER;
    }

    /**
     * Stops the bookie with SIGTERM (it deregisters from ZooKeeper); the broker keeps running and fails every write
     * to BookKeeper until {@link #startBookie()}.
     *
     * @throws IllegalStateException unless the bookie runs in {@link Bookie#OWN_JVM its own JVM}
     */
    public synchronized void stopBookie() {
        requireOwnBookie();
        long t0 = System.nanoTime();
        bookie.stop(STOP_GRACE);
        progress("Bookie stopped in " + seconds(t0));
    }

    /**
     * Kills the bookie with SIGKILL, a crash: nothing is flushed or deregistered (its registration in ZooKeeper stays
     * until its session expires; {@link #startBookie()} removes it).
     *
     * @throws IllegalStateException unless the bookie runs in {@link Bookie#OWN_JVM its own JVM}
     */
    public synchronized void killBookie() {
        requireOwnBookie();
        bookie.kill();
        progress("Bookie killed (pid " + bookie.pid() + ")");
    }

    /**
     * Starts the bookie again on the same data and port after {@link #stopBookie()}, {@link #killBookie()} or a death;
     * returns once it listens.
     *
     * @throws IllegalStateException unless the bookie runs in {@link Bookie#OWN_JVM its own JVM} and is stopped
     */
    public synchronized void startBookie() {
        requireOwnBookie();
        if (bookie.isAlive()) {
            throw new IllegalStateException("The bookie is running (pid " + bookie.pid() + ")");
        }
        bookie = launch(() -> launch.startBookie(System.nanoTime() + START_TIMEOUT.toNanos()));
    }

    private void requireOwnBookie() {
        requireOpen();
        if (bookie == null) {
            throw new IllegalStateException("The bookie runs in the broker's JVM: start the cluster with Bookie.OWN_JVM"
                    + " to stop or kill it alone");
        }
    }

    private interface Launcher {
        JavaProcess launch() throws InterruptedException;
    }

    private static JavaProcess launch(Launcher launcher) {
        try {
            return launcher.launch();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while restarting the Pulsar cluster", e);
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("This Pulsar cluster is closed");
        }
    }

    public Persistence persistence() {
        return persistence;
    }

    /** The bookie's port: with its host, its identity in ZooKeeper and in every ledger's metadata. */
    public int bookiePort() {
        return launch.ports().bookie();
    }

    /**
     * Binds all ports at once so they differ; the kernel may still hand one out again before the child binds it,
     * which then shows up as a child dying early with a BindException in its log.
     */
    static int[] freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK));
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }

    public String brokerServiceUrl() {
        return "pulsar://" + LOOPBACK + ":" + brokerServicePort;
    }

    /**
     * @return the broker's {@code pulsar+ssl://} URL (secure mode only)
     * @throws IllegalStateException without security
     */
    public String brokerServiceUrlTls() {
        requireSecure();
        return "pulsar+ssl://" + LOOPBACK + ":" + brokerServicePortTls;
    }

    /**
     * @return the broker's {@code https://} admin URL (secure mode only)
     * @throws IllegalStateException without security
     */
    public String webServiceUrlTls() {
        requireSecure();
        return "https://" + LOOPBACK + ":" + webServicePortTls;
    }

    /**
     * @return the PEM file clients trust for the broker's TLS listeners (secure mode only)
     * @throws IllegalStateException without security
     */
    public Path brokerTrustCertsFile() {
        requireSecure();
        return brokerCertificate.certificate();
    }

    public String webServiceUrl() {
        return "http://" + LOOPBACK + ":" + webServicePort;
    }

    public int zookeeperPort() {
        return zookeeperPort;
    }

    /** In the form Pulsar's {@code metadataStoreUrl} and {@code configurationMetadataStoreUrl} take. */
    public String metadataStoreUrl() {
        return "zk:" + LOOPBACK + ":" + zookeeperPort;
    }

    /** For BookKeeper clients; the ledgers live under /ledgers in the hierarchical layout. */
    public String bookkeeperMetadataServiceUri() {
        return "zk+hierarchical://" + LOOPBACK + ":" + zookeeperPort + "/ledgers";
    }

    public String clusterName() {
        return CLUSTER_NAME;
    }

    /**
     * Process ids by role ({@code zookeeper}, {@code bookie} when it runs in its own JVM, {@code broker}), e.g. to
     * measure their memory; they change on restarts.
     */
    public synchronized Map<String, Long> pids() {
        Map<String, Long> pids = new LinkedHashMap<>();
        pids.put(zookeeper.name(), zookeeper.pid());
        if (bookie != null) {
            pids.put(bookie.name(), bookie.pid());
        }
        pids.put(broker.name(), broker.pid());
        return pids;
    }

    public Path workDir() {
        return workDir;
    }

    public Security security() {
        return secretKeyFile == null ? Security.NONE : Security.TOKEN;
    }

    /** @return true if the broker runs token authentication and authorization */
    public boolean isSecure() {
        return secretKeyFile != null;
    }

    /**
     * The HS256 secret key (raw bytes, as {@code TokensCliUtils create-secret-key} writes it) the broker verifies
     * tokens with; a worker of this cluster verifies with the same key.
     *
     * @throws IllegalStateException if the cluster runs without security
     */
    public Path secretKeyFile() {
        requireSecure();
        return secretKeyFile;
    }

    /** {@link #secretKeyFile()} as the {@code file:///...} URL Pulsar's {@code tokenSecretKey} takes. */
    public String secretKeyUrl() {
        return PulsarTokens.secretKeyUrl(secretKeyFile());
    }

    /** The superuser {@value #ADMIN_ROLE}'s token, for admin clients ({@code Authorization: Bearer <token>}). */
    public String adminToken() {
        return token(ADMIN_ROLE);
    }

    /**
     * A token that never expires for {@code role}, signed with this cluster's key; made by {@code TokensCliUtils} on
     * first use (half a second), then the same for every call.
     *
     * @throws IllegalStateException if the cluster runs without security
     */
    public synchronized String token(String role) {
        requireSecure();
        String token = tokens.get(role);
        if (token == null) {
            token = PulsarTokens.createToken(workDir, secretKeyFile, role, null);
            tokens.put(role, token);
        }
        return token;
    }

    /**
     * A new token for {@code role} that expires {@code expiry} from now (rounded up to whole seconds; the JWT
     * {@code exp} claim has second precision), never cached.
     *
     * @throws IllegalStateException if the cluster runs without security
     */
    public String token(String role, Duration expiry) {
        requireSecure();
        return PulsarTokens.createToken(workDir, secretKeyFile, role, Objects.requireNonNull(expiry, "expiry"));
    }

    private void requireSecure() {
        if (secretKeyFile == null) {
            throw new IllegalStateException("This Pulsar cluster runs without security (start it with Security.TOKEN)");
        }
    }

    /** Log file of the broker (the bookie logs there too unless it runs in its own JVM), for test failure messages. */
    public synchronized Path brokerLog() {
        return broker.log();
    }

    /** Log file of the bookie: its own with {@link Bookie#OWN_JVM}, else the broker's. */
    public synchronized Path bookieLog() {
        return bookie == null ? broker.log() : bookie.log();
    }

    /**
     * Stops the broker, then its own bookie if it has one, then ZooKeeper (both deregister from it on the way out),
     * then drops the data unless it is {@link Persistence#KEEP kept}.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long t0 = System.nanoTime();
        List<JavaProcess> processes = new ArrayList<>(List.of(zookeeper));
        if (bookie != null) {
            processes.add(bookie);
        }
        processes.add(broker);
        stopAll(processes);
        if (persistence == Persistence.FRESH && processes.stream().noneMatch(JavaProcess::isAlive)) {
            try {
                deleteRecursively(workDir.resolve("data"));
            } catch (IOException e) {
                System.err.println("[dev-cluster] cannot delete " + workDir.resolve("data") + ": " + e);
            }
        }
        progress("Pulsar cluster stopped in " + seconds(t0) + " (logs in " + workDir.resolve("logs") + ")");
    }

    /** Stops in reverse start order. */
    private static void stopAll(List<JavaProcess> processes) {
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).stop(STOP_GRACE);
        }
    }

    /**
     * Writes a file only its owner may read (where the file system has POSIX permissions): it holds a secret. A new
     * file is created so; an existing one is restricted first, then rewritten in place (a watcher of the file sees a
     * change, not a delete).
     */
    static void writeOwnerOnly(Path file, String content) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        if (posix()) {
            if (Files.exists(file)) {
                ownerOnly(file);
            } else {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            }
        }
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    /** Makes an existing file readable by its owner only, where the file system has POSIX permissions. */
    static void ownerOnly(Path file) throws IOException {
        if (posix()) {
            Files.setPosixFilePermissions(file, OWNER_ONLY);
        }
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    /** Deletes a directory tree; a missing one is fine. */
    public static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    static String seconds(long startNanos) {
        return String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - startNanos) / 1e9);
    }

    static void progress(String message) {
        System.err.println("[dev-cluster] " + message);
    }

    @Override
    public String toString() {
        return "LocalPulsarCluster[" + webServiceUrl() + ", " + brokerServiceUrl() + ", zk " + zookeeperPort
                + ", " + workDir + (isSecure() ? ", token authentication" : "") + "]";
    }
}
