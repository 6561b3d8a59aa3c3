package dev.outrigger.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.devcluster.LocalPulsarCluster;
import dev.outrigger.devcluster.SharedPulsarCluster;
import dev.outrigger.devcluster.WorkerConfig;
import dev.outrigger.devcluster.WorkerProcess;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.junit.jupiter.api.Test;

/** A worker that cannot start says why, in one line an operator can act on, and exits non-zero. */
class StartupFailureIT {

    private static final Duration EXIT_DEADLINE = Duration.ofSeconds(90);

    private static String uniqueNamespace() {
        return "public/fail-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static int exitCode(WorkerProcess worker) throws InterruptedException {
        try (worker) {
            Integer code = worker.waitForExit(EXIT_DEADLINE);
            assertNotNull(code, () -> "The worker is still running after " + EXIT_DEADLINE + ":\n" + worker.log());
            return code;
        }
    }

    /** The reason is printed by the launcher as its own line, not only inside a stack trace. */
    private static void assertReason(WorkerProcess worker, String... parts) {
        String log = worker.log();
        String line = log.lines().filter(l -> l.startsWith("outrigger: ")).findFirst()
                .orElseThrow(() -> new AssertionError("No 'outrigger: <reason>' line in:\n" + log));
        for (String part : parts) {
            assertTrue(line.contains(part), () -> "'" + part + "' missing from: " + line);
        }
    }

    @Test
    void unreachableBrokerFailsAfterTheConfiguredRetries() throws Exception {
        int closedPort = WorkerConfig.freePort();
        String url = "http://127.0.0.1:" + closedPort;
        WorkerConfig config = WorkerConfig.forCluster(SharedPulsarCluster.get(), "unreachable", uniqueNamespace())
                .set("pulsarWebServiceUrl", url)
                .set("pulsarServiceUrl", "pulsar://127.0.0.1:" + closedPort)
                .set("initialBrokerReconnectMaxRetries", 2);
        WorkerProcess worker = Workers.start("unreachable", config);
        assertNotEquals(0, exitCode(worker), worker::log);
        assertReason(worker, "Cannot reach the Pulsar broker at " + url, "after 2 attempts");
    }

    @Test
    void portInUseIsNamed() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            WorkerConfig config = WorkerConfig.forCluster(SharedPulsarCluster.get(), "port-taken", uniqueNamespace())
                    .set("workerPort", taken.getLocalPort());
            WorkerProcess worker = Workers.start("port-taken", config);
            assertNotEquals(0, exitCode(worker), worker::log);
            assertReason(worker, "workerPort", String.valueOf(taken.getLocalPort()), "already in use");
        }
    }

    @Test
    void invalidValueIsNamedWithKeyValueAndExpectation() throws Exception {
        WorkerConfig config = WorkerConfig.forCluster(SharedPulsarCluster.get(), "bad-yaml", uniqueNamespace())
                .set("workerPort", "abc");
        WorkerProcess worker = Workers.start("bad-yaml", config);
        assertNotEquals(0, exitCode(worker), worker::log);
        assertReason(worker, "workerPort", "abc", "port");
    }

    @Test
    void missingConfigurationFileIsNamed() throws Exception {
        Path missing = Workers.workDir("missing").resolve("nowhere.yml");
        Files.deleteIfExists(missing);
        WorkerProcess worker = WorkerProcess.start(Distribution.home(), missing,
                Workers.freshLog(Workers.workDir("missing")), Map.of());
        assertEquals(2, exitCode(worker), worker::log);
        assertReason(worker, missing.toString(), "does not exist");
    }

    @Test
    void aSecondWorkerOnTheSameDataDirectoryIsRefused() throws Exception {
        LocalPulsarCluster pulsar = SharedPulsarCluster.get();
        Path shared = Workers.workDir("shared-data").resolve("data");
        WorkerConfig firstConfig = WorkerConfig.forCluster(pulsar, "data-1", uniqueNamespace());
        Path firstDir = Workers.workDir("data-1");
        try (WorkerProcess first = Workers.start(firstDir, firstConfig.write(firstDir.resolve("w.yml")), shared)) {
            Workers.awaitReady(first, firstConfig);
            Path secondDir = Workers.workDir("data-2");
            WorkerConfig secondConfig = WorkerConfig.forCluster(pulsar, "data-2", uniqueNamespace());
            WorkerProcess second = Workers.start(secondDir, secondConfig.write(secondDir.resolve("w.yml")), shared);
            assertEquals(1, exitCode(second), second::log);
            assertReason(second, "another Outrigger worker is running with the data directory " + shared);
            assertTrue(first.isAlive(), "the first worker must be left alone");
        }
    }

    @Test
    void refusesAClusterItDoesNotOwn() throws Exception {
        LocalPulsarCluster pulsar = SharedPulsarCluster.get();
        String namespace = uniqueNamespace();
        String topic = "persistent://" + namespace + "/metadata";
        try (PulsarAdmin broker = PulsarAdmin.builder().serviceHttpUrl(pulsar.webServiceUrl()).build();
                PulsarClient client = PulsarClient.builder().serviceUrl(pulsar.brokerServiceUrl()).build()) {
            broker.namespaces().createNamespace(namespace);
            // What Pulsar's own worker would have left there: a record without Outrigger's format marker.
            try (Producer<byte[]> producer = client.newProducer().topic(topic).create()) {
                producer.send("a record of Pulsar's own worker".getBytes());
            }
        }
        WorkerConfig config = WorkerConfig.forCluster(pulsar, "foreign", namespace);
        WorkerProcess worker = Workers.start("foreign", config);
        assertNotEquals(0, exitCode(worker), worker::log);
        assertReason(worker, topic, "holds records Outrigger did not write");
    }

    /** A secured configuration never starts an open worker: a provider no bundle serves stops start-up. */
    @Test
    void aSecuredConfigurationWhoseProviderIsMissingRefusesToStart() throws Exception {
        WorkerConfig config = WorkerConfig.forCluster(SharedPulsarCluster.get(), "no-provider", uniqueNamespace())
                .set("authenticationEnabled", true)
                .set("authenticationProviders", List.of("com.example.auth.NotInstalledProvider"));
        WorkerProcess worker = Workers.start("no-provider", config);
        assertNotEquals(0, exitCode(worker), worker::log);
        assertReason(worker, "authenticationProviders", "com.example.auth.NotInstalledProvider", "is not active");
    }

    @Test
    void tokenAuthenticationWithoutAKeyRefusesToStart() throws Exception {
        WorkerConfig config = WorkerConfig.forCluster(SharedPulsarCluster.get(), "no-token-key", uniqueNamespace())
                .set("authenticationEnabled", true)
                .set("authenticationProviders",
                        List.of("org.apache.pulsar.broker.authentication.AuthenticationProviderToken"));
        WorkerProcess worker = Workers.start("no-token-key", config);
        assertNotEquals(0, exitCode(worker), worker::log);
        assertReason(worker, "AuthenticationProviderToken", "neither tokenSecretKey nor tokenPublicKey");
    }

    @Test
    void tlsWithAMissingCertificateRefusesToStart() throws Exception {
        Path missing = Workers.workDir("tls-missing").resolve("no-such-cert.pem");
        WorkerConfig config = WorkerConfig.forCluster(SharedPulsarCluster.get(), "tls-missing", uniqueNamespace())
                .set("tlsEnabled", true)
                .set("workerPortTls", WorkerConfig.freePort())
                .set("tlsCertificateFilePath", missing.toString())
                .set("tlsKeyFilePath", missing.toString());
        WorkerProcess worker = Workers.start("tls-missing", config);
        assertNotEquals(0, exitCode(worker), worker::log);
        assertReason(worker, "tlsCertificateFilePath", missing.toString(), "cannot be read");
    }

    /**
     * A bundle of the worker that does not resolve (here one importing a package nobody exports; in the field, a
     * bundle of one build beside the api of another) left a worker that said it was ready and answered 404 for every
     * function. Now start-up stops, naming the bundle and Felix's reason.
     */
    @Test
    void aBundleOfTheWorkerThatDoesNotResolveStopsStartUp() throws Exception {
        Path dir = Workers.workDir("broken-bundle");
        Path home = distributionWithABrokenBundle(dir);
        WorkerConfig config = WorkerConfig.forCluster(SharedPulsarCluster.get(), "broken-1", uniqueNamespace());
        Path yaml = config.write(dir.resolve("functions_worker.yml"));
        WorkerProcess worker = WorkerProcess.start(home, yaml, Workers.freshLog(dir), Map.of(
                "OUTRIGGER_JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1",
                "OUTRIGGER_DATA", dir.resolve("data").toString()));
        assertNotEquals(0, exitCode(worker), worker::log);
        assertReason(worker, "a bundle of the worker did not start", "test.broken", "does.not.exist");
    }

    /** The distribution, linked file by file, with one more bundle in the worker feature: one that cannot resolve. */
    private static Path distributionWithABrokenBundle(Path dir) throws java.io.IOException {
        Path original = Distribution.home();
        Path home = dir.resolve("dist");
        if (Files.exists(home)) {
            LocalPulsarCluster.deleteRecursively(home);
        }
        Files.createDirectories(home.resolve("bundles"));
        try (var entries = Files.list(original)) {
            for (Path entry : entries.toList()) {
                if (!entry.getFileName().toString().equals("bundles")) {
                    Files.createSymbolicLink(home.resolve(entry.getFileName().toString()), entry);
                }
            }
        }
        try (var entries = Files.list(original.resolve("bundles"))) {
            for (Path entry : entries.toList()) {
                if (!entry.getFileName().toString().equals("features.xml")) {
                    Files.createSymbolicLink(home.resolve("bundles").resolve(entry.getFileName().toString()), entry);
                }
            }
        }
        Path jar = Files.createDirectories(home.resolve("bundles/zz/test/broken/broken/1.0")).resolve("broken-1.0.jar");
        java.util.jar.Manifest manifest = new java.util.jar.Manifest();
        java.util.jar.Attributes headers = manifest.getMainAttributes();
        headers.put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        headers.putValue("Bundle-ManifestVersion", "2");
        headers.putValue("Bundle-SymbolicName", "test.broken");
        headers.putValue("Bundle-Version", "1.0.0");
        headers.putValue("Import-Package", "does.not.exist");
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.flush();
        }
        String features = Files.readString(original.resolve("bundles/features.xml"));
        String worker = "<feature name=\"" + Distribution.WORKER_FEATURE + "\"";
        int at = features.indexOf('>', features.indexOf(worker)) + 1;
        Files.writeString(home.resolve("bundles/features.xml"), features.substring(0, at)
                + "\n    <bundle>mvn:zz.test.broken/broken/1.0</bundle>" + features.substring(at));
        return home;
    }
}
