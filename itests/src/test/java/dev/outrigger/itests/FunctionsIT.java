package dev.outrigger.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outrigger.devcluster.LocalPulsarCluster;
import dev.outrigger.devcluster.PulsarAdminCli;
import dev.outrigger.devcluster.SharedPulsarCluster;
import dev.outrigger.devcluster.WorkerConfig;
import dev.outrigger.devcluster.WorkerProcess;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.apache.pulsar.common.functions.Resources;
import org.apache.pulsar.common.policies.data.FunctionStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /admin/v3/functions} through the real {@code PulsarAdmin} and {@code pulsar-admin}: register with a package
 * from Pulsar's own examples, read it back with Pulsar's defaults, list, status, update, delete, and the refusals.
 */
class FunctionsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EXCLAMATION = ExampleFunctions.EXCLAMATION;
    private static final long PACKAGE_LIMIT = 2 * 1024 * 1024;

    private static LocalPulsarCluster pulsar;
    private static WorkerConfig config;
    private static WorkerProcess worker;
    private static PulsarAdmin admin;
    private static String namespace;
    private static Path examplesJar;

    @BeforeAll
    static void startWorker() throws Exception {
        pulsar = SharedPulsarCluster.get();
        config = WorkerConfig.forCluster(pulsar, "functions-1", "public/fn-" + UUID.randomUUID().toString().substring(0, 8))
                .set("functionPackageMaxSizeBytes", PACKAGE_LIMIT)
                // Pulsar refuses file: URLs outside functionsDirectory unless a pattern allows them
                .set("additionalEnabledFunctionsUrlPatterns", List.of("file:.*pulsar-functions-api-examples.*"));
        worker = Workers.start("functions-1", config);
        Workers.awaitReady(worker, config);
        admin = PulsarAdmin.builder().serviceHttpUrl(config.adminUrl()).build();
        namespace = "fns-" + UUID.randomUUID().toString().substring(0, 8);
        try (PulsarAdmin broker = PulsarAdmin.builder().serviceHttpUrl(pulsar.webServiceUrl()).build()) {
            broker.namespaces().createNamespace("public/" + namespace);
        }
        examplesJar = TestClasspath.jar("/org/apache/pulsar/pulsar-functions-api-examples/");
    }

    @AfterAll
    static void stopWorker() {
        if (admin != null) {
            admin.close();
        }
        if (worker != null) {
            worker.close();
        }
    }

    private static FunctionConfig exclamation(String name) {
        return ExampleFunctions.exclamation(namespace, name);
    }

    @Test
    void registerGetListStatusUpdateDelete() throws Exception {
        admin.functions().createFunction(exclamation("excl"), examplesJar.toString());

        FunctionConfig stored = admin.functions().getFunction("public", namespace, "excl");
        assertEquals(EXCLAMATION, stored.getClassName());
        assertEquals(1, stored.getParallelism());
        assertEquals(FunctionConfig.ProcessingGuarantees.ATLEAST_ONCE, stored.getProcessingGuarantees());
        assertEquals(Resources.getDefaultResources(), stored.getResources());
        assertTrue(admin.functions().getFunctions("public", namespace).contains("excl"));

        Path downloaded = Workers.workDir("functions-download").resolve("excl.jar");
        java.nio.file.Files.createDirectories(downloaded.getParent());
        java.nio.file.Files.deleteIfExists(downloaded);
        admin.functions().downloadFunction(downloaded.toString(), "public", namespace, "excl");
        assertEquals(-1L, java.nio.file.Files.mismatch(examplesJar, downloaded), "the package comes back byte for byte");

        FunctionStatus status = admin.functions().getFunctionStatus("public", namespace, "excl");
        assertEquals(1, status.getNumInstances());
        assertEquals(1, status.getInstances().size());

        admin.functions().stopFunction("public", namespace, "excl");
        admin.functions().startFunction("public", namespace, "excl", 0);
        admin.functions().restartFunction("public", namespace, "excl");
        PulsarAdminException outOfRange = assertThrows(PulsarAdminException.class,
                () -> admin.functions().stopFunction("public", namespace, "excl", 5));
        assertEquals(400, outOfRange.getStatusCode());

        FunctionConfig change = exclamation("excl");
        change.setParallelism(2);
        admin.functions().updateFunction(change, null);
        assertEquals(2, admin.functions().getFunction("public", namespace, "excl").getParallelism());

        PulsarAdminException noChange = assertThrows(PulsarAdminException.class,
                () -> admin.functions().updateFunction(change, null));
        assertEquals(400, noChange.getStatusCode());
        assertTrue(noChange.getMessage().contains("Update contains no change"), noChange.getMessage());

        admin.functions().deleteFunction("public", namespace, "excl");
        PulsarAdminException gone = assertThrows(PulsarAdminException.class,
                () -> admin.functions().getFunction("public", namespace, "excl"));
        assertEquals(404, gone.getStatusCode());
        assertFalse(admin.functions().getFunctions("public", namespace).contains("excl"));
    }

    @Test
    void refusals() throws Exception {
        admin.functions().createFunction(exclamation("twice"), examplesJar.toString());
        // the same create sent again (an answer lost on the way) is answered as done (issue 11 finding 2) ...
        admin.functions().createFunction(exclamation("twice"), examplesJar.toString());
        // ... another function of that name is not
        FunctionConfig other = exclamation("twice");
        other.setParallelism(2);
        PulsarAdminException exists = assertThrows(PulsarAdminException.class,
                () -> admin.functions().createFunction(other, examplesJar.toString()));
        assertEquals(400, exists.getStatusCode());
        assertTrue(exists.getMessage().contains("Function twice already exists"), exists.getMessage());

        PulsarAdminException missingDelete = assertThrows(PulsarAdminException.class,
                () -> admin.functions().deleteFunction("public", namespace, "nope"));
        assertEquals(404, missingDelete.getStatusCode());

        FunctionConfig noParallelism = exclamation("zero");
        noParallelism.setParallelism(0);
        PulsarAdminException zero = assertThrows(PulsarAdminException.class,
                () -> admin.functions().createFunction(noParallelism, examplesJar.toString()));
        assertEquals(400, zero.getStatusCode());

        FunctionConfig missingClass = exclamation("ghost");
        missingClass.setClassName("org.example.NoSuchFunction");
        PulsarAdminException notInJar = assertThrows(PulsarAdminException.class,
                () -> admin.functions().createFunction(missingClass, examplesJar.toString()));
        assertEquals(400, notInJar.getStatusCode());
        assertTrue(notInJar.getMessage().contains("Function class org.example.NoSuchFunction must be in class path"),
                notInJar.getMessage());

        FunctionConfig notAFunction = exclamation("pojo");
        notAFunction.setClassName("org.apache.pulsar.functions.api.examples.pojo.Tick");
        PulsarAdminException wrongType = assertThrows(PulsarAdminException.class,
                () -> admin.functions().createFunction(notAFunction, examplesJar.toString()));
        assertEquals(400, wrongType.getStatusCode());
        assertTrue(wrongType.getMessage().contains("does not implement the correct interface"), wrongType.getMessage());

        Path notAJar = Workers.workDir("functions-refusals").resolve("not-a-jar.jar");
        java.nio.file.Files.createDirectories(notAJar.getParent());
        java.nio.file.Files.writeString(notAJar, "this is not a zip file");
        PulsarAdminException garbage = assertThrows(PulsarAdminException.class,
                () -> admin.functions().createFunction(exclamation("garbage"), notAJar.toString()));
        assertEquals(400, garbage.getStatusCode());
        assertFalse(admin.functions().getFunctions("public", namespace).contains("garbage"));

        PulsarAdminException updateMissing = assertThrows(PulsarAdminException.class,
                () -> admin.functions().updateFunction(exclamation("never-created"), examplesJar.toString()));
        assertEquals(400, updateMissing.getStatusCode());
        assertTrue(updateMissing.getMessage().contains("Function never-created doesn't exist"),
                updateMissing.getMessage());

        Path tooLarge = largeFunctionJar(Workers.workDir("functions-refusals").resolve("large.jar"));
        PulsarAdminException overLimit = assertThrows(PulsarAdminException.class,
                () -> admin.functions().createFunction(exclamation("large"), tooLarge.toString()));
        assertEquals(400, overLimit.getStatusCode());
        assertTrue(overLimit.getMessage().contains("functionPackageMaxSizeBytes"), overLimit.getMessage());
        assertFalse(admin.functions().getFunctions("public", namespace).contains("large"));

        FunctionConfig noTenant = exclamation("orphan");
        noTenant.setTenant("no-such-tenant-" + UUID.randomUUID().toString().substring(0, 6));
        PulsarAdminException tenant = assertThrows(PulsarAdminException.class,
                () -> admin.functions().createFunction(noTenant, examplesJar.toString()));
        assertEquals(400, tenant.getStatusCode());
        assertTrue(tenant.getMessage().contains("does not exist"), tenant.getMessage());
    }

    @Test
    void registerWithAFileUrl() throws Exception {
        PulsarAdminException refused = assertThrows(PulsarAdminException.class,
                () -> admin.functions().createFunctionWithUrl(exclamation("elsewhere"), "file:/etc/hosts"));
        assertEquals(400, refused.getStatusCode());
        assertTrue(refused.getMessage().contains("Function Package url is not valid"), refused.getMessage());

        admin.functions().createFunctionWithUrl(exclamation("by-url"), examplesJar.toUri().toString());
        FunctionConfig stored = admin.functions().getFunction("public", namespace, "by-url");
        assertEquals(EXCLAMATION, stored.getClassName());
        await().atMost(java.time.Duration.ofSeconds(60)).ignoreExceptions().until(() -> admin.functions()
                .getFunctionStatus("public", namespace, "by-url").getNumRunning() == 1);
        admin.functions().deleteFunction("public", namespace, "by-url");
    }

    /** A real function jar made larger than the limit with an uncompressed filler entry. */
    private static Path largeFunctionJar(Path target) throws Exception {
        java.nio.file.Files.createDirectories(target.getParent());
        byte[] filler = new byte[(int) PACKAGE_LIMIT + 1024];
        new java.util.Random(7).nextBytes(filler);
        try (var in = new java.util.zip.ZipInputStream(java.nio.file.Files.newInputStream(examplesJar));
                var out = new java.util.zip.ZipOutputStream(java.nio.file.Files.newOutputStream(target))) {
            for (var entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                out.putNextEntry(new java.util.zip.ZipEntry(entry.getName()));
                in.transferTo(out);
                out.closeEntry();
            }
            java.util.zip.ZipEntry big = new java.util.zip.ZipEntry("filler.bin");
            big.setMethod(java.util.zip.ZipEntry.STORED);
            big.setSize(filler.length);
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(filler);
            big.setCrc(crc.getValue());
            out.putNextEntry(big);
            out.write(filler);
            out.closeEntry();
        }
        return target;
    }

    @Test
    void stateAnswers503WithoutStateStorage() {
        PulsarAdminException state = assertThrows(PulsarAdminException.class,
                () -> admin.functions().getFunctionState("public", namespace, "any", "key"));
        assertEquals(503, state.getStatusCode());
        assertTrue(state.getMessage().contains("State storage client is not done initializing"), state.getMessage());
    }

    /** The remaining bad input of issue 3, each refused with Pulsar's reason and nothing created. */
    @Test
    void invalidNamesTopicsAndSettingsAreRefusedAndUnknownFieldsIgnored() throws Exception {
        FunctionConfig badTopic = exclamation("badtopic");
        badTopic.setInputs(List.of("a/b"));
        PulsarAdminException topic = assertThrows(PulsarAdminException.class,
                () -> admin.functions().createFunction(badTopic, examplesJar.toString()));
        assertEquals(400, topic.getStatusCode());
        assertTrue(topic.getMessage().contains("Input topic a/b is invalid"), topic.getMessage());

        FunctionConfig negative = exclamation("negative");
        negative.setParallelism(-1);
        PulsarAdminException parallelism = assertThrows(PulsarAdminException.class,
                () -> admin.functions().createFunction(negative, examplesJar.toString()));
        assertEquals(400, parallelism.getStatusCode());

        FunctionConfig noClass = exclamation("noclass");
        noClass.setClassName(null);
        PulsarAdminException className = assertThrows(PulsarAdminException.class,
                () -> admin.functions().createFunction(noClass, examplesJar.toString()));
        assertEquals(400, className.getStatusCode());

        // PulsarAdmin encodes names into the path, so the dot-dot names go by hand
        HttpResponse<String> dotDot = postFunction("public", namespace, "..",
                "{\"className\":\"" + EXCLAMATION + "\",\"inputs\":[\"in\"],\"runtime\":\"JAVA\"}");
        assertTrue(dotDot.statusCode() == 400 || dotDot.statusCode() == 404, dotDot.statusCode() + " " + dotDot.body());
        HttpResponse<String> dotDotTenant = postFunction("..", namespace, "fn",
                "{\"className\":\"" + EXCLAMATION + "\",\"inputs\":[\"in\"],\"runtime\":\"JAVA\"}");
        assertTrue(dotDotTenant.statusCode() >= 400 && dotDotTenant.statusCode() < 500, dotDotTenant.body());
        assertFalse(admin.functions().getFunctions("public", namespace).contains(".."));

        HttpResponse<String> unknownFields = postFunction("public", namespace, "lenient",
                "{\"className\":\"" + EXCLAMATION + "\",\"inputs\":[\"persistent://public/" + namespace
                        + "/lenient-in\"],\"runtime\":\"JAVA\",\"noSuchField\":42,\"another\":{\"x\":1}}");
        assertEquals(204, unknownFields.statusCode(), unknownFields.body()); // Pulsar answers a register with no content
        assertEquals(EXCLAMATION, admin.functions().getFunction("public", namespace, "lenient").getClassName());
        admin.functions().deleteFunction("public", namespace, "lenient");
    }

    /** POSTs a register with the examples jar as {@code data}, by hand (multipart), as pulsar-admin sends it. */
    private static HttpResponse<String> postFunction(String tenant, String ns, String name, String functionConfig)
            throws Exception {
        String boundary = "outrigger-test-boundary";
        byte[] jar = java.nio.file.Files.readAllBytes(examplesJar);
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"functionConfig\"\r\n"
                + "Content-Type: application/json\r\n\r\n" + functionConfig + "\r\n--" + boundary
                + "\r\nContent-Disposition: form-data; name=\"data\"; filename=\"examples.jar\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        body.write(jar);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return Workers.HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(config.adminUrl()
                                + "/admin/v3/functions/" + tenant + "/" + ns + "/" + name))
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void malformedJsonIsABadRequestWithAReason() throws Exception {
        String boundary = "outrigger-test-boundary";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"functionConfig\"\r\n"
                + "Content-Type: application/json\r\n\r\n{not json\r\n--" + boundary + "--\r\n";
        HttpResponse<String> response = Workers.HTTP.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(config.adminUrl() + "/admin/v3/functions/public/" + namespace + "/bad"))
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, response.statusCode(), response.body());
        assertFalse(JSON.readTree(response.body()).path("reason").asText().isEmpty(), response.body());
    }

    @Test
    void pulsarAdminCliCreatesGetsListsAndDeletes() {
        Path work = Workers.workDir("functions-cli");
        String fqfn = "public/" + namespace + "/cli";
        PulsarAdminCli.Result create = PulsarAdminCli.run(work, config.adminUrl(), "functions", "create",
                "--jar", examplesJar.toString(), "--classname", EXCLAMATION,
                "--inputs", "persistent://public/" + namespace + "/cli-in",
                "--output", "persistent://public/" + namespace + "/cli-out",
                "--tenant", "public", "--namespace", namespace, "--name", "cli");
        assertEquals(0, create.exitCode(), create.stderr());
        assertTrue(create.stdout().contains("Created successfully"), create.stdout());

        PulsarAdminCli.Result get = PulsarAdminCli.run(work, config.adminUrl(), "functions", "get", "--fqfn", fqfn);
        assertEquals(0, get.exitCode(), get.stderr());
        JsonNode stored = readJson(get.stdout());
        assertEquals(EXCLAMATION, stored.path("className").asText(), get.stdout());

        PulsarAdminCli.Result list = PulsarAdminCli.run(work, config.adminUrl(), "functions", "list",
                "--tenant", "public", "--namespace", namespace);
        assertEquals(0, list.exitCode(), list.stderr());
        assertTrue(list.stdout().lines().anyMatch("cli"::equals), list.stdout());

        PulsarAdminCli.Result delete = PulsarAdminCli.run(work, config.adminUrl(), "functions", "delete",
                "--fqfn", fqfn);
        assertEquals(0, delete.exitCode(), delete.stderr());
        assertTrue(delete.stdout().contains("Deleted successfully"), delete.stdout());
    }

    @Test
    void pulsarAdminCliDrivesTheOtherSubcommands() throws Exception {
        Path work = Workers.workDir("functions-cli-all");
        String fqfn = "public/" + namespace + "/cli-all";
        PulsarAdminCli.Result create = cli(work, "functions", "create", "--jar", examplesJar.toString(),
                "--classname", EXCLAMATION, "--inputs", "persistent://public/" + namespace + "/cli-all-in",
                "--output", "persistent://public/" + namespace + "/cli-all-out", "--fqfn", fqfn);
        assertTrue(create.stdout().contains("Created successfully"), create.stdout());
        await().atMost(java.time.Duration.ofSeconds(60)).ignoreExceptions().until(() -> admin.functions()
                .getFunctionStatus("public", namespace, "cli-all").getNumRunning() == 1);

        JsonNode status = readJson(cli(work, "functions", "status", "--fqfn", fqfn).stdout());
        assertEquals(1, status.path("numRunning").asInt(), status::toString);
        assertEquals("functions-1", status.path("instances").get(0).path("status").path("workerId").asText());
        JsonNode instanceStatus = readJson(cli(work, "functions", "status", "--fqfn", fqfn, "--instance-id", "0")
                .stdout());
        assertTrue(instanceStatus.path("running").asBoolean(), instanceStatus::toString);
        JsonNode stats = readJson(cli(work, "functions", "stats", "--fqfn", fqfn).stdout());
        // Pulsar names the one-minute figures "1min" in JSON
        assertTrue(stats.has("receivedTotal") && stats.has("1min"), stats::toString);

        assertTrue(cli(work, "functions", "stop", "--fqfn", fqfn).stdout().contains("Stopped successfully"));
        await().atMost(java.time.Duration.ofSeconds(60)).ignoreExceptions().until(() -> admin.functions()
                .getFunctionStatus("public", namespace, "cli-all").getNumRunning() == 0);
        assertTrue(cli(work, "functions", "start", "--fqfn", fqfn).stdout().contains("Started successfully"));
        await().atMost(java.time.Duration.ofSeconds(60)).ignoreExceptions().until(() -> admin.functions()
                .getFunctionStatus("public", namespace, "cli-all").getNumRunning() == 1);
        assertTrue(cli(work, "functions", "restart", "--fqfn", fqfn).stdout().contains("Restarted successfully"));

        assertTrue(cli(work, "functions", "update", "--fqfn", fqfn, "--parallelism", "2").stdout()
                .contains("Updated successfully"));
        assertEquals(2, admin.functions().getFunction("public", namespace, "cli-all").getParallelism());

        Path downloaded = work.resolve("downloaded.jar");
        java.nio.file.Files.deleteIfExists(downloaded);
        cli(work, "functions", "download", "--fqfn", fqfn, "--destination-file", downloaded.toString());
        assertEquals(-1L, java.nio.file.Files.mismatch(examplesJar, downloaded));

        PulsarAdminCli.Result state = PulsarAdminCli.run(work, config.adminUrl(), "functions", "querystate",
                "--fqfn", fqfn, "--key", "k");
        assertTrue(state.exitCode() != 0, state.stdout());
        assertTrue(state.stderr().contains("State storage client is not done initializing"), state.stderr());

        assertTrue(cli(work, "functions", "delete", "--fqfn", fqfn).stdout().contains("Deleted successfully"));
    }

    /** A CLI call that must succeed. */
    private static PulsarAdminCli.Result cli(Path work, String... args) {
        PulsarAdminCli.Result result = PulsarAdminCli.run(work, config.adminUrl(), args);
        assertEquals(0, result.exitCode(), () -> String.join(" ", args) + "\n" + result.stdout() + result.stderr());
        return result;
    }

    private static JsonNode readJson(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("Not JSON: " + text, e);
        }
    }
}
