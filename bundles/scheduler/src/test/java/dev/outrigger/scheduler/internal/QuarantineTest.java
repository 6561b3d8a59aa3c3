package dev.outrigger.scheduler.internal;

import static dev.outrigger.scheduler.internal.FakeMetadata.function;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.api.cluster.RecordFormat;
import dev.outrigger.api.metadata.FunctionKey;
import dev.outrigger.api.scheduler.InstanceId;
import dev.outrigger.api.scheduler.Parallelism;
import dev.outrigger.topics.FakeCluster;
import dev.outrigger.topics.PulsarFixture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pulsar.client.api.Producer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Records the scheduler and the tailer cannot or must not act on are quarantined; the rest is served. */
class QuarantineTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private static PulsarFixture pulsar;
    private final List<AutoCloseable> closing = new ArrayList<>();

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

    // issue 11 finding 5: a record whose parallelism exceeds the ceiling (written before the limit, or by another
    // worker) must neither kill the leader nor make it materialise every instance id: it is skipped, the rest served.
    @Test
    void aRecordAboveTheParallelismCeilingIsQuarantinedAndTheRestScheduled() throws Exception {
        String topic = pulsar.newTopic("as", "assignments");
        FakeMetadata metadata = new FakeMetadata();
        metadata.put(function("public/default/a-small", 0, 2));
        metadata.put(function("public/default/b-huge", 0, 50_000));
        AssignmentSettings settings = AssignmentSettings.of(topic).withMembershipCheck(Duration.ofMillis(200));
        Scheduler scheduler = new Scheduler(settings, pulsar.client, new FakeCluster("w1", "w2"), metadata, t -> { });
        metadata.listener(scheduler);
        closing.add(scheduler::close);
        AssignmentTailer tailer = new AssignmentTailer(AssignmentSettings.of(topic), pulsar.client,
                new FakeCluster("w1"));
        closing.add(tailer::close);

        scheduler.becameLeader();
        await().atMost(WAIT).until(() -> tailer.assignments().size() >= 2);
        await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> tailer.assignments().size() == 2);
        assertEquals(Set.of("public/default/a-small:0", "public/default/a-small:1"),
                tailer.assignments().keySet().stream().map(InstanceId::fullyQualifiedName)
                        .collect(java.util.stream.Collectors.toSet()));
        assertTrue(pulsar.messages(topic, false).stream().noneMatch(m -> m.getKey().startsWith("public/default/b-huge")),
                "nothing of the quarantined function was written");
        assertEquals(Set.of("public/default/b-huge"), scheduler.quarantined()); // post-fix

        // the scheduler still serves changes
        metadata.put(function("public/default/c", 0, 1));
        await().atMost(WAIT).until(() -> tailer.assignments().size() == 3);
        // a record brought under the ceiling is scheduled
        metadata.put(function("public/default/b-huge", 1, 3));
        await().atMost(WAIT).until(() -> tailer.assignments().size() == 6);
        assertEquals(Set.of(), scheduler.quarantined()); // post-fix
    }

    // issue 11 finding 5: whatever the record says, the leader allocates nothing for it; it keeps what it had
    @Test
    void anAbsurdParallelismIsNeverExpanded() {
        FakeMetadata metadata = new FakeMetadata();
        metadata.put(function("public/default/max", 0, Integer.MAX_VALUE));
        metadata.put(new dev.outrigger.api.metadata.FunctionMetadata(FunctionKey.parse("public/default/long"),
                dev.outrigger.api.metadata.ComponentType.FUNCTION, 0, 1, "{\"parallelism\":1000000000000}", null,
                Map.of()));
        metadata.put(function("public/default/ok", 0, 4));
        InstanceId kept = new InstanceId(FunctionKey.parse("public/default/max"), 7);
        RoundRobin.Plan plan = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> RoundRobin.plan(
                Map.of(kept, "gone"), metadata.all(), Set.of("w1"), Set.of(), 4));
        assertEquals(Set.of("public/default/max", "public/default/long"), plan.quarantined());
        assertEquals(5, plan.assignments().size(), "the 4 instances of ok, and the one max had");
        assertEquals("gone", plan.assignments().get(kept), "a quarantined component is left as it is");
        assertEquals(4, Parallelism.max("4"));
        assertEquals(Parallelism.DEFAULT_MAX, Parallelism.max(""));
    }

    // issue 11 finding 6: an assignment record of ours (format marker) that cannot be read is quarantined; the tailer
    // and the next leader serve the rest instead of refusing the topic for good.
    @Test
    void anUnreadableAssignmentIsQuarantinedByTheTailerAndTheLeader() throws Exception {
        String topic = pulsar.newTopic("as", "assignments");
        try (Producer<byte[]> earlier = pulsar.client.newProducer().topic(topic).create()) {
            earlier.newMessage().key("public/default/f:0").property(RecordFormat.MESSAGE_PROPERTY, RecordFormat.VERSION)
                    .value("{broken".getBytes(StandardCharsets.UTF_8)).send();
            earlier.newMessage().key("not an instance").property(RecordFormat.MESSAGE_PROPERTY, RecordFormat.VERSION)
                    .value(new byte[] {1}).send();
        }
        AssignmentTailer tailer = new AssignmentTailer(AssignmentSettings.of(topic), pulsar.client,
                new FakeCluster("w1"));
        closing.add(tailer::close);
        await().atMost(WAIT).until(tailer::isReady);
        assertNull(tailer.refusal());

        FakeMetadata metadata = new FakeMetadata();
        metadata.put(function("public/default/f", 0, 2));
        Scheduler scheduler = new Scheduler(AssignmentSettings.of(topic).withMembershipCheck(Duration.ofMillis(200)),
                pulsar.client, new FakeCluster("w1"), metadata, t -> { });
        metadata.listener(scheduler);
        closing.add(scheduler::close);
        scheduler.becameLeader();
        await().atMost(WAIT).until(() -> tailer.assignments().size() == 2);
        assertNull(scheduler.refusal());
        assertEquals(Map.of(new InstanceId(FunctionKey.parse("public/default/f"), 0), "w1",
                new InstanceId(FunctionKey.parse("public/default/f"), 1), "w1"), tailer.assignments());
    }
}
