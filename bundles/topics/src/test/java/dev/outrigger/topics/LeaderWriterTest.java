package dev.outrigger.topics;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pulsar.client.api.Producer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Two workers' writers on one real topic: only one holds the producer; the other takes over when the first ends. */
class LeaderWriterTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static PulsarFixture pulsar;
    private ScheduledExecutorService threads;

    @BeforeAll
    static void connect() throws Exception {
        pulsar = new PulsarFixture();
    }

    @AfterAll
    static void disconnect() throws Exception {
        pulsar.close();
    }

    @BeforeEach
    void startThreads() {
        threads = Executors.newScheduledThreadPool(2);
    }

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    /** Counts what the writer calls back; {@code refuse} makes every catch-up say the topic is not to be written. */
    private static final class Counting implements LeaderWriter.Owner {
        final AtomicInteger caughtUp = new AtomicInteger();
        final AtomicInteger ready = new AtomicInteger();
        volatile boolean refuse;

        @Override
        public boolean caughtUp(LeaderWriter.Term term) {
            caughtUp.incrementAndGet();
            return !refuse;
        }

        @Override
        public void ready(LeaderWriter.Term term) {
            ready.incrementAndGet();
        }
    }

    private LeaderWriter writer(String topic, String workerId, Counting owner) {
        return new LeaderWriter(pulsar.client, topic, workerId + "-leader", workerId, threads,
                attempt -> Duration.ofMillis(50L * attempt), LoggerFactory.getLogger(LeaderWriterTest.class), owner);
    }

    @Test
    void theSecondLeaderWritesOnceTheFirstEnded() throws Exception {
        String topic = pulsar.newTopic("lw", "leader");
        Counting firstOwner = new Counting();
        Counting secondOwner = new Counting();
        LeaderWriter first = writer(topic, "w1", firstOwner);
        LeaderWriter second = writer(topic, "w2", secondOwner);
        try {
            first.begin();
            LeaderWriter.Term firstTerm = first.awaitReady(WAIT);
            assertNotNull(firstTerm, "the first writer never got the producer");
            assertEquals(1, firstTerm.number());
            // the owner hears of it right after the term turned ready
            await().atMost(WAIT).until(() -> firstOwner.ready.get() == 1);
            Producer<byte[]> producer = first.producer(firstTerm);
            assertNotNull(producer);
            producer.newMessage().key("k").value(new byte[] {1}).send();

            // the broker gives the exclusive producer to one at a time: the second one keeps trying
            second.begin();
            assertTrue(second.isLeading());
            assertNull(second.awaitReady(Duration.ofMillis(500)));
            assertEquals(0, secondOwner.caughtUp.get());

            first.end();
            assertFalse(first.isLeading());
            assertFalse(first.isActive(firstTerm));
            assertNull(first.producer(firstTerm));
            LeaderWriter.Term secondTerm = second.awaitReady(WAIT);
            assertNotNull(secondTerm, "the second writer never took over");
            second.producer(secondTerm).newMessage().key("k").value(new byte[] {2}).send();
            assertEquals(2, pulsar.messages(topic, false).size());
        } finally {
            first.close();
            second.close();
        }
    }

    @Test
    void aLostProducerIsTakenAgainAndARefusedTopicIsNeverReady() throws Exception {
        String topic = pulsar.newTopic("lw", "leader");
        Counting owner = new Counting();
        LeaderWriter writer = writer(topic, "w1", owner);
        try {
            writer.begin();
            LeaderWriter.Term term = writer.awaitReady(WAIT);
            assertNotNull(term);
            Producer<byte[]> lost = writer.producer(term);
            writer.reacquire(term, lost);
            await().atMost(WAIT).until(() -> owner.ready.get() == 2);
            assertNotSame(lost, writer.producer(term));
            assertFalse(lost.isConnected());

            writer.end();
            owner.refuse = true;
            writer.begin();
            await().atMost(WAIT).until(() -> owner.caughtUp.get() == 3);
            assertTrue(writer.isLeading());
            assertNull(writer.readyTerm());
            assertNull(writer.awaitReady(Duration.ofMillis(200)));
        } finally {
            writer.close();
        }
        writer.begin();
        assertFalse(writer.isLeading(), "a closed writer starts no term");
    }
}
