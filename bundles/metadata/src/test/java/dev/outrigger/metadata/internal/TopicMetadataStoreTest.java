package dev.outrigger.metadata.internal;

import dev.outrigger.topics.FakeCluster;
import dev.outrigger.topics.PlainWorkerChannel;
import dev.outrigger.topics.PulsarFixture;
import static dev.outrigger.metadata.internal.Components.await;
import static dev.outrigger.metadata.internal.Components.failure;
import static dev.outrigger.metadata.internal.Components.function;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.api.cluster.RecordFormat;
import dev.outrigger.api.metadata.FunctionKey;
import dev.outrigger.api.metadata.FunctionMetadata;
import dev.outrigger.api.metadata.MetadataUnavailableException;
import dev.outrigger.api.metadata.StaleVersionException;
import dev.outrigger.metadata.internal.Components.RecordingListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.common.policies.data.PublisherStats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The store against the real shared Pulsar cluster; leadership is decided by the test, as the cluster would. */
class TopicMetadataStoreTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final PlainWorkerChannel CHANNEL = new PlainWorkerChannel();

    private static PulsarFixture pulsar;
    private final List<TopicMetadataStore> stores = new ArrayList<>();

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
    void closeStores() {
        stores.forEach(TopicMetadataStore::close);
    }

    private TopicMetadataStore store(String topic, FakeCluster cluster) {
        TopicMetadataStore store = new TopicMetadataStore(
                StoreSettings.of(topic).withRetries(3, Duration.ofMillis(50)), pulsar.client, cluster, CHANNEL,
                null);
        stores.add(store);
        return store;
    }

    /** A store whose worker leads, once it holds the exclusive producer. */
    private TopicMetadataStore leader(String topic, String workerId) {
        FakeCluster cluster = new FakeCluster(workerId);
        cluster.leader(cluster.self());
        TopicMetadataStore store = store(topic, cluster);
        store.becameLeader();
        await().atMost(WAIT).until(store::isLeaderReady);
        return store;
    }

    @Test
    void createUpdateDeleteWithVersionsAndReadYourWrites() throws Exception {
        String topic = pulsar.newTopic("md", "metadata");
        TopicMetadataStore store = leader(topic, "w1");
        FunctionMetadata created = function("public/default/f", 0);

        assertEquals(created, await(store.write(created)));
        assertEquals(Optional.of(created), store.get(created.key()), "read-your-writes after create");

        FunctionMetadata updated = created.update("{\"parallelism\":3}", null);
        assertEquals(1, updated.version());
        await(store.write(updated));
        assertEquals(Optional.of(updated), store.get(created.key()), "read-your-writes after update");
        await(store.write(function("public/default/g", 0)));
        await(store.write(function("public/other/h", 0)));
        assertEquals(List.of("f@1", "g@0"), store.list("public", "default").stream().map(Components::describe).toList());
        assertEquals(List.of("f@1", "g@0", "h@0"), store.all().stream().map(Components::describe).toList());

        await(store.delete(created.key(), 1));
        assertEquals(Optional.empty(), store.get(created.key()), "read-your-writes after delete");
        await(store.write(function("public/default/f", 0)));
        assertEquals(0, store.get(created.key()).orElseThrow().version(), "recreated after a delete");

        // What is on the topic: key, JSON value, format marker and version; a tombstone is an empty value.
        List<Message<byte[]>> messages = pulsar.messages(topic, false);
        assertEquals(6, messages.size());
        Message<byte[]> first = messages.get(0);
        assertEquals("public/default/f", first.getKey());
        assertEquals(RecordFormat.VERSION, first.getProperty(RecordFormat.MESSAGE_PROPERTY));
        assertEquals("0", first.getProperty("version"));
        assertEquals(created, MetadataCodec.fromJson(first.getData()));
        Message<byte[]> tombstone = messages.get(4);
        assertEquals("public/default/f", tombstone.getKey());
        assertEquals(0, tombstone.getData().length);
        assertEquals(RecordFormat.VERSION, tombstone.getProperty(RecordFormat.MESSAGE_PROPERTY));
        assertEquals("1", tombstone.getProperty("version"));

        // Only the leader writes, through one exclusive producer named after it.
        List<? extends PublisherStats> publishers = pulsar.admin.topics().getStats(topic).getPublishers();
        assertEquals(List.of("w1-leader"), publishers.stream().map(PublisherStats::getProducerName).toList());
    }

    @Test
    void staleVersionsAreRefusedInPulsarsWords() throws Exception {
        String topic = pulsar.newTopic("md", "metadata");
        TopicMetadataStore store = leader(topic, "w1");
        FunctionMetadata f0 = function("public/default/f", 0);
        await(store.write(f0));
        await(store.write(f0.update("{}", null)));

        Throwable again = failure(store.write(f0));
        assertInstanceOf(StaleVersionException.class, again);
        assertTrue(again.getMessage().startsWith("Update request ignored because it is out of date"), again.getMessage());
        assertTrue(again.getMessage().contains("already exists at version 1"), again.getMessage());

        Throwable skipped = failure(store.write(function("public/default/f", 3)));
        assertInstanceOf(StaleVersionException.class, skipped);
        assertTrue(skipped.getMessage().contains("is at version 1, the request writes version 3"), skipped.getMessage());

        Throwable replayed = failure(store.write(function("public/default/f", 1)));
        assertInstanceOf(StaleVersionException.class, replayed);

        Throwable missing = failure(store.write(function("public/default/nothing", 2)));
        assertInstanceOf(StaleVersionException.class, missing);
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());

        Throwable oldDelete = failure(store.delete(f0.key(), 0));
        assertInstanceOf(StaleVersionException.class, oldDelete);
        assertTrue(oldDelete.getMessage().startsWith("Delete request ignored because it is out of date"),
                oldDelete.getMessage());
        assertTrue(oldDelete.getMessage().contains("is at version 1, the request deletes version 0"),
                oldDelete.getMessage());

        assertInstanceOf(IllegalArgumentException.class, failure(store.delete(f0.key(), -1)));
        assertEquals(1, store.get(f0.key()).orElseThrow().version(), "nothing stale was applied");
        assertEquals(2, pulsar.messages(topic, false).size(), "nothing stale was written");
    }

    @Test
    void aNewStoreRebuildsTheStateFromTheTopic() throws Exception {
        String topic = pulsar.newTopic("md", "metadata");
        TopicMetadataStore first = leader(topic, "w1");
        FunctionMetadata a = function("public/default/a", 0);
        await(first.write(a));
        await(first.write(a.update("{\"a\":1}", null)));
        await(first.write(function("public/default/b", 0)));
        await(first.delete(FunctionKey.parse("public/default/b"), 0));
        await(first.write(function("public/default/c", 0)));
        List<FunctionMetadata> before = first.all();
        first.close();

        TopicMetadataStore restarted = store(topic, new FakeCluster("w1"));
        await().atMost(WAIT).until(restarted::isReady);
        assertEquals(before, restarted.all());
        assertEquals(Optional.empty(), restarted.get(FunctionKey.parse("public/default/b")), "the tombstone applies");
    }

    @Test
    void afterCompactionTheTombstonedComponentIsGoneFromTopicAndState() throws Exception {
        String topic = pulsar.newTopic("md", "metadata");
        TopicMetadataStore store = leader(topic, "w1");
        FunctionMetadata a = function("public/default/a", 0);
        await(store.write(a));
        FunctionMetadata a1 = a.update("{\"a\":1}", null);
        await(store.write(a1));
        await(store.write(function("public/default/b", 0)));
        await(store.delete(FunctionKey.parse("public/default/b"), 0));

        FakeCluster notLeading = new FakeCluster("w2");
        MetadataTopicCompactor follower =
                new MetadataTopicCompactor(topic, Duration.ofHours(1), notLeading, pulsar.admin);
        follower.tick();
        follower.close();
        assertEquals("NOT_RUN", pulsar.admin.topics().compactionStatus(topic).status.name(),
                "only the leader compacts");

        FakeCluster leading = new FakeCluster("w1");
        leading.leader(leading.self());
        MetadataTopicCompactor compactor = new MetadataTopicCompactor(topic, Duration.ofSeconds(1), leading,
                pulsar.admin);
        try {
            await().atMost(WAIT).until(() -> pulsar.admin.topics().compactionStatus(topic).status.name()
                    .equals("SUCCESS"));
        } finally {
            compactor.close();
        }

        List<Message<byte[]>> compacted = pulsar.messages(topic, true);
        assertEquals(List.of("public/default/a"), compacted.stream().map(Message::getKey).toList(),
                "compaction keeps the last record of a, and drops b with its tombstone");
        assertEquals(a1, MetadataCodec.fromJson(compacted.get(0).getData()));

        TopicMetadataStore rebuilt = store(topic, new FakeCluster("w2"));
        await().atMost(WAIT).until(rebuilt::isReady);
        assertEquals(List.of(a1), rebuilt.all());
    }

    @Test
    void aForeignRecordIsRefusedNeverAppliedNeverOverwritten() throws Exception {
        String topic = pulsar.newTopic("md", "metadata");
        byte[] foreignValue = MetadataCodec.toJson(function("public/default/foreign", 0));
        try (Producer<byte[]> someoneElse = pulsar.client.newProducer().topic(topic).create()) {
            // valid key and JSON, even the version property: only the format marker is missing
            someoneElse.newMessage().key("public/default/foreign").property("version", "0").value(foreignValue).send();
        }

        FakeCluster cluster = new FakeCluster("w1");
        cluster.leader(cluster.self());
        TopicMetadataStore store = store(topic, cluster);
        RecordingListener listener = new RecordingListener();
        store.addMetadataListener(listener);
        store.becameLeader();
        await().atMost(WAIT).until(() -> store.refusal() != null);
        assertTrue(store.refusal().contains("has no outrigger.format property"), store.refusal());
        assertFalse(store.isReady());
        assertEquals(List.of(), listener.events(), "listeners hear nothing of a refused topic");
        assertThrows(MetadataUnavailableException.class, () -> store.get(FunctionKey.parse("public/default/foreign")));
        assertThrows(MetadataUnavailableException.class, store::all);

        assertInstanceOf(MetadataUnavailableException.class,
                failure(store.write(function("public/default/foreign", 1))));
        assertInstanceOf(MetadataUnavailableException.class, failure(store.write(function("public/default/x", 0))));
        List<Message<byte[]>> messages = pulsar.messages(topic, false);
        assertEquals(1, messages.size(), "nothing was written over the foreign record");
        assertArrayEquals(foreignValue, messages.get(0).getData());
    }

    @Test
    void aForeignRecordArrivingLaterTakesTheStoreOutOfService() throws Exception {
        String topic = pulsar.newTopic("md", "metadata");
        TopicMetadataStore store = leader(topic, "w1");
        await(store.write(function("public/default/a", 0)));
        // While Outrigger's leader holds its exclusive producer nobody else can write: the broker refuses them.
        assertThrows(PulsarClientException.ProducerBusyException.class,
                () -> pulsar.client.newProducer().topic(topic).create());
        store.lostLeadership();
        try (Producer<byte[]> someoneElse = await().atMost(WAIT).ignoreExceptions()
                .until(() -> pulsar.client.newProducer().topic(topic).create(), Objects::nonNull)) {
            someoneElse.newMessage().key("public/default/a").property(RecordFormat.MESSAGE_PROPERTY, "7")
                    .property("version", "1").value(MetadataCodec.toJson(function("public/default/a", 1))).send();
        }
        await().atMost(WAIT).until(() -> store.refusal() != null);
        assertTrue(store.refusal().contains("record format 7"), store.refusal());
        assertThrows(MetadataUnavailableException.class, () -> store.get(FunctionKey.parse("public/default/a")));
        assertInstanceOf(MetadataUnavailableException.class, failure(store.write(function("public/default/a", 1))));
    }

    @Test
    void listenersHearEveryChangeInOrderAndNewListenersTheStateFirst() throws Exception {
        String topic = pulsar.newTopic("md", "metadata");
        TopicMetadataStore writer = leader(topic, "w1");
        FunctionMetadata a = function("public/default/a", 0);
        await(writer.write(a));
        await(writer.write(function("public/default/b", 0)));

        TopicMetadataStore follower = store(topic, new FakeCluster("w2"));
        RecordingListener early = new RecordingListener();
        follower.addMetadataListener(early);
        await().atMost(WAIT).until(() -> early.events().size() == 2);
        assertEquals(List.of("->a@0", "->b@0"), early.events(), "the state at start, previous = null");

        await(writer.write(a.update("{}", null)));
        await(writer.delete(FunctionKey.parse("public/default/b"), 0));
        await(writer.write(function("public/default/c", 0)));
        await().atMost(WAIT).until(() -> early.events().size() == 5);
        assertEquals(List.of("->a@0", "->b@0", "a@0>a@1", "b@0>-", "->c@0"), early.events());

        RecordingListener late = new RecordingListener();
        follower.addMetadataListener(late);
        await().atMost(WAIT).until(() -> late.events().size() == 2);
        assertEquals(List.of("->a@1", "->c@0"), late.events(), "a new listener hears of what exists, once");

        follower.removeMetadataListener(early);
        await(writer.delete(FunctionKey.parse("public/default/c"), 0));
        await().atMost(WAIT).until(() -> late.events().size() == 3);
        assertEquals("c@0>-", late.events().get(2));
        assertEquals(5, early.events().size(), "an unbound listener hears nothing more");

        RecordingListener onWriter = new RecordingListener();
        writer.addMetadataListener(onWriter);
        await().atMost(WAIT).until(() -> onWriter.events().size() == 1);
        assertEquals(List.of("->a@1"), onWriter.events());
    }

    @Test
    void aTailerThatLostItsReaderReadsTheTopicAgainAndMissesNoDelete() throws Exception {
        String topic = pulsar.newTopic("md", "metadata");
        TopicMetadataStore writer = leader(topic, "w1");
        FunctionMetadata a = function("public/default/a", 0);
        await(writer.write(a));
        await(writer.write(function("public/default/b", 0)));
        FakeCluster followerCluster = new FakeCluster("w2");
        TopicMetadataStore follower = store(topic, followerCluster);
        RecordingListener listener = new RecordingListener();
        follower.addMetadataListener(listener);
        await().atMost(WAIT).until(() -> listener.events().size() == 2);

        // The reader goes, and comes back only once the changes are compacted: b's tombstone is gone from the topic.
        followerCluster.notInitialized();
        follower.tailer().dropReader();
        FunctionMetadata a1 = a.update("{}", null);
        await(writer.write(a1));
        await(writer.delete(FunctionKey.parse("public/default/b"), 0));
        await(writer.write(function("public/default/c", 0)));
        pulsar.admin.topics().triggerCompaction(topic);
        await().atMost(WAIT).until(() -> pulsar.admin.topics().compactionStatus(topic).status.name()
                .equals("SUCCESS"));
        followerCluster.initialized(true);

        await().atMost(WAIT).until(() -> listener.events().size() == 5);
        assertEquals(List.of("->a@0", "->b@0", "b@0>-", "a@0>a@1", "->c@0"), listener.events(),
                "what was removed first, then what changed, by name");
        assertEquals(writer.all(), follower.all());
        await(writer.write(a1.update("{\"again\":true}", null)));
        await().atMost(WAIT).until(() -> follower.get(a.key()).orElseThrow().version() == 2);
        assertEquals("a@1>a@2", listener.events().get(5), "and it tails on");
    }

    @Test
    void aNewLeaderWaitsForTheOldOneToReleaseTheProducerThenWrites() throws Exception {
        String topic = pulsar.newTopic("md", "metadata");
        TopicMetadataStore first = leader(topic, "w1");
        FunctionMetadata a = function("public/default/a", 0);
        await(first.write(a));

        TopicMetadataStore second = store(topic, new FakeCluster("w2"));
        await().atMost(WAIT).until(second::isReady);
        second.becameLeader();
        assertFalse(second.isLeaderReady(), "w1 still holds the exclusive producer");

        first.lostLeadership();
        await().atMost(WAIT).until(second::isLeaderReady);
        FunctionMetadata a1 = a.update("{\"by\":\"w2\"}", null);
        await(second.write(a1));
        await().atMost(WAIT).until(() -> first.get(a.key()).orElseThrow().version() == 1);
        assertEquals(Optional.of(a1), first.get(a.key()), "the old leader follows the topic");
        List<? extends PublisherStats> publishers = pulsar.admin.topics().getStats(topic).getPublishers();
        assertEquals(List.of("w2-leader"), publishers.stream().map(PublisherStats::getProducerName).toList());
    }

    @Test
    void readsBeforeTheTopicWasReadWaitThenFail() throws Exception {
        String topic = pulsar.newTopic("md", "metadata");
        // a worker that never joins its cluster never reads the topic
        FakeCluster notJoined = new FakeCluster("w1").notInitialized();
        TopicMetadataStore store = new TopicMetadataStore(new StoreSettings(topic, Duration.ofMillis(200),
                Duration.ofSeconds(30), Duration.ofMillis(200), 2, Duration.ofMillis(50), Duration.ofMillis(100),
                Duration.ofSeconds(30), Duration.ofSeconds(25), Duration.ofSeconds(15), 64), pulsar.client, notJoined,
                CHANNEL, null);
        stores.add(store);
        assertFalse(store.isReady());
        MetadataUnavailableException e = assertThrows(MetadataUnavailableException.class,
                () -> store.get(FunctionKey.parse("public/default/a")));
        assertTrue(e.getMessage().contains("not finished reading"), e.getMessage());
        assertInstanceOf(MetadataUnavailableException.class, failure(store.write(function("public/default/a", 0))));
    }

    @Test
    void closingFailsWaitingWritesAtOnce() throws Exception {
        String topic = pulsar.newTopic("md", "metadata");
        TopicMetadataStore store = new TopicMetadataStore(StoreSettings.of(topic), pulsar.client,
                new FakeCluster("w1").notInitialized(), CHANNEL, null);
        stores.add(store);
        var pending = store.write(function("public/default/a", 0));
        store.close();
        Throwable failure = failure(pending);
        assertInstanceOf(MetadataUnavailableException.class, failure);
        assertTrue(failure.getMessage().contains("was closed"), failure.getMessage());
    }
}
