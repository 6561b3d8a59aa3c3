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
import java.util.Set;
import java.util.stream.Collectors;
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

    /** Pulsar's WorkerInfo has no equals: compare what it says. */
    private static String describe(WorkerInfo worker) {
        return worker.getWorkerId() + "@" + worker.getWorkerHostname() + ":" + worker.getPort();
    }

    private static Set<String> describe(List<WorkerInfo> workers) {
        return workers.stream().map(WorkerClusterIT::describe).collect(Collectors.toSet());
    }

    @Test
    void pulsarAdminSeesTheCluster() throws Exception {
        String expected = "worker-1@127.0.0.1:" + config.workerPort();
        assertEquals(Set.of(expected), describe(admin().worker().getCluster()));
        assertEquals(1, admin().worker().getCluster().size());
        assertEquals(expected, describe(admin().worker().getClusterLeader()));
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
        // The CLI prints each worker as its own JSON object.
        List<JsonNode> members = JSON.readerFor(JsonNode.class).<JsonNode>readValues(cluster.stdout()).readAll();
        assertEquals(1, members.size(), cluster.stdout());
        assertEquals("worker-1", members.get(0).path("workerId").asText(), cluster.stdout());
        assertEquals(config.workerPort(), members.get(0).path("port").asInt(), cluster.stdout());

        PulsarAdminCli.Result leader = PulsarAdminCli.run(Workers.workDir("cli"), config.adminUrl(),
                "functions-worker", "get-cluster-leader");
        assertEquals(0, leader.exitCode(), leader.stderr());
        assertEquals("worker-1", JSON.readTree(leader.stdout()).path("workerId").asText(), leader.stdout());
    }

    /**
     * The broker picks the active consumer of a non-partitioned Failover subscription from a hash ring of consumer
     * names, so leadership may move when a worker joins, as it does with Pulsar's worker. What must hold: every
     * worker names the same leader, and exactly that one says it leads.
     */
    @Test
    void aSecondWorkerJoinsAndLeaves() throws Exception {
        WorkerConfig secondConfig = WorkerConfig.forCluster(pulsar, "worker-2", namespace);
        try (WorkerProcess second = Workers.start("worker-2", secondConfig)) {
            Workers.awaitReady(second, secondConfig);
            String first = "worker-1@127.0.0.1:" + config.workerPort();
            String other = "worker-2@127.0.0.1:" + secondConfig.workerPort();
            try (PulsarAdmin secondAdmin = PulsarAdmin.builder().serviceHttpUrl(secondConfig.adminUrl()).build()) {
                for (PulsarAdmin client : List.of(admin(), secondAdmin)) {
                    assertEquals(Set.of(first, other), describe(client.worker().getCluster()));
                }
                String leader = describe(admin().worker().getClusterLeader());
                assertEquals(leader, describe(secondAdmin.worker().getClusterLeader()));
                WorkerConfig leaderConfig = leader.equals(first) ? config : secondConfig;
                WorkerConfig followerConfig = leader.equals(first) ? secondConfig : config;
                await().atMost(Duration.ofSeconds(30)).until(() -> Workers.get(leaderConfig.adminUrl()
                        + "/admin/v2/worker/cluster/leader/ready").statusCode() == 200);
                HttpResponse<String> notLeader = Workers.get(followerConfig.adminUrl()
                        + "/admin/v2/worker/cluster/leader/ready");
                assertEquals(503, notLeader.statusCode());
                assertTrue(JSON.readTree(notLeader.body()).path("reason").asText().contains("not done initializing"));
            }
            second.close();
            assertTrue(second.log().contains("Worker worker-2 left the cluster"), second::log);
            assertTrue(second.log().lines().noneMatch(line -> line.contains("[ERROR]")), second::log);
        }
        await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(PulsarAdminException.class)
                .until(() -> admin().worker().getCluster().size() == 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> Workers.get(config.adminUrl()
                + "/admin/v2/worker/cluster/leader/ready").statusCode() == 200);
    }
}
