package dev.outrigger.itests;

import static dev.outrigger.itests.FaultChecks.assertAlive;
import static dev.outrigger.itests.FaultChecks.assertClearError;
import static dev.outrigger.itests.FaultChecks.awaitOutputs;
import static dev.outrigger.itests.FaultChecks.awaitRunning;
import static dev.outrigger.itests.FaultChecks.functionRequest;
import static dev.outrigger.itests.FaultChecks.multipart;
import static dev.outrigger.itests.FaultChecks.send;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.outrigger.devcluster.LocalPulsarCluster;
import dev.outrigger.devcluster.WorkerConfig;
import dev.outrigger.devcluster.WorkerProcess;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 11, faults from outside, on the real cluster: the broker is stopped and started again, and ZooKeeper is
 * restarted, under two running workers with a function processing a numbered stream. The workers must stay up,
 * answer the admin API with errors an operator can act on while the broker is away, and resume by themselves
 * without losing an input (ATLEAST_ONCE).
 *
 * <p>This class has a cluster of its own (data kept across its restarts), not the shared one: it stops its services.
 * Both tests run on one cluster and one pair of workers, in order, to save two cluster and worker start-ups.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrokerRestartIT {

    /** Longest an admin call may take while the broker is away before it counts as a hang. */
    private static final Duration ANSWER_DEADLINE = Duration.ofSeconds(60);
    /** From the broker (or ZooKeeper) being back to every output being there. */
    private static final Duration RESUME_DEADLINE = Duration.ofSeconds(120);
    private static final String NAMESPACE = "faults";

    private static Path dir;
    private static LocalPulsarCluster cluster;
    private static PulsarClient client;
    private static WorkerConfig config1;
    private static WorkerConfig config2;
    private static WorkerProcess worker1;
    private static WorkerProcess worker2;
    private static PulsarAdmin admin1;
    private static PulsarAdmin admin2;
    private static final Path EXAMPLES_JAR = TestClasspath.jar("/org/apache/pulsar/pulsar-functions-api-examples/");
    private static byte[] examplesJar;

    @BeforeAll
    static void startClusterAndWorkers() throws Exception {
        dir = FaultChecks.clusterDir("pulsar-cluster-broker-restart");
        cluster = LocalPulsarCluster.start(dir, LocalPulsarCluster.Security.NONE, LocalPulsarCluster.Persistence.KEEP);
        try (PulsarAdmin broker = PulsarAdmin.builder().serviceHttpUrl(cluster.webServiceUrl()).build()) {
            broker.namespaces().createNamespace("public/" + NAMESPACE);
        }
        // the client's own operations outlast a broker restart rather than fail the test's producer
        client = PulsarClient.builder().serviceUrl(cluster.brokerServiceUrl())
                .operationTimeout(60, TimeUnit.SECONDS).build();
        examplesJar = Files.readAllBytes(EXAMPLES_JAR);
        config1 = WorkerConfig.forCluster(cluster, "faults-1", "public/faults-w");
        config2 = WorkerConfig.forCluster(cluster, "faults-2", "public/faults-w");
        worker1 = Workers.start("faults-1", config1);
        worker2 = Workers.start("faults-2", config2);
        Workers.awaitReady(worker1, config1);
        Workers.awaitReady(worker2, config2);
        admin1 = PulsarAdmin.builder().serviceHttpUrl(config1.adminUrl()).build();
        admin2 = PulsarAdmin.builder().serviceHttpUrl(config2.adminUrl()).build();
    }

    @AfterAll
    static void stopAll() throws Exception {
        FaultChecks.closeAll(cluster, dir, admin1, admin2, worker1, worker2, client);
    }

    private static FunctionConfig exclamation(String name) {
        return FaultChecks.exclamation(NAMESPACE, name);
    }

    /** A producer whose sends wait for a broker that is away instead of failing after 30 s. */
    private static Producer<String> producer(FunctionConfig function) throws Exception {
        return client.newProducer(Schema.STRING).topic(function.getInputs().iterator().next())
                .enableBatching(false).sendTimeout(0, TimeUnit.SECONDS).blockIfQueueFull(true).create();
    }

    private static List<CompletableFuture<MessageId>> sendRange(Producer<String> input, String prefix, int from,
                                                                int to, List<String> expected) {
        List<CompletableFuture<MessageId>> sends = new ArrayList<>();
        for (int i = from; i < to; i++) {
            sends.add(input.sendAsync(prefix + i));
            expected.add(prefix + i + "!");
        }
        return sends;
    }

    private static boolean brokerAlive() {
        return ProcessHandle.of(cluster.pids().get("broker")).map(ProcessHandle::isAlive).orElse(false);
    }

    @Test
    @Order(1)
    void aBrokerStoppedAndStartedMidStreamLosesNothingAndTheWorkersAnswerClearlyMeanwhile() throws Exception {
        FunctionConfig function = exclamation("excl");
        // a second function, only there to be deleted while the broker is away
        FunctionConfig bystander = exclamation("bystander");
        List<String> expected = new ArrayList<>();
        Set<String> received = new HashSet<>();
        List<CompletableFuture<MessageId>> sends = new ArrayList<>();
        Map<String, String> refused;
        try (Consumer<String> output = client.newConsumer(Schema.STRING).topic(function.getOutput())
                .subscriptionName("test").subscribe();
             Producer<String> input = producer(function)) {
            admin1.functions().createFunction(function, EXAMPLES_JAR.toString());
            admin1.functions().createFunction(bystander, EXAMPLES_JAR.toString());
            awaitRunning(admin1, function, 1, Duration.ofSeconds(90), worker1, worker2);
            sends.addAll(sendRange(input, "n-", 0, 200, expected));
            // mid-stream: some results are out, more inputs are on their way when the broker goes
            awaitOutputs(output, expected.subList(0, 50), received, Duration.ofSeconds(60), worker1, worker2);
            sends.addAll(sendRange(input, "n-", 200, 300, expected));

            cluster.stopBroker();
            try {
                assertAlive(worker1, worker2);
                // inputs the producer holds until the broker is back
                sends.addAll(sendRange(input, "n-", 300, 400, expected));
                refused = whileTheBrokerIsAway();
                assertAlive(worker1, worker2);
            } finally {
                cluster.startBroker();
            }
            long back = System.nanoTime();

            sends.addAll(sendRange(input, "n-", 400, 500, expected));
            awaitOutputs(output, expected, received, RESUME_DEADLINE, worker1, worker2);
            System.err.printf("[faults] every output was there %.1f s after the broker was back%n",
                    (System.nanoTime() - back) / 1e9);
            // every input reached the broker (else the check above would prove less than it says)
            for (CompletableFuture<MessageId> send : sends) {
                send.get(30, TimeUnit.SECONDS);
            }
            // the workers take writes again by themselves, within the same deadline
            registerEventually(config1, exclamation("after-broker"), RESUME_DEADLINE);
            System.err.printf("[faults] a write was taken again %.1f s after the broker was back%n",
                    (System.nanoTime() - back) / 1e9);
            refusedWritesDidNotLandLater(refused);
        }
        awaitRunning(admin1, function, 1, Duration.ofSeconds(60), worker1, worker2);
        assertAlive(worker1, worker2);
        assertEquals(500, expected.size());
    }

    /**
     * What the admin API answers while the broker is away. Reads of what the workers hold in memory (the function's
     * configuration, the list) still work; writes, which need the broker to validate and to record, are refused with
     * 503 and a reason, in bounded time; nothing answers a 500 or a stack trace.
     *
     * @return the reasons of the refused writes, by what they would have changed
     */
    private Map<String, String> whileTheBrokerIsAway() throws Exception {
        String path = "/admin/v3/functions/public/" + NAMESPACE;
        for (WorkerConfig worker : List.of(config1, config2)) {
            HttpResponse<String> config = send(FaultChecks.get(worker, path + "/excl"), ANSWER_DEADLINE);
            assertEquals(200, config.statusCode(), config.body());
            assertEquals(ExampleFunctions.EXCLAMATION, FaultChecks.JSON.readTree(config.body()).path("className")
                    .asText(), config.body());

            HttpResponse<String> list = send(FaultChecks.get(worker, path), ANSWER_DEADLINE);
            assertEquals(200, list.statusCode(), list.body());
            assertEquals(List.of("bystander", "excl"), sorted(list.body()), list.body());

            // The instance runs in one worker's memory: its owner reports it; another worker, which cannot learn
            // where the owner is without the broker, says so per instance (200, running false and the reason, as
            // Pulsar's worker reports an instance it cannot reach) or refuses clearly (503).
            HttpResponse<String> status = send(FaultChecks.get(worker, path + "/excl/status"), ANSWER_DEADLINE);
            if (status.statusCode() == 200) {
                JsonNode instance = FaultChecks.JSON.readTree(status.body()).path("instances").path(0).path("status");
                assertTrue(instance.path("running").asBoolean() || !instance.path("error").asText().isBlank(),
                        "an instance reported as not running without a reason: " + status.body());
            } else {
                assertClearError(status, 503);
            }
        }

        Map<String, String> refused = new LinkedHashMap<>();
        // a new function: its namespace cannot be checked, its record cannot be written
        FunctionConfig another = exclamation("while-away");
        refused.put("register", assertClearError(send(functionRequest(config1, another)
                .POST(HttpRequest.BodyPublishers.ofByteArray(multipart(another, examplesJar))), ANSWER_DEADLINE), 503));

        // a change of the running function: its record cannot be written
        FunctionConfig changed = exclamation("excl");
        changed.setUserConfig(Map.of("changed", "while the broker is away"));
        refused.put("update", assertClearError(send(functionRequest(config2, changed)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(multipart(changed, null))), ANSWER_DEADLINE), 503));

        // a removal: the same
        refused.put("delete", assertClearError(send(FaultChecks.request(config1, path + "/bystander").DELETE(),
                ANSWER_DEADLINE), 503));

        assertTrue(!brokerAlive(), "the broker came back during the checks: they proved nothing");
        return refused;
    }

    /**
     * A 503 that says the write was not done means it: such a write does not show up once the broker is back (it
     * would leave the client with a wrong answer and, for a register, a record it never got). A 503 that says the
     * outcome is unknown ("may or may not have been written") allows either.
     */
    private void refusedWritesDidNotLandLater(Map<String, String> refused) throws Exception {
        String path = "/admin/v3/functions/public/" + NAMESPACE;
        for (WorkerConfig worker : List.of(config1, config2)) {
            List<String> names = sorted(send(FaultChecks.get(worker, path), ANSWER_DEADLINE).body());
            if (definite(refused.get("register"))) {
                assertFalse(names.contains("while-away"), "the register refused while the broker was away was "
                        + "done later (" + refused.get("register") + "): " + names);
            }
            if (definite(refused.get("delete"))) {
                assertTrue(names.contains("bystander"), "the delete refused while the broker was away was done "
                        + "later (" + refused.get("delete") + "): " + names);
            }
            if (definite(refused.get("update"))) {
                HttpResponse<String> config = send(FaultChecks.get(worker, path + "/excl"), ANSWER_DEADLINE);
                assertTrue(FaultChecks.JSON.readTree(config.body()).path("userConfig").path("changed")
                        .isMissingNode(), "the update refused while the broker was away was applied later ("
                        + refused.get("update") + "): " + config.body());
            }
        }
    }

    /** Whether a refusal says the write was not done, rather than that its outcome is unknown. */
    private static boolean definite(String reason) {
        boolean unknown = reason.contains("may or may not") || reason.contains("may still be applied");
        if (unknown) {
            System.err.println("[faults] outcome left open by the worker, not checked: " + reason);
        }
        return !unknown;
    }

    private static List<String> sorted(String jsonArray) throws Exception {
        List<String> names = new ArrayList<>(List.of(FaultChecks.JSON.readValue(jsonArray, String[].class)));
        names.sort(null);
        return names;
    }

    /**
     * Registers {@code function} through {@code worker}, again and again while the worker answers 503 (each answer a
     * clear one), until it answers 204, or "already exists" after an attempt whose outcome it could not tell.
     */
    private static void registerEventually(WorkerConfig worker, FunctionConfig function, Duration deadline) {
        AtomicReference<String> last = new AtomicReference<>("no answer yet");
        try {
            await().atMost(deadline).pollInterval(Duration.ofSeconds(1)).until(() -> {
                HttpResponse<String> answer = send(functionRequest(worker, function)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(multipart(function, examplesJar))),
                        ANSWER_DEADLINE);
                last.set(answer.statusCode() + " " + answer.body());
                if (answer.statusCode() == 204) {
                    return true;
                }
                if (answer.statusCode() == 400 && answer.body().contains("already exists")) {
                    return true;
                }
                assertClearError(answer, 503);
                return false;
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("The workers took no write within " + deadline.toSeconds() + " s; last answer: "
                    + last.get(), e);
        }
    }

    @Test
    @Order(2)
    void zooKeeperRestartedUnderTwoWorkersKeepsAFunctionRunningAndANewOneCanBeRegistered() throws Exception {
        FunctionConfig before = exclamation("zk-before");
        List<String> expected = new ArrayList<>();
        Set<String> received = new HashSet<>();
        try (Consumer<String> output = client.newConsumer(Schema.STRING).topic(before.getOutput())
                .subscriptionName("test").subscribe();
             Producer<String> input = producer(before)) {
            // (after the broker test the workers' clients may still be reconnecting: this is not what is tested here)
            registerEventually(config1, before, RESUME_DEADLINE);
            awaitRunning(admin1, before, 1, Duration.ofSeconds(90), worker1, worker2);
            sendRange(input, "z-", 0, 100, expected);
            awaitOutputs(output, expected, received, Duration.ofSeconds(60), worker1, worker2);

            // inputs in flight while ZooKeeper goes away and comes back
            sendRange(input, "z-", 100, 200, expected);
            cluster.restartZooKeeper();
            sendRange(input, "z-", 200, 300, expected);

            awaitOutputs(output, expected, received, RESUME_DEADLINE, worker1, worker2);
        }
        assertAlive(worker1, worker2);
        assertEquals(1, admin2.functions().getFunctionStatus("public", NAMESPACE, "zk-before").getNumRunning());
        JsonNode members = FaultChecks.JSON.readTree(send(FaultChecks.get(config2, "/admin/v2/worker/cluster"),
                ANSWER_DEADLINE).body());
        assertEquals(2, members.size(), members::toString);

        // a new function after ZooKeeper is back: its package goes to BookKeeper, whose metadata is in ZooKeeper
        FunctionConfig after = exclamation("zk-after");
        List<String> afterExpected = new ArrayList<>();
        try (Consumer<String> output = client.newConsumer(Schema.STRING).topic(after.getOutput())
                .subscriptionName("test").subscribe();
             Producer<String> input = producer(after)) {
            HttpResponse<String> create = send(functionRequest(config2, after)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(multipart(after, examplesJar))), ANSWER_DEADLINE);
            assertEquals(204, create.statusCode(), create.body());
            awaitRunning(admin2, after, 1, Duration.ofSeconds(90), worker1, worker2);
            sendRange(input, "a-", 0, 50, afterExpected);
            awaitOutputs(output, afterExpected, new HashSet<>(), Duration.ofSeconds(60), worker1, worker2);
        }
        assertAlive(worker1, worker2);
    }
}
