package dev.outrigger.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outrigger.devcluster.LocalPulsarCluster;
import dev.outrigger.devcluster.PulsarAdminCli;
import dev.outrigger.devcluster.SharedPulsarCluster;
import dev.outrigger.devcluster.WorkerConfig;
import dev.outrigger.devcluster.WorkerProcess;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.apache.pulsar.packages.management.core.common.PackageMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Packages beyond a plain upload, through the real {@code PulsarAdmin} and {@code pulsar-admin}, against a broker with
 * package management on: {@code functions upload/download --path} (kept in BookKeeper, found again after a restart),
 * functions registered from {@code function://} packages, and a worker with
 * {@code functionsWorkerEnablePackageManagement} keeping uploaded jars in the brokers' package management as Pulsar's
 * worker does.
 */
class PackagesIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EXCLAMATION = ExampleFunctions.EXCLAMATION;

    private static LocalPulsarCluster pulsar;
    private static PulsarAdmin broker;
    private static PulsarClient client;
    private static Path examplesJar;
    private static String namespace;
    /** A worker as shipped: package management off, uploads in BookKeeper. */
    private static WorkerConfig plainConfig;
    private static WorkerProcess plain;
    private static PulsarAdmin plainAdmin;
    /** A worker with functionsWorkerEnablePackageManagement: true. */
    private static WorkerConfig managedConfig;
    private static WorkerProcess managed;
    private static PulsarAdmin managedAdmin;

    @BeforeAll
    static void startWorkers() throws Exception {
        pulsar = SharedPulsarCluster.get();
        broker = PulsarAdmin.builder().serviceHttpUrl(pulsar.webServiceUrl()).build();
        client = PulsarClient.builder().serviceUrl(pulsar.brokerServiceUrl()).build();
        examplesJar = TestClasspath.jar("/org/apache/pulsar/pulsar-functions-api-examples/");
        String id = UUID.randomUUID().toString().substring(0, 8);
        namespace = "pkg-" + id;
        broker.namespaces().createNamespace("public/" + namespace);

        plainConfig = WorkerConfig.forCluster(pulsar, "packages-plain", "public/pkgw-" + id);
        managedConfig = WorkerConfig.forCluster(pulsar, "packages-managed", "public/pkgm-" + id)
                .set("functionsWorkerEnablePackageManagement", true);
        plain = Workers.start("packages-plain", plainConfig);
        managed = Workers.start("packages-managed", managedConfig);
        Workers.awaitReady(plain, plainConfig);
        Workers.awaitReady(managed, managedConfig);
        plainAdmin = PulsarAdmin.builder().serviceHttpUrl(plainConfig.adminUrl()).build();
        managedAdmin = PulsarAdmin.builder().serviceHttpUrl(managedConfig.adminUrl()).build();
    }

    @AfterAll
    static void stopWorkers() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {plainAdmin, managedAdmin, plain, managed, client, broker}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    private static FunctionConfig exclamation(String name) {
        return ExampleFunctions.exclamation(namespace, name);
    }

    private static Path file(String name) throws Exception {
        Path file = Workers.workDir("packages-files").resolve(name);
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        return file;
    }

    private static Path randomFile(String name, int size, long seed) throws Exception {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return Files.write(file(name), bytes);
    }

    private static void assertSameBytes(Path expected, Path actual) throws Exception {
        assertEquals(-1L, Files.mismatch(expected, actual), () -> actual + " differs from " + expected);
    }

    /** Sends to the function's input and waits for ExclamationFunction's answer on its output. */
    private static void assertExclaims(FunctionConfig function, PulsarAdmin admin) throws Exception {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> admin.functions().getFunctionStatus("public", namespace, function.getName())
                        .getNumRunning() == 1);
        try (Consumer<String> output = client.newConsumer(Schema.STRING).topic(function.getOutput())
                .subscriptionName("test").subscribe();
                Producer<String> input = client.newProducer(Schema.STRING)
                        .topic(function.getInputs().iterator().next()).create()) {
            input.send("hello");
            Message<String> answer = output.receive(60, TimeUnit.SECONDS);
            assertTrue(answer != null, "no output from " + function.getName());
            assertEquals("hello!", answer.getValue());
        }
    }

    /** The versions of a package of the test namespace, sorted. */
    private static List<String> versions(String name) throws Exception {
        return broker.packages().listPackageVersions("function://public/" + namespace + "/" + name).stream()
                .sorted().toList();
    }

    private static String reason(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body()).path("reason").asText();
    }

    // --- upload and download by path

    @Test
    void uploadAndDownloadByPathSurviveOverwriteAndRestart() throws Exception {
        String path = "outrigger-it/" + namespace + "/excl.jar";
        plainAdmin.functions().uploadFunction(examplesJar.toString(), path);
        Path first = file("by-path-1.jar");
        plainAdmin.functions().downloadFunction(first.toString(), path);
        assertSameBytes(examplesJar, first);

        // the same path again replaces what it named, as in Pulsar (there: the DistributedLog log is rewritten)
        Path other = randomFile("other.bin", 3 * 1024 * 1024 + 17, 7);
        plainAdmin.functions().uploadFunction(other.toString(), path);
        Path second = file("by-path-2.bin");
        plainAdmin.functions().downloadFunction(second.toString(), path);
        assertSameBytes(other, second);

        // the real CLI, through the other worker: the index is on a topic, not in one worker's memory
        Path work = Workers.workDir("packages-cli");
        String cliPath = "outrigger-it/" + namespace + "/cli.bin";
        Path small = randomFile("cli.bin", 1000, 11);
        PulsarAdminCli.Result upload = PulsarAdminCli.run(work, plainConfig.adminUrl(), "functions", "upload",
                "--source-file", small.toString(), "--path", cliPath);
        assertEquals(0, upload.exitCode(), upload.stderr());
        assertTrue(upload.stdout().contains("Uploaded successfully"), upload.stdout());
        Path cliDownload = file("cli-download.bin");
        PulsarAdminCli.Result download = PulsarAdminCli.run(work, plainConfig.adminUrl(), "functions", "download",
                "--path", cliPath, "--destination-file", cliDownload.toString());
        assertEquals(0, download.exitCode(), download.stderr());
        assertSameBytes(small, cliDownload);

        // a restarted worker reads the index back from the topic and the packages from BookKeeper
        plainAdmin.close();
        plain.close();
        plain = Workers.start("packages-plain", plainConfig);
        Workers.awaitReady(plain, plainConfig);
        plainAdmin = PulsarAdmin.builder().serviceHttpUrl(plainConfig.adminUrl()).build();
        Path afterRestart = file("after-restart.bin");
        plainAdmin.functions().downloadFunction(afterRestart.toString(), path);
        assertSameBytes(other, afterRestart);
        Path cliAfterRestart = file("cli-after-restart.bin");
        plainAdmin.functions().downloadFunction(cliAfterRestart.toString(), cliPath);
        assertSameBytes(small, cliAfterRestart);
    }

    @Test
    void byPathRefusalsAreInPulsarsShape() throws Exception {
        // upload without a path: Pulsar's 400 and words
        String boundary = "outrigger-test-boundary";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"data\"; filename=\"x.jar\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\nxyz\r\n--" + boundary + "--\r\n";
        HttpResponse<String> noPath = Workers.HTTP.send(HttpRequest.newBuilder(
                        URI.create(plainConfig.adminUrl() + "/admin/v3/functions/upload"))
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, noPath.statusCode(), noPath.body());
        assertEquals("Function Package is not provided null", reason(noPath));

        HttpResponse<String> noDownloadPath = Workers.get(plainConfig.adminUrl() + "/admin/v3/functions/download");
        assertEquals(400, noDownloadPath.statusCode(), noDownloadPath.body());
        assertFalse(reason(noDownloadPath).isEmpty(), noDownloadPath.body());

        String unknown = "outrigger-it/" + namespace + "/never-uploaded.jar";
        HttpResponse<String> notThere = Workers.get(plainConfig.adminUrl() + "/admin/v3/functions/download?path="
                + URLEncoder.encode(unknown, StandardCharsets.UTF_8));
        assertEquals(404, notThere.statusCode(), notThere.body());
        assertEquals("Function package does not exist at path " + unknown, reason(notThere));
        PulsarAdminException e = assertThrows(PulsarAdminException.class,
                () -> plainAdmin.functions().downloadFunction(file("never.jar").toString(), unknown));
        assertEquals(404, e.getStatusCode());

        // a bare ledger is not a path: only what a function or an upload names is read from BookKeeper
        HttpResponse<String> ledger = Workers.get(plainConfig.adminUrl()
                + "/admin/v3/functions/download?path=bookkeeper://ledger/1");
        assertEquals(404, ledger.statusCode(), ledger.body());
    }

    // --- function:// packages

    @Test
    void aFunctionFromAPackageUrlRunsWhereThePackageManagementIsOn() throws Exception {
        String packageName = "function://public/" + namespace + "/exclamation@1.0";
        broker.packages().upload(PackageMetadata.builder().description("Pulsar's examples").build(), packageName,
                examplesJar.toString());

        FunctionConfig function = exclamation("from-url");
        managedAdmin.functions().createFunctionWithUrl(function, packageName);
        assertExclaims(function, managedAdmin);

        // its package location is that URL: download?path= returns the function's package, as Pulsar's worker does
        Path byLocation = file("by-location.jar");
        managedAdmin.functions().downloadFunction(byLocation.toString(), packageName);
        assertSameBytes(examplesJar, byLocation);

        // a deregistered function never takes a package the user named with it
        managedAdmin.functions().deleteFunction("public", namespace, "from-url");
        assertTrue(broker.packages().listPackageVersions("function://public/" + namespace + "/exclamation")
                .contains("1.0"));
    }

    @Test
    void packageUrlsAreRefusedWhilePackageManagementIsOffAsPulsarDoes() throws Exception {
        String packageName = "function://public/" + namespace + "/off@1";
        broker.packages().upload(PackageMetadata.builder().build(), packageName, examplesJar.toString());
        PulsarAdminException e = assertThrows(PulsarAdminException.class,
                () -> plainAdmin.functions().createFunctionWithUrl(exclamation("off"), packageName));
        assertEquals(400, e.getStatusCode());
        assertEquals("Function Package management service is disabled. Please enable it to use " + packageName,
                e.getMessage());
        assertFalse(plainAdmin.functions().getFunctions("public", namespace).contains("off"));
    }

    @Test
    void anUnknownPackageIsRefusedWithTheBrokersAnswer() throws Exception {
        String missing = "function://public/" + namespace + "/never-uploaded@1";
        PulsarAdminException e = assertThrows(PulsarAdminException.class,
                () -> managedAdmin.functions().createFunctionWithUrl(exclamation("missing"), missing));
        assertEquals(400, e.getStatusCode(), e.getMessage());
        assertEquals("HTTP 404 Not Found", e.getMessage()); // what Pulsar 4.0.8's worker answers, word for word
        assertFalse(managedAdmin.functions().getFunctions("public", namespace).contains("missing"));

        PulsarAdminException badName = assertThrows(PulsarAdminException.class, () -> managedAdmin.functions()
                .createFunctionWithUrl(exclamation("bad-name"), "function://public/" + namespace));
        assertEquals(400, badName.getStatusCode(), badName.getMessage());
        assertTrue(badName.getMessage().contains("Invalid package name"), badName.getMessage());

        PulsarAdminCli.Result cli = PulsarAdminCli.run(Workers.workDir("packages-cli-missing"),
                managedConfig.adminUrl(), "functions", "create", "--jar", missing, "--classname", EXCLAMATION,
                "--inputs", "persistent://public/" + namespace + "/missing-in",
                "--tenant", "public", "--namespace", namespace, "--name", "missing-cli");
        assertNotEquals(0, cli.exitCode(), cli.stdout());
    }

    // --- a worker with functionsWorkerEnablePackageManagement

    @Test
    void uploadedJarsGoToPackageManagementAndStayAfterDeleteAsInPulsar() throws Exception {
        FunctionConfig function = exclamation("managed");
        managedAdmin.functions().createFunction(function, examplesJar.toString());
        String packageName = "function://public/" + namespace + "/managed@0";
        assertEquals(List.of("0"), versions("managed"));
        Path stored = file("managed-stored.jar");
        broker.packages().download(packageName, stored.toString());
        assertSameBytes(examplesJar, stored);
        assertExclaims(function, managedAdmin);

        // the function's own download reads it back from there
        Path downloaded = file("managed-download.jar");
        managedAdmin.functions().downloadFunction(downloaded.toString(), "public", namespace, "managed");
        assertSameBytes(examplesJar, downloaded);

        // an update with a new jar adds the next version and leaves the old one, as Pulsar's worker does
        FunctionConfig wider = exclamation("managed");
        wider.setParallelism(2);
        managedAdmin.functions().updateFunction(wider, examplesJar.toString());
        assertEquals(List.of("0", "1"), versions("managed"));

        // an upload by path goes there too, named by the path
        String byPath = "function://public/" + namespace + "/by-path@2";
        managedAdmin.functions().uploadFunction(examplesJar.toString(), byPath);
        assertTrue(broker.packages().listPackageVersions("function://public/" + namespace + "/by-path")
                .contains("2"));

        // Pulsar's worker leaves the package when the function goes (apache/pulsar#18030)
        managedAdmin.functions().deleteFunction("public", namespace, "managed");
        assertFalse(managedAdmin.functions().getFunctions("public", namespace).contains("managed"));
        assertEquals(List.of("0", "1"), versions("managed"));
        // so the same name cannot be registered again while it is there; the answer says what to do
        PulsarAdminException again = assertThrows(PulsarAdminException.class,
                () -> managedAdmin.functions().createFunction(function, examplesJar.toString()));
        assertEquals(400, again.getStatusCode());
        assertTrue(again.getMessage().contains("pulsar-admin packages delete " + packageName), again.getMessage());
        broker.packages().delete(packageName);
        managedAdmin.functions().createFunction(function, examplesJar.toString());
        assertEquals(List.of("0", "1"), versions("managed"));
    }
}
