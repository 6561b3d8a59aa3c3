package dev.outrigger.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.devcluster.LocalPulsarCluster;
import dev.outrigger.devcluster.SharedPulsarCluster;
import dev.outrigger.devcluster.WorkerConfig;
import dev.outrigger.devcluster.WorkerProcess;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.apache.pulsar.common.policies.data.FunctionStatus;
import org.junit.jupiter.api.Test;

/**
 * Two workers of one cluster: a function registered through one (a non-leader forwards its write to the leader) is
 * spread over both, and either reports the status of every instance, asking the other for its own.
 */
class TwoWorkersIT {

    @Test
    void instancesAreSpreadAndEitherWorkerReportsAll() throws Exception {
        LocalPulsarCluster pulsar = SharedPulsarCluster.get();
        String workerNamespace = "public/two-" + UUID.randomUUID().toString().substring(0, 8);
        String userNamespace = "two-fn-" + UUID.randomUUID().toString().substring(0, 8);
        try (PulsarAdmin broker = PulsarAdmin.builder().serviceHttpUrl(pulsar.webServiceUrl()).build()) {
            broker.namespaces().createNamespace("public/" + userNamespace);
        }
        WorkerConfig first = WorkerConfig.forCluster(pulsar, "two-a", workerNamespace);
        WorkerConfig second = WorkerConfig.forCluster(pulsar, "two-b", workerNamespace);
        try (WorkerProcess a = Workers.start("two-a", first);
                WorkerProcess b = Workers.start("two-b", second);
                PulsarAdmin adminA = PulsarAdmin.builder().serviceHttpUrl(first.adminUrl()).build();
                PulsarAdmin adminB = PulsarAdmin.builder().serviceHttpUrl(second.adminUrl()).build()) {
            Workers.awaitReady(a, first);
            Workers.awaitReady(b, second);
            await().atMost(Duration.ofSeconds(30)).until(() -> adminA.worker().getCluster().size() == 2);
            String leader = adminA.worker().getClusterLeader().getWorkerId();
            // Register through the worker that does not lead: its write goes to the leader.
            PulsarAdmin follower = leader.equals("two-a") ? adminB : adminA;

            FunctionConfig function = new FunctionConfig();
            function.setTenant("public");
            function.setNamespace(userNamespace);
            function.setName("spread");
            function.setClassName("org.apache.pulsar.functions.api.examples.ExclamationFunction");
            function.setInputs(List.of("persistent://public/" + userNamespace + "/spread-in"));
            function.setOutput("persistent://public/" + userNamespace + "/spread-out");
            function.setRuntime(FunctionConfig.Runtime.JAVA);
            function.setParallelism(2);
            follower.functions().createFunction(function,
                    TestClasspath.jar("/org/apache/pulsar/pulsar-functions-api-examples/").toString());

            for (PulsarAdmin admin : List.of(adminA, adminB)) {
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                        .until(() -> admin.functions().getFunctionStatus("public", userNamespace, "spread")
                                .getNumRunning() == 2);
                FunctionStatus status = admin.functions().getFunctionStatus("public", userNamespace, "spread");
                Set<String> workers = status.getInstances().stream()
                        .map(instance -> instance.getStatus().getWorkerId())
                        .collect(Collectors.toSet());
                assertEquals(Set.of("two-a", "two-b"), workers, status::toString);
            }
            assertEquals(List.of("spread"), adminB.functions().getFunctions("public", userNamespace));

            Map<String, java.util.Collection<String>> assignments = adminA.worker().getAssignments();
            String fqfn = "public/" + userNamespace + "/spread";
            assertEquals(Set.of(fqfn + ":0", fqfn + ":1"), assignments.values().stream()
                    .flatMap(java.util.Collection::stream).filter(id -> id.startsWith(fqfn))
                    .collect(Collectors.toSet()), assignments::toString);
            dev.outrigger.devcluster.PulsarAdminCli.Result cli = dev.outrigger.devcluster.PulsarAdminCli.run(
                    Workers.workDir("two-cli"), second.adminUrl(), "functions-worker", "get-function-assignments");
            assertEquals(0, cli.exitCode(), cli.stderr());
            assertTrue(cli.stdout().contains(fqfn + ":0") && cli.stdout().contains(fqfn + ":1"), cli.stdout());
            assertTrue(a.isAlive() && b.isAlive());
        }
    }
}
