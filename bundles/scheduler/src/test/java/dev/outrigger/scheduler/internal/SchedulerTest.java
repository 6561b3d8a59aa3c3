package dev.outrigger.scheduler.internal;

import dev.outrigger.topics.FakeCluster;
import dev.outrigger.topics.PulsarFixture;
import static dev.outrigger.scheduler.internal.FakeMetadata.function;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outrigger.api.cluster.RecordFormat;
import dev.outrigger.api.metadata.FunctionKey;
import dev.outrigger.api.metadata.FunctionMetadata;
import dev.outrigger.api.scheduler.AssignmentListener;
import dev.outrigger.api.scheduler.InstanceId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.common.policies.data.PublisherStats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The scheduler and the tailer against the real shared Pulsar cluster; membership and metadata are fakes. */
class SchedulerTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static PulsarFixture pulsar;
    private final List<AutoCloseable> closing = new ArrayList<>();
    private final AtomicInteger compactions = new AtomicInteger();

    @BeforeAll
    static void connect() throws Exception {
        pulsar = new PulsarFixture();
    }

    @AfterAll
    static void disconnect() throws Exception {
        if (pulsar != null) {
            pulsar.close();
        }
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : closing) {
            closeable.close();
        }
    }

    private Scheduler scheduler(String topic, FakeCluster cluster, FakeMetadata metadata, int compactEvery) {
        return scheduler(topic, cluster, metadata, AssignmentSettings.of(topic)
                .withMembershipCheck(Duration.ofMillis(200))
                .withCompactEvery(compactEvery));
    }

    private Scheduler scheduler(String topic, FakeCluster cluster, FakeMetadata metadata,
            AssignmentSettings settings) {
        Scheduler scheduler = new Scheduler(settings, pulsar.client, cluster, metadata, t -> {
            compactions.incrementAndGet();
            try {
                pulsar.admin.topics().triggerCompaction(t);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        metadata.listener(scheduler);
        closing.add(scheduler::close);
        return scheduler;
    }

    private AssignmentTailer tailer(String topic, String workerId) {
        AssignmentTailer tailer = new AssignmentTailer(AssignmentSettings.of(topic), pulsar.client,
                new FakeCluster(workerId));
        closing.add(tailer::close);
        return tailer;
    }

    private static Map<String, String> named(Map<InstanceId, String> assignments) {
        Map<String, String> named = new TreeMap<>();
        assignments.forEach((instance, worker) -> named.put(instance.fullyQualifiedName(), worker));
        return named;
    }

    private static long count(Map<InstanceId, String> assignments, String worker) {
        return assignments.values().stream().filter(worker::equals).count();
    }

    @Test
    void parallelismThreeIsSpreadEvenlyOverTwoMembers() throws Exception {
        String topic = pulsar.newTopic("as", "assignments");
        FakeMetadata metadata = new FakeMetadata();
        metadata.put(function("public/default/f", 0, 3));
        Scheduler scheduler = scheduler(topic, new FakeCluster("w1", "w2"), metadata, 0);
        AssignmentTailer tailer = tailer(topic, "w1");

        scheduler.becameLeader();
        await().atMost(WAIT).until(() -> tailer.assignments().size() == 3);
        assertEquals(Map.of("public/default/f:0", "w1", "public/default/f:1", "w2", "public/default/f:2", "w1"),
                named(tailer.assignments()));

        // What is on the topic: key, JSON value, format marker; written by the leader's exclusive producer.
        List<Message<byte[]>> messages = pulsar.messages(topic, false);
        assertEquals(3, messages.size());
        Message<byte[]> first = messages.get(0);
        assertEquals("public/default/f:0", first.getKey());
        assertEquals(RecordFormat.VERSION, first.getProperty(RecordFormat.MESSAGE_PROPERTY));
        JsonNode value = JSON.readTree(first.getData());
        assertEquals("public/default/f:0", value.get("instance").asText());
        assertEquals("w1", value.get("workerId").asText());
        List<? extends PublisherStats> publishers = pulsar.admin.topics().getStats(topic).getPublishers();
        assertEquals(List.of("w1-scheduler"), publishers.stream().map(PublisherStats::getProducerName).toList());

        // A second function goes to the least loaded worker first; nothing else moves.
        metadata.put(function("public/default/g", 0, null));
        await().atMost(WAIT).until(() -> tailer.assignments().size() == 4);
        assertEquals("w2", tailer.assignments().get(new InstanceId(FunctionKey.parse("public/default/g"), 0)));
        assertEquals(4, pulsar.messages(topic, false).size(), "only the difference is written");
    }

    @Test
    void instancesOfAMemberThatLeftMoveAndReturningMembersGetNewOnes() throws Exception {
        String topic = pulsar.newTopic("as", "assignments");
        FakeMetadata metadata = new FakeMetadata();
        metadata.put(function("public/default/f", 0, 3));
        FakeCluster cluster = new FakeCluster("w1", "w2");
        Scheduler scheduler = scheduler(topic, cluster, metadata, 0);
        AssignmentTailer tailer = tailer(topic, "w1");
        scheduler.becameLeader();
        await().atMost(WAIT).until(() -> count(tailer.assignments(), "w2") == 1);

        cluster.memberIds(/* w2 left */);
        await().atMost(WAIT).until(() -> count(tailer.assignments(), "w1") == 3);
        assertEquals(3, tailer.assignments().size());

        cluster.memberIds("w2", "w3");
        FunctionMetadata f1 = function("public/default/f", 1, 5);
        metadata.put(f1);
        await().atMost(WAIT).until(() -> tailer.assignments().size() == 5);
        assertEquals(3, count(tailer.assignments(), "w1"), "existing assignments stay");
        assertEquals(1, count(tailer.assignments(), "w2"));
        assertEquals(1, count(tailer.assignments(), "w3"));
    }

    /**
     * Issue 8/10: Pulsar's rescheduleTimeoutMs is acted on. A worker gone and back within it keeps its instances
     * (nothing moves); gone longer, they move.
     */
    @Test
    void aWorkerBackWithinTheRescheduleTimeoutKeepsItsInstances() throws Exception {
        String topic = pulsar.newTopic("as", "assignments");
        FakeMetadata metadata = new FakeMetadata();
        metadata.put(function("public/default/f", 0, 2));
        FakeCluster cluster = new FakeCluster("w1", "w2");
        Scheduler scheduler = scheduler(topic, cluster, metadata, AssignmentSettings.of(topic)
                .withMembershipCheck(Duration.ofMillis(200)).withRescheduleTimeout(Duration.ofSeconds(4)));
        AssignmentTailer tailer = tailer(topic, "w1");
        scheduler.becameLeader();
        await().atMost(WAIT).until(() -> count(tailer.assignments(), "w2") == 1);
        long written = pulsar.messages(topic, false).size();

        cluster.memberIds("w1"); // w2 gone...
        long gone = System.nanoTime();
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> count(tailer.assignments(), "w2") == 1);
        cluster.memberIds("w1", "w2"); // ...and back within the timeout
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> count(tailer.assignments(), "w2") == 1);
        assertTrue(System.nanoTime() - gone < Duration.ofSeconds(4).toNanos(), "the test ran slower than the grace");
        assertEquals(written, pulsar.messages(topic, false).size(), "nothing was rewritten");

        cluster.memberIds("w1"); // gone for good
        long goneAgain = System.nanoTime();
        await().atMost(WAIT).until(() -> count(tailer.assignments(), "w1") == 2);
        assertTrue(System.nanoTime() - goneAgain >= Duration.ofSeconds(4).toNanos(), "not before the timeout");
    }

    @Test
    void deletesAndLowerParallelismWriteTombstones() throws Exception {
        String topic = pulsar.newTopic("as", "assignments");
        FakeMetadata metadata = new FakeMetadata();
        metadata.put(function("public/default/f", 0, 3));
        metadata.put(function("public/default/g", 0, 2));
        Scheduler scheduler = scheduler(topic, new FakeCluster("w1", "w2"), metadata, 0);
        AssignmentTailer tailer = tailer(topic, "w1");
        scheduler.becameLeader();
        await().atMost(WAIT).until(() -> tailer.assignments().size() == 5);

        metadata.put(function("public/default/g", 1, 1));
        await().atMost(WAIT).until(() -> tailer.assignments().size() == 4);
        metadata.remove(FunctionKey.parse("public/default/f"));
        await().atMost(WAIT).until(() -> tailer.assignments().size() == 1);
        metadata.remove(FunctionKey.parse("public/default/g"));
        await().atMost(WAIT).until(() -> tailer.assignments().isEmpty());

        List<Message<byte[]>> messages = pulsar.messages(topic, false);
        List<String> tombstones = messages.stream()
                .filter(m -> m.getData().length == 0)
                .map(Message::getKey)
                .toList();
        assertEquals(List.of("public/default/g:1", "public/default/f:0", "public/default/f:1", "public/default/f:2",
                "public/default/g:0"), tombstones);
        assertTrue(messages.stream().allMatch(m -> RecordFormat.VERSION.equals(
                m.getProperty(RecordFormat.MESSAGE_PROPERTY))), "every record carries the format marker");
    }

    @Test
    void aFreshTailerAndANewLeaderRebuildTheSameStateFromTheTopic() throws Exception {
        String topic = pulsar.newTopic("as", "assignments");
        FakeMetadata metadata = new FakeMetadata();
        metadata.put(function("public/default/f", 0, 3));
        metadata.put(function("public/default/g", 0, 2));
        Scheduler first = scheduler(topic, new FakeCluster("w1", "w2"), metadata, 3);
        AssignmentTailer tailer = tailer(topic, "w1");
        first.becameLeader();
        await().atMost(WAIT).until(() -> tailer.assignments().size() == 5);
        metadata.remove(FunctionKey.parse("public/default/g"));
        await().atMost(WAIT).until(() -> tailer.assignments().size() == 3);
        assertTrue(compactions.get() >= 1, "compaction triggered after 3 records");

        AssignmentTailer fresh = tailer(topic, "w2");
        await().atMost(WAIT).until(fresh::isReady);
        assertEquals(tailer.assignments(), fresh.assignments());

        // Leadership moves: the new leader reads what is there and, with nothing changed, writes nothing.
        int before = pulsar.messages(topic, false).size();
        first.lostLeadership();
        FakeMetadata same = new FakeMetadata();
        same.put(function("public/default/f", 0, 3));
        Scheduler second = scheduler(topic, new FakeCluster("w2", "w1"), same, 0);
        second.becameLeader();
        await().atMost(WAIT).until(second::isLeaderReady);
        assertEquals(before, pulsar.messages(topic, false).size(), "a new leader rewrites nothing");
        assertEquals(List.of("w2-scheduler"), pulsar.admin.topics().getStats(topic).getPublishers().stream()
                .map(PublisherStats::getProducerName).toList());
    }

    @Test
    void foreignRecordsAreRefusedByTheTailerAndTheScheduler() throws Exception {
        String topic = pulsar.newTopic("as", "assignments");
        try (Producer<byte[]> foreign = pulsar.client.newProducer().topic(topic).create()) {
            foreign.newMessage().key("public/default/f:0").value(new byte[] {1, 2, 3}).send();
        }
        AssignmentTailer tailer = tailer(topic, "w1");
        await().atMost(WAIT).until(() -> tailer.refusal() != null);
        assertTrue(tailer.refusal().contains(RecordFormat.MESSAGE_PROPERTY), tailer.refusal());
        assertTrue(tailer.assignments().isEmpty());

        FakeMetadata metadata = new FakeMetadata();
        metadata.put(function("public/default/f", 0, 1));
        Scheduler scheduler = scheduler(topic, new FakeCluster("w1"), metadata, 0);
        scheduler.becameLeader();
        await().atMost(WAIT).until(() -> scheduler.refusal() != null);
        assertEquals(1, pulsar.messages(topic, false).size(), "nothing written on a foreign topic");
    }

    @Test
    void listenersGetTheWholeMapAndLateListenersTheCurrentOneAtOnce() throws Exception {
        String topic = pulsar.newTopic("as", "assignments");
        FakeMetadata metadata = new FakeMetadata();
        FakeCluster notJoined = new FakeCluster("w1").initialized(false);
        AssignmentTailer tailer = new AssignmentTailer(AssignmentSettings.of(topic), pulsar.client, notJoined);
        closing.add(tailer::close);
        Recording early = new Recording();
        tailer.addAssignmentListener(early);
        Scheduler scheduler = scheduler(topic, new FakeCluster("w1", "w2"), metadata, 0);
        scheduler.becameLeader();
        await().atMost(WAIT).until(scheduler::isLeaderReady);
        assertTrue(early.maps().isEmpty(), "nothing read before the worker joined");

        notJoined.initialized(true);
        await().atMost(WAIT).until(() -> early.maps().size() == 1);
        assertEquals(Map.of(), early.maps().get(0));

        metadata.put(function("public/default/f", 0, 2));
        await().atMost(WAIT).until(() -> early.maps().size() == 3);
        assertEquals(1, early.maps().get(1).size());
        assertEquals(Map.of("public/default/f:0", "w1", "public/default/f:1", "w2"), named(early.maps().get(2)));

        Recording late = new Recording();
        tailer.addAssignmentListener(late);
        await().atMost(WAIT).until(() -> late.maps().size() == 1);
        assertEquals(early.maps().get(2), late.maps().get(0));

        tailer.removeAssignmentListener(early);
        metadata.remove(FunctionKey.parse("public/default/f"));
        await().atMost(WAIT).until(() -> late.maps().size() == 3);
        assertEquals(Map.of(), late.maps().get(2));
        assertEquals(3, early.maps().size(), "a removed listener hears nothing more");
        assertNotNull(tailer.assignments());
    }

    private static final class Recording implements AssignmentListener {
        private final List<Map<InstanceId, String>> maps = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void assignmentsChanged(Map<InstanceId, String> assignments) {
            maps.add(assignments);
        }

        List<Map<InstanceId, String>> maps() {
            synchronized (maps) {
                return List.copyOf(maps);
            }
        }
    }
}
