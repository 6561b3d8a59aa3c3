package dev.outrigger.metadata.internal;

import static dev.outrigger.metadata.internal.Components.await;
import static dev.outrigger.metadata.internal.Components.function;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.api.cluster.RecordFormat;
import dev.outrigger.api.metadata.FunctionKey;
import dev.outrigger.api.metadata.FunctionMetadata;
import dev.outrigger.topics.FakeCluster;
import dev.outrigger.topics.PlainWorkerChannel;
import dev.outrigger.topics.PulsarFixture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pulsar.client.api.Producer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * issue 11 finding 6: one record Outrigger wrote (it carries the format marker) but cannot read must not stop the
 * metadata of every worker: it is quarantined, the rest is served and written.
 */
class UnreadableRecordTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

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

    private static void send(Producer<byte[]> producer, String key, String version, byte[] value) throws Exception {
        producer.newMessage().key(key).property(RecordFormat.MESSAGE_PROPERTY, RecordFormat.VERSION)
                .property(MetadataCodec.VERSION_PROPERTY, version).value(value).send();
    }

    // issue 11 finding 6
    @Test
    void anUnreadableRecordIsQuarantinedAndTheRestServed() throws Exception {
        String topic = pulsar.newTopic("md", "metadata");
        FunctionMetadata good = function("public/default/good", 0);
        try (Producer<byte[]> earlier = pulsar.client.newProducer().topic(topic).create()) {
            send(earlier, "public/default/good", "0", MetadataCodec.toJson(good));
            // marked as Outrigger's, but not metadata JSON (a bug, a torn write, a newer incompatible worker)
            send(earlier, "public/default/bad", "0", "{not json".getBytes(StandardCharsets.UTF_8));
            // and a version property that is no number
            send(earlier, "public/default/worse", "x", MetadataCodec.toJson(function("public/default/worse", 0)));
        }

        FakeCluster cluster = new FakeCluster("w1");
        cluster.leader(cluster.self());
        TopicMetadataStore store = new TopicMetadataStore(
                StoreSettings.of(topic).withRetries(3, Duration.ofMillis(50)), pulsar.client, cluster,
                new PlainWorkerChannel(), null);
        stores.add(store);
        store.becameLeader();
        await().atMost(WAIT).until(store::isLeaderReady);

        assertNull(store.refusal(), "an unreadable record of ours does not refuse the topic");
        assertEquals(Optional.of(good), store.get(good.key()));
        assertEquals(Optional.empty(), store.get(FunctionKey.parse("public/default/bad")));
        assertEquals(List.of(good), store.all());

        // the rest keeps working: a write lands and is read back, also on a second worker
        FunctionMetadata next = function("public/default/next", 0);
        await(store.write(next));
        assertEquals(Optional.of(next), store.get(next.key()));

        TopicMetadataStore follower = new TopicMetadataStore(StoreSettings.of(topic), pulsar.client,
                new FakeCluster("w2"), new PlainWorkerChannel(), null);
        stores.add(follower);
        await().atMost(WAIT).until(follower::isReady);
        assertEquals(List.of(good, next), follower.all());
        assertEquals(2, follower.tailer().quarantined(), "each unreadable record counted once"); // post-fix
        assertTrue(store.tailer().quarantined() >= 2); // post-fix
    }
}
