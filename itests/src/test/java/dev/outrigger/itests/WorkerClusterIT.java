package dev.outrigger.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outrigger.devcluster.LocalPulsarCluster;
import dev.outrigger.devcluster.PulsarAdminCli;
import dev.outrigger.devcluster.SharedPulsarCluster;
import dev.outrigger.devcluster.WorkerConfig;
import dev.outrigger.devcluster.WorkerProcess;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.common.functions.WorkerInfo;
import org.apache.pulsar.common.policies.data.RetentionPolicies;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The assembled worker, started as its own process against the shared real Pulsar cluster, answers the real
 * {@code PulsarAdmin} client and the real {@code pulsar-admin} CLI the way Pulsar's worker does.
 */
class WorkerClusterIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static LocalPulsarCluster pulsar;
    private static String namespace;
    private static WorkerConfig config;
    private static WorkerProcess worker;
    private static PulsarAdmin admin;

    @BeforeAll
    static void startWorker() {
        pulsar = SharedPulsarCluster.get();
        namespace = "public/e2e-" + UUID.randomUUID().toString().substring(0, 8);
        config = WorkerConfig.forCluster(pulsar, "worker-1", namespace);
        worker = Workers.start("worker-1", config);
        Workers.awaitReady(worker, config);
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

    private static PulsarAdmin admin() throws Exception {
        if (admin == null) {
            admin = PulsarAdmin.builder().serviceHttpUrl(config.adminUrl()).build();
        }
        return admin;
    }

    @Test
    void pulsarAdminSeesTheCluster() throws Exception {
        WorkerInfo expected = WorkerInfo.of("worker-1", "127.0.0.1", config.workerPort());
        assertEquals(List.of(expected), admin().worker().getCluster());
        assertEquals(expected, admin().worker().getClusterLeader());
    }

    @Test
    void restAnswersInPulsarShapes() throws Exception {
        String expected = "[{\"workerId\":\"worker-1\",\"workerHostname\":\"127.0.0.1\",\"port\":"
                + config.workerPort() + "}]";
        for (String prefix : List.of("/admin/v2", "/admin")) {
            HttpResponse<String> cluster = Workers.get(config.adminUrl() + prefix + "/worker/cluster");
            assertEquals(200, cluster.statusCode());
            assertEquals(JSON.readTree(expected), JSON.readTree(cluster.body()));
        }
        HttpResponse<String> ready = Workers.get(config.adminUrl() + "/admin/v2/worker/cluster/leader/ready");
        assertEquals(200, ready.statusCode());
        assertEquals("true", ready.body());
        HttpResponse<String> initialized = Workers.get(config.adminUrl() + "/initialized");
        assertEquals(200, initialized.statusCode());
        assertEquals("true", initialized.body());
        JsonNode version = JSON.readTree(Workers.get(config.adminUrl() + "/version").body());
        assertTrue(version.path("version").asText().startsWith("0."), version::toString);
    }

    @Test
    void unknownPathsAnswer404WithAReason() throws Exception {
        HttpResponse<String> response = Workers.get(config.adminUrl() + "/admin/v2/no-such-thing");
        assertEquals(404, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
        assertTrue(JSON.readTree(response.body()).path("reason").asText().contains("no-such-thing"),
                response::body);
    }

    @Test
    void metricsInPrometheusText() throws Exception {
        HttpResponse<String> response = Workers.get(config.adminUrl() + "/metrics");
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        String labels = "{cluster=\"standalone\",workerId=\"worker-1\"}";
        String body = response.body();
        assertTrue(body.matches("(?s).*\npulsar_function_worker_start_up_time_ms\\Q" + labels + "\\E [1-9][0-9]*\n.*"),
                body);
        assertTrue(body.contains("pulsar_function_worker_is_leader" + labels + " 1\n"), body);
        assertTrue(body.contains("pulsar_function_worker_member_count" + labels + " 1\n"), body);
    }

    @Test
    void theNamespaceIsCreatedLikePulsarsWorkerCreatesIt() throws Exception {
        try (PulsarAdmin broker = PulsarAdmin.builder().serviceHttpUrl(pulsar.webServiceUrl()).build()) {
            assertEquals(new RetentionPolicies(-1, -1), broker.namespaces().getRetention(namespace));
            assertEquals(List.of("standalone"), List.copyOf(broker.namespaces().getNamespaceReplicationClusters(namespace)));
            List<String> topics = broker.topics().getList(namespace);
            for (String topic : List.of("metadata", "coordinate", "assignments")) {
                assertTrue(topics.contains("persistent://" + namespace + "/" + topic), topics::toString);
            }
        }
    }

    @Test
    void pulsarAdminCliGetsTheClusterAndLeader() throws Exception {
        PulsarAdminCli.Result cluster = PulsarAdminCli.run(Workers.workDir("cli"), config.adminUrl(),
                "functions-worker", "get-cluster");
        assertEquals(0, cluster.exitCode(), cluster.stderr());
        JsonNode members = JSON.readTree(cluster.stdout());
        assertEquals("worker-1", members.get(0).path("workerId").asText(), cluster.stdout());
        assertEquals(config.workerPort(), members.get(0).path("port").asInt(), cluster.stdout());

        PulsarAdminCli.Result leader = PulsarAdminCli.run(Workers.workDir("cli"), config.adminUrl(),
                "functions-worker", "get-cluster-leader");
        assertEquals(0, leader.exitCode(), leader.stderr());
        assertEquals("worker-1", JSON.readTree(leader.stdout()).path("workerId").asText(), leader.stdout());
    }

    @Test
    void aSecondWorkerJoinsAndLeaves() throws Exception {
        WorkerConfig secondConfig = WorkerConfig.forCluster(pulsar, "worker-2", namespace);
        try (WorkerProcess second = Workers.start("worker-2", secondConfig)) {
            Workers.awaitReady(second, secondConfig);
            WorkerInfo first = WorkerInfo.of("worker-1", "127.0.0.1", config.workerPort());
            WorkerInfo other = WorkerInfo.of("worker-2", "127.0.0.1", secondConfig.workerPort());
            try (PulsarAdmin secondAdmin = PulsarAdmin.builder().serviceHttpUrl(secondConfig.adminUrl()).build()) {
                for (PulsarAdmin client : List.of(admin(), secondAdmin)) {
                    assertEquals(java.util.Set.of(first, other),
                            java.util.Set.copyOf(client.worker().getCluster()));
                    assertEquals(first, client.worker().getClusterLeader(), "the first worker keeps leading");
                }
            }
            HttpResponse<String> notLeader = Workers.get(secondConfig.adminUrl() + "/admin/v2/worker/cluster/leader/ready");
            assertEquals(503, notLeader.statusCode());
            assertTrue(JSON.readTree(notLeader.body()).path("reason").asText().contains("not done initializing"));
        }
        await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(PulsarAdminException.class)
                .until(() -> admin().worker().getCluster().size() == 1);
    }
}
