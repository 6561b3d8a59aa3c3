package dev.outrigger.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.devcluster.LocalPulsarCluster;
import dev.outrigger.devcluster.SharedPulsarCluster;
import dev.outrigger.devcluster.WorkerConfig;
import dev.outrigger.devcluster.WorkerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Functions from Pulsar's own examples jar, registered through PulsarAdmin, scheduled by the leader and run by the
 * worker: messages in, messages out; stopped and started; and a worker killed with SIGKILL mid-stream loses nothing
 * under ATLEAST_ONCE once it is back.
 */
class RunningFunctionsIT {

    private static LocalPulsarCluster pulsar;
    private static PulsarClient client;
    private static PulsarAdmin broker;
    private static String namespace;
    private static Path examplesJar;

    @BeforeAll
    static void setUp() throws Exception {
        pulsar = SharedPulsarCluster.get();
        client = PulsarClient.builder().serviceUrl(pulsar.brokerServiceUrl()).build();
        broker = PulsarAdmin.builder().serviceHttpUrl(pulsar.webServiceUrl()).build();
        namespace = "public/run-" + UUID.randomUUID().toString().substring(0, 8);
        broker.namespaces().createNamespace(namespace);
        examplesJar = TestClasspath.jar("/org/apache/pulsar/pulsar-functions-api-examples/");
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (client != null) {
            client.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static FunctionConfig exclamation(String name) {
        FunctionConfig function = ExampleFunctions.exclamation(namespace.substring("public/".length()), name);
        function.setProcessingGuarantees(FunctionConfig.ProcessingGuarantees.ATLEAST_ONCE);
        return function;
    }

    private static void awaitRunning(PulsarAdmin admin, FunctionConfig function, int running) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> admin.functions().getFunctionStatus(function.getTenant(), function.getNamespace(),
                        function.getName()).getNumRunning() == running);
    }

    @Test
    void exclamationRunsStopsAndStarts() throws Exception {
        WorkerConfig config = WorkerConfig.forCluster(pulsar, "runner-1", namespace + "-w");
        try (WorkerProcess worker = Workers.start("runner-1", config);
                PulsarAdmin admin = PulsarAdmin.builder().serviceHttpUrl(config.adminUrl()).build()) {
            Workers.awaitReady(worker, config);
            FunctionConfig function = exclamation("excl");
            try (Consumer<String> output = client.newConsumer(Schema.STRING).topic(function.getOutput())
                    .subscriptionName("test").subscribe();
                    Producer<String> input = client.newProducer(Schema.STRING)
                            .topic(function.getInputs().iterator().next()).create()) {
                admin.functions().createFunction(function, examplesJar.toString());
                awaitRunning(admin, function, 1);
                for (int i = 0; i < 100; i++) {
                    input.send("m-" + i);
                }
                Set<String> received = new HashSet<>();
                while (received.size() < 100) {
                    Message<String> message = output.receive(30, TimeUnit.SECONDS);
                    assertTrue(message != null, () -> "Only " + received.size() + " of 100 arrived:\n" + worker.log());
                    received.add(message.getValue());
                    output.acknowledge(message);
                }
                for (int i = 0; i < 100; i++) {
                    assertTrue(received.contains("m-" + i + "!"), "missing m-" + i + "!");
                }
                var status = admin.functions().getFunctionStatus("public", function.getNamespace(), "excl");
                assertEquals("runner-1", status.getInstances().get(0).getStatus().getWorkerId());
                assertTrue(status.getInstances().get(0).getStatus().getNumSuccessfullyProcessed() >= 100,
                        status::toString);

                var stats = admin.functions().getFunctionStats("public", function.getNamespace(), "excl");
                assertTrue(stats.getReceivedTotal() >= 100, stats::toString);
                assertTrue(stats.getProcessedSuccessfullyTotal() >= 100, stats::toString);
                assertTrue(stats.getOneMin().getReceivedTotal() >= 100, stats::toString);
                assertEquals(1, stats.getInstances().size());
                assertTrue(admin.functions().getFunctionStats("public", function.getNamespace(), "excl", 0)
                        .getProcessedSuccessfullyTotal() >= 100);

                assertEquals("hello!", admin.functions().triggerFunction("public", function.getNamespace(), "excl",
                        null, "hello", null));
                dev.outrigger.devcluster.PulsarAdminCli.Result trigger = dev.outrigger.devcluster.PulsarAdminCli.run(
                        Workers.workDir("trigger-cli"), config.adminUrl(), "functions", "trigger",
                        "--tenant", "public", "--namespace", function.getNamespace(), "--name", "excl",
                        "--trigger-value", "from the CLI");
                assertEquals(0, trigger.exitCode(), trigger.stderr());
                assertEquals("from the CLI!", trigger.stdout().trim());

                admin.functions().stopFunction("public", function.getNamespace(), "excl");
                awaitRunning(admin, function, 0);
                admin.functions().startFunction("public", function.getNamespace(), "excl");
                awaitRunning(admin, function, 1);
            }
        }
    }

    @Test
    void aKilledWorkerResumesWithoutLosingMessages() throws Exception {
        Set<String> received = killMidStreamAndResume("survivor", exclamation("durable"), new java.util.ArrayList<>());
        assertEquals(600, received.size());
    }

    /**
     * Effectively once as Pulsar defines it: with deduplication on the output's namespace and unbatched inputs, a
     * worker killed mid-stream replays what it had not acknowledged, and the broker drops the results it already had,
     * so each input appears exactly once.
     */
    @Test
    void effectivelyOnceGivesEachResultOnceAcrossAKill() throws Exception {
        String dedupNamespace = namespace + "-eo";
        broker.namespaces().createNamespace(dedupNamespace);
        broker.namespaces().setDeduplicationStatus(dedupNamespace, true);
        FunctionConfig function = exclamation("once");
        function.setInputs(List.of("persistent://" + dedupNamespace + "/once-in"));
        function.setOutput("persistent://" + dedupNamespace + "/once-out");
        function.setProcessingGuarantees(FunctionConfig.ProcessingGuarantees.EFFECTIVELY_ONCE);
        List<String> everyResult = new java.util.ArrayList<>();
        killMidStreamAndResume("once", function, everyResult);
        // anything sent twice would be there by now, right behind the last first copy
        try (Consumer<String> late = client.newConsumer(Schema.STRING).topic(function.getOutput())
                .subscriptionName("test").subscribe()) {
            Message<String> extra = late.receive(3, TimeUnit.SECONDS);
            assertTrue(extra == null, () -> "a result came twice: " + extra.getValue());
        }
        assertEquals(600, everyResult.size(), () -> "results were duplicated: " + everyResult.size() + " for 600");
        assertEquals(600, new HashSet<>(everyResult).size());
    }

    /** Sends half the inputs, SIGKILLs the worker, sends the rest, starts it again and reads every result. */
    private Set<String> killMidStreamAndResume(String workerId, FunctionConfig function, List<String> everyResult)
            throws Exception {
        WorkerConfig config = WorkerConfig.forCluster(pulsar, workerId, namespace + "-" + workerId);
        Path dir = Workers.workDir(workerId);
        Path yaml = config.write(dir.resolve("functions_worker.yml"));
        int total = 600;
        try (Consumer<String> output = client.newConsumer(Schema.STRING).topic(function.getOutput())
                .subscriptionName("test").subscribe();
                // unbatched: effectively once identifies inputs by ledger and entry, as Pulsar does
                Producer<String> input = client.newProducer(Schema.STRING).enableBatching(false)
                        .topic(function.getInputs().iterator().next()).create()) {
            WorkerProcess first = Workers.start(dir, yaml, dir.resolve("data"));
            try (PulsarAdmin admin = PulsarAdmin.builder().serviceHttpUrl(config.adminUrl()).build()) {
                Workers.awaitReady(first, config);
                admin.functions().createFunction(function, examplesJar.toString());
                awaitRunning(admin, function, 1);
                for (int i = 0; i < total / 2; i++) {
                    input.sendAsync("k-" + i);
                }
                input.flush();
                // No goodbye: the process and its sockets vanish at once.
                ProcessHandle.of(first.pid()).ifPresent(ProcessHandle::destroyForcibly);
                first.waitForExit(Duration.ofSeconds(30));
                for (int i = total / 2; i < total; i++) {
                    input.sendAsync("k-" + i);
                }
                input.flush();
            } finally {
                first.close();
            }
            try (WorkerProcess second = Workers.start(dir, yaml, dir.resolve("data"));
                    PulsarAdmin admin = PulsarAdmin.builder().serviceHttpUrl(config.adminUrl()).build()) {
                Workers.awaitReady(second, config);
                awaitRunning(admin, function, 1);
                Set<String> received = new HashSet<>();
                while (received.size() < total) {
                    Message<String> message = output.receive(60, TimeUnit.SECONDS);
                    assertTrue(message != null, () -> "Only " + received.size() + " of " + total
                            + " arrived after the restart:\n" + second.log());
                    received.add(message.getValue());
                    everyResult.add(message.getValue());
                    output.acknowledge(message);
                }
                for (int i = 0; i < total; i++) {
                    assertTrue(received.contains("k-" + i + "!"), "missing k-" + i + "!");
                }
                assertEquals(function.getClassName(), admin.functions()
                        .getFunction("public", function.getNamespace(), function.getName()).getClassName());
                return received;
            }
        }
    }
}
