package dev.outrigger.devcluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** End to end against the real cluster: what every other end-to-end test in the project relies on. */
class LocalPulsarClusterTest {

    private static LocalPulsarCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = SharedPulsarCluster.get();
    }

    @Test
    void restAdminListsTheStandaloneCluster() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(cluster.webServiceUrl() + "/admin/v2/clusters"))
                        .timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("[\"standalone\"]", response.body());
    }

    @Test
    void pulsarAdminCliListsTenants() {
        PulsarAdminCli.Result result = PulsarAdminCli.run(cluster.workDir(), cluster.webServiceUrl(), "tenants", "list");

        assertEquals(0, result.exitCode(), result::toString);
        assertTrue(result.stdout().lines().anyMatch("public"::equals), result::toString);
    }

    @Test
    void accessorsDescribeTheRunningCluster() {
        int zk = cluster.zookeeperPort();
        assertEquals("zk:127.0.0.1:" + zk, cluster.metadataStoreUrl());
        assertEquals("zk+hierarchical://127.0.0.1:" + zk + "/ledgers", cluster.bookkeeperMetadataServiceUri());
        assertEquals("standalone", cluster.clusterName());
        assertTrue(cluster.brokerServiceUrl().matches("pulsar://127\\.0\\.0\\.1:\\d+"), cluster.brokerServiceUrl());
        assertTrue(cluster.pids().values().stream().allMatch(pid -> ProcessHandle.of(pid).isPresent()),
                cluster.pids()::toString);
    }
}
