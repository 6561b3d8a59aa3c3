package dev.outrigger.devcluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Faults from outside (issue 11): the bookie in a JVM of its own ({@link LocalPulsarCluster.Bookie#OWN_JVM}) can be
 * killed and started again while the broker runs, and it comes back as the same bookie (same address, same ledgers).
 */
class LocalPulsarClusterOwnBookieTest {

    private static Path dir;
    private static LocalPulsarCluster cluster;

    @BeforeAll
    static void startCluster() {
        dir = Path.of(System.getProperty(SharedPulsarCluster.DIR_PROPERTY, "target"))
                .resolve("pulsar-cluster-own-bookie-test-" + ProcessHandle.current().pid());
        cluster = LocalPulsarCluster.start(dir, LocalPulsarCluster.Security.NONE, LocalPulsarCluster.Persistence.KEEP,
                LocalPulsarCluster.Bookie.OWN_JVM);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        LocalPulsarCluster.deleteRecursively(dir.resolve("data"));
    }

    @Test
    void theBookieIsKilledAloneAndComesBackWithItsLedgers() throws Exception {
        assertEquals(LocalPulsarCluster.Bookie.OWN_JVM, cluster.bookie());
        long brokerPid = cluster.pids().get("broker");
        long bookiePid = cluster.pids().get("bookie");
        assertNotEquals(brokerPid, bookiePid);
        String topic = "persistent://public/default/own-bookie-" + System.nanoTime();
        try (PulsarClient client = PulsarClient.builder().serviceUrl(cluster.brokerServiceUrl())
                .operationTimeout(30, TimeUnit.SECONDS).build();
             Consumer<String> consumer = client.newConsumer(Schema.STRING).topic(topic).subscriptionName("t")
                     .subscribe();
             Producer<String> producer = client.newProducer(Schema.STRING).topic(topic).enableBatching(false)
                     .sendTimeout(120, TimeUnit.SECONDS).create()) {
            producer.send("before");

            cluster.killBookie();

            assertTrue(ProcessHandle.of(brokerPid).map(ProcessHandle::isAlive).orElse(false),
                    "the broker died with its bookie");
            assertTrue(ProcessHandle.of(bookiePid).isEmpty() || !ProcessHandle.of(bookiePid).get().isAlive());
            // No bookie, no write: the broker holds the message until one is back (this is what makes it a fault).
            CompletableFuture<MessageId> during = producer.sendAsync("during");
            Message<String> first = consumer.receive(30, TimeUnit.SECONDS);
            assertNotNull(first);
            assertEquals("before", first.getValue());
            assertTrue(consumer.receive(2, TimeUnit.SECONDS) == null, "a message was written without a bookie");
            assertTrue(!during.isDone() || during.isCompletedExceptionally(), "written without a bookie");

            cluster.startBookie();

            assertNotEquals(bookiePid, cluster.pids().get("bookie"));
            assertEquals(brokerPid, cluster.pids().get("broker"));
            producer.send("after");
            Message<String> next = consumer.receive(60, TimeUnit.SECONDS);
            assertNotNull(next, "nothing after the bookie came back; bookie log " + cluster.bookieLog());
            // the message held during the outage arrives first, unless the broker gave up on it
            assertTrue(next.getValue().equals("during") || next.getValue().equals("after"), next.getValue());
        }
        // and the broker's restart reads the ledgers written before the kill, from the same bookie
        cluster.restartBroker();
        try (PulsarClient client = PulsarClient.builder().serviceUrl(cluster.brokerServiceUrl()).build();
             Consumer<String> replay = client.newConsumer(Schema.STRING).topic(topic).subscriptionName("replay")
                     .subscriptionInitialPosition(org.apache.pulsar.client.api.SubscriptionInitialPosition.Earliest)
                     .subscribe()) {
            Message<String> first = replay.receive(60, TimeUnit.SECONDS);
            assertNotNull(first, "the ledger written before the bookie's kill is unreadable");
            assertEquals("before", first.getValue());
        }
    }
}
