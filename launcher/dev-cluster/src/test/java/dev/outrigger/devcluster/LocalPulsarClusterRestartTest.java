package dev.outrigger.devcluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Faults from outside (issue 11, Tests): the cluster survives restarts of its own services on its data, which the
 * tests of broker and ZooKeeper faults and {@code ./outrigger dev} rely on. Before, the data was wiped at every start
 * and the bookie took a random port (a new identity) each time, so nothing written before a restart could be read
 * after it. Two cluster starts in all; the tests run in order on one cluster.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalPulsarClusterRestartTest {

    private static final String TOPIC = "persistent://public/default/restart-" + System.nanoTime();
    private static final String SUBSCRIPTION = "restart-test";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static Path dir;
    private static LocalPulsarCluster cluster;

    @BeforeAll
    static void startCluster() {
        dir = Path.of(System.getProperty(SharedPulsarCluster.DIR_PROPERTY, "target"))
                .resolve("pulsar-cluster-restart-test-" + ProcessHandle.current().pid());
        cluster = LocalPulsarCluster.start(dir, LocalPulsarCluster.Security.NONE, LocalPulsarCluster.Persistence.KEEP);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        LocalPulsarCluster.deleteRecursively(dir.resolve("data"));
    }

    @Test
    @Order(1)
    void messagesProducedBeforeABrokerRestartAreConsumedAfterIt() throws Exception {
        try (PulsarClient client = client()) {
            // The durable subscription first: without one, retention 0 lets the broker drop the ledger.
            client.newConsumer(Schema.STRING).topic(TOPIC).subscriptionName(SUBSCRIPTION).subscribe().close();
            produce(client, TOPIC, "before-broker-restart", 10);
        }
        long brokerPid = cluster.pids().get("broker");
        int bookiePort = cluster.bookiePort();

        cluster.restartBroker();

        assertNotEquals(brokerPid, cluster.pids().get("broker"));
        assertEquals(bookiePort, cluster.bookiePort());
        assertEquals(messages("before-broker-restart", 10), consume(10));
    }

    @Test
    @Order(2)
    void messagesProducedBeforeTheClusterStopsAreConsumedWhenItStartsAgainOnItsData() throws Exception {
        try (PulsarClient client = client()) {
            produce(client, TOPIC, "before-cluster-restart", 10);
        }
        String brokerUrl = cluster.brokerServiceUrl();
        int zookeeperPort = cluster.zookeeperPort();
        Path ports = dir.resolve("ports.properties");
        String recorded = Files.readString(ports);

        cluster.close();
        cluster = LocalPulsarCluster.start(dir, LocalPulsarCluster.Security.NONE, LocalPulsarCluster.Persistence.KEEP);

        assertEquals(brokerUrl, cluster.brokerServiceUrl());
        assertEquals(zookeeperPort, cluster.zookeeperPort());
        assertEquals(recorded, Files.readString(ports));
        assertEquals(messages("before-cluster-restart", 10), consume(10));
    }

    @Test
    @Order(3)
    void theBrokerKeepsServingWhenZooKeeperRestartsUnderIt() throws Exception {
        long zookeeperPid = cluster.pids().get("zookeeper");

        cluster.restartZooKeeper();

        assertNotEquals(zookeeperPid, cluster.pids().get("zookeeper"));
        // Creating a topic writes its managed ledger's metadata to ZooKeeper: it needs the reconnected session.
        String topic = "zk-restart-" + System.nanoTime();
        URI uri = URI.create(cluster.webServiceUrl() + "/admin/v2/persistent/public/default/" + topic);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                    .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 204 || response.statusCode() == 409;
        });
        try (PulsarClient client = client();
             Consumer<String> consumer = client.newConsumer(Schema.STRING).topic("persistent://public/default/" + topic)
                     .subscriptionName(SUBSCRIPTION).subscribe()) {
            produce(client, "persistent://public/default/" + topic, "after-zookeeper-restart", 1);
            Message<String> message = consumer.receive(30, TimeUnit.SECONDS);
            assertNotNull(message, "no message within 30 s after the ZooKeeper restart");
            assertEquals("after-zookeeper-restart-0", message.getValue());
        }
        assertTrue(cluster.pids().values().stream().allMatch(pid -> ProcessHandle.of(pid).isPresent()),
                cluster.pids()::toString);
    }

    private static PulsarClient client() throws Exception {
        return PulsarClient.builder().serviceUrl(cluster.brokerServiceUrl())
                .operationTimeout(30, TimeUnit.SECONDS).build();
    }

    private static void produce(PulsarClient client, String topic, String prefix, int count) throws Exception {
        try (Producer<String> producer = client.newProducer(Schema.STRING).topic(topic).create()) {
            for (int i = 0; i < count; i++) {
                producer.send(prefix + "-" + i);
            }
        }
    }

    private static List<String> messages(String prefix, int count) {
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            messages.add(prefix + "-" + i);
        }
        return messages;
    }

    /** Receives and acknowledges {@code count} messages of the test topic's subscription, in order. */
    private static List<String> consume(int count) throws Exception {
        List<String> received = new ArrayList<>();
        try (PulsarClient client = client();
             Consumer<String> consumer = client.newConsumer(Schema.STRING).topic(TOPIC).subscriptionName(SUBSCRIPTION)
                     .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest).subscribe()) {
            for (int i = 0; i < count; i++) {
                Message<String> message = consumer.receive(30, TimeUnit.SECONDS);
                assertNotNull(message, "only " + received + " within 30 s; broker log: " + cluster.brokerLog());
                received.add(message.getValue());
                consumer.acknowledge(message);
            }
        }
        return received;
    }
}
