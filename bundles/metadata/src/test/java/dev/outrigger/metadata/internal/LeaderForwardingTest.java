package dev.outrigger.metadata.internal;

import dev.outrigger.topics.FakeCluster;
import dev.outrigger.topics.PlainWorkerChannel;
import dev.outrigger.topics.PulsarFixture;
import static dev.outrigger.metadata.internal.Components.await;
import static dev.outrigger.metadata.internal.Components.describe;
import static dev.outrigger.metadata.internal.Components.failure;
import static dev.outrigger.metadata.internal.Components.function;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.api.cluster.WorkerChannel;
import dev.outrigger.api.cluster.WorkerInfo;
import dev.outrigger.api.metadata.ComponentType;
import dev.outrigger.api.metadata.FunctionKey;
import dev.outrigger.api.metadata.FunctionMetadata;
import dev.outrigger.api.metadata.InvalidMetadataException;
import dev.outrigger.api.metadata.MetadataNotWrittenException;
import dev.outrigger.api.metadata.MetadataUnavailableException;
import dev.outrigger.api.metadata.MetadataValidator;
import dev.outrigger.api.metadata.StaleVersionException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two workers on one topic: the leader serves {@link LeaderWriteResource} over real HTTP and Jersey, the other
 * writes through it with {@link LeaderForwarder}.
 */
class LeaderForwardingTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

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
    void close() throws Exception {
        for (AutoCloseable resource : closing) {
            resource.close();
        }
    }

    private TopicMetadataStore store(String topic, FakeCluster cluster) {
        return store(topic, cluster, new PlainWorkerChannel());
    }

    /** @param channel how it calls the leader; null for none (its REST bundle not active) */
    private TopicMetadataStore store(String topic, FakeCluster cluster, WorkerChannel channel) {
        TopicMetadataStore store = new TopicMetadataStore(
                StoreSettings.of(topic).withRetries(3, Duration.ofMillis(50)), pulsar.client, cluster, channel, null);
        closing.add(store::close);
        return store;
    }

    /**
     * A worker with its admin API: the leader endpoint, with a validator of functions that accepts every record, and
     * a stand-in of the functions resource on its path.
     */
    private JerseyServer adminApi(TopicMetadataStore store) throws Exception {
        return adminApi(store, Map.of((current, proposed) -> { }, functions()));
    }

    /** @param validators the validators present, with their service properties */
    private JerseyServer adminApi(TopicMetadataStore store, Map<MetadataValidator, Map<String, Object>> validators)
            throws Exception {
        JerseyServer server = new JerseyServer(new LeaderWriteResource(store, validators), FunctionsStandIn.class);
        closing.add(0, server);
        return server;
    }

    private static Map<String, Object> functions() {
        return Map.of(MetadataValidator.COMPONENT_TYPES, "FUNCTION");
    }

    /** A leader serving the endpoint with those validators, ready to write. */
    private JerseyServer leaderApi(TopicMetadataStore leader, FakeCluster cluster,
            Map<MetadataValidator, Map<String, Object>> validators) throws Exception {
        JerseyServer api = adminApi(leader, validators);
        cluster.leader(cluster.port(api.port()).self());
        leader.becameLeader();
        await().atMost(WAIT).until(leader::isLeaderReady);
        return api;
    }

    /** What the functions bundle will serve on the same root path. */
    @Path("/admin/v3/functions")
    public static final class FunctionsStandIn {
        @GET
        @Path("/{tenant}/{namespace}/{name}")
        @Produces(MediaType.TEXT_PLAIN)
        public String get(@PathParam("tenant") String tenant, @PathParam("namespace") String namespace,
                @PathParam("name") String name) {
            return "function " + tenant + "/" + namespace + "/" + name;
        }
    }

    @Test
    void aFollowerWritesThroughTheLeaderAndReadsItsWrites() throws Exception {
        String topic = pulsar.newTopic("md", "metadata");
        FakeCluster leaderCluster = new FakeCluster("leader");
        TopicMetadataStore leader = store(topic, leaderCluster);
        JerseyServer leaderApi = adminApi(leader);
        WorkerInfo leaderInfo = leaderCluster.port(leaderApi.port()).self();
        leaderCluster.leader(leaderInfo);
        leader.becameLeader();
        await().atMost(WAIT).until(leader::isLeaderReady);

        TopicMetadataStore follower = store(topic, new FakeCluster("follower").leader(leaderInfo));
        FunctionMetadata f0 = function("public/default/f", 0);
        assertEquals(f0, await(follower.write(f0)));
        assertEquals(Optional.of(f0), follower.get(f0.key()), "the follower reads its own write at once");
        assertEquals(Optional.of(f0), leader.get(f0.key()));

        FunctionMetadata f1 = f0.update("{\"parallelism\":4}", null);
        await(follower.write(f1));
        assertEquals(Optional.of(f1), follower.get(f0.key()));

        Throwable stale = failure(follower.write(f1));
        assertInstanceOf(StaleVersionException.class, stale, "409 from the leader");
        assertTrue(stale.getMessage().startsWith("Update request ignored because it is out of date"),
                stale.getMessage());
        Throwable staleDelete = failure(follower.delete(f0.key(), 0));
        assertInstanceOf(StaleVersionException.class, staleDelete);
        assertTrue(staleDelete.getMessage().contains("is at version 1, the request deletes version 0"),
                staleDelete.getMessage());

        await(follower.delete(f0.key(), 1));
        assertEquals(Optional.empty(), follower.get(f0.key()), "the follower reads its own delete at once");
        assertEquals(List.of("leader-leader"), pulsar.admin.topics().getStats(topic).getPublishers().stream()
                .map(publisher -> publisher.getProducerName()).toList(), "only the leader wrote");

        // Pulsar's path shape: a function of a tenant called "leader" is still the functions resource's.
        HttpResponse<String> get = HTTP.send(
                HttpRequest.newBuilder(leaderApi.uri("/admin/v3/functions/leader/ns/fn")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, get.statusCode());
        assertEquals("function leader/ns/fn", get.body());
    }

    @Test
    void theEndpointAnswersLikePulsarsForBadRequests() throws Exception {
        String topic = pulsar.newTopic("md", "metadata");
        FakeCluster cluster = new FakeCluster("leader");
        TopicMetadataStore leader = store(topic, cluster);
        JerseyServer api = adminApi(leader);
        cluster.leader(cluster.port(api.port()).self());
        leader.becameLeader();
        await().atMost(WAIT).until(leader::isLeaderReady);

        HttpResponse<String> mismatch = put(api, "/admin/v3/functions/leader/public/default/other",
                new String(MetadataCodec.toJson(function("public/default/f", 0))));
        assertEquals(400, mismatch.statusCode());
        assertTrue(mismatch.body().contains("\"reason\""), mismatch.body());

        HttpResponse<String> noVersion = put(api, "/admin/v3/functions/leader/public/default/f?delete=true", "");
        assertEquals(400, noVersion.statusCode());

        HttpResponse<String> created = put(api, "/admin/v3/functions/leader/public/default/f",
                new String(MetadataCodec.toJson(function("public/default/f", 0))));
        assertEquals(204, created.statusCode());
        HttpResponse<String> again = put(api, "/admin/v3/functions/leader/public/default/f",
                new String(MetadataCodec.toJson(function("public/default/f", 0))));
        assertEquals(409, again.statusCode());
        assertTrue(MetadataCodec.reason(again.body()).startsWith("Update request ignored because it is out of date"),
                again.body());
        HttpResponse<String> deleted = put(api, "/admin/v3/functions/leader/public/default/f?delete=true&version=0",
                "");
        assertEquals(204, deleted.statusCode());
        assertEquals(Optional.empty(), leader.get(FunctionKey.parse("public/default/f")));
    }

    @Test
    void aWorkerThatDoesNotLeadAnswers503AndTheWriterGivesUpAsNotWritten() throws Exception {
        String topic = pulsar.newTopic("md", "metadata");
        FakeCluster staleCluster = new FakeCluster("former-leader");
        TopicMetadataStore notLeading = store(topic, staleCluster);
        JerseyServer api = adminApi(notLeading);
        WorkerInfo formerLeader = staleCluster.port(api.port()).self();
        await().atMost(WAIT).until(notLeading::isReady);

        HttpResponse<String> direct = put(api, "/admin/v3/functions/leader/public/default/f",
                new String(MetadataCodec.toJson(function("public/default/f", 0))));
        assertEquals(503, direct.statusCode());
        assertTrue(MetadataCodec.reason(direct.body()).contains("is not the leader"), direct.body());

        // the broker still names it leader: the writer tries a few times, then gives up
        TopicMetadataStore writer = store(topic, new FakeCluster("writer").leader(formerLeader));
        Throwable failure = failure(writer.write(function("public/default/f", 0)));
        assertInstanceOf(MetadataNotWrittenException.class, failure);
        assertTrue(failure.getMessage().contains("is not the leader"), failure.getMessage());
        assertEquals(0, pulsar.messages(topic, false).size());
    }

    @Test
    void anUnreachableLeaderMakesTheWriteNotWritten() throws Exception {
        String topic = pulsar.newTopic("md", "metadata");
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        TopicMetadataStore writer = store(topic,
                new FakeCluster("writer").leader(new WorkerInfo("gone", "127.0.0.1", closedPort)));
        Throwable failure = failure(writer.write(function("public/default/f", 0)));
        assertInstanceOf(MetadataNotWrittenException.class, failure);
        assertTrue(failure.getMessage().contains("Cannot connect to the leader gone"), failure.getMessage());

        TopicMetadataStore noLeader = store(topic, new FakeCluster("alone"));
        Throwable none = failure(noLeader.write(function("public/default/f", 0)));
        assertInstanceOf(MetadataNotWrittenException.class, none);
        assertTrue(none.getMessage().contains("no worker leads the cluster now"), none.getMessage());
    }

    @Test
    void withoutAChannelAForwardedWriteIsUnavailableAndTheLeaderStillWrites() throws Exception {
        String topic = pulsar.newTopic("md", "metadata");
        FakeCluster leaderCluster = new FakeCluster("leader");
        TopicMetadataStore leader = store(topic, leaderCluster, null);
        JerseyServer leaderApi = adminApi(leader);
        WorkerInfo leaderInfo = leaderCluster.port(leaderApi.port()).self();
        leaderCluster.leader(leaderInfo);
        leader.becameLeader();
        await().atMost(WAIT).until(leader::isLeaderReady);

        TopicMetadataStore follower = store(topic, new FakeCluster("follower").leader(leaderInfo), null);
        Throwable failure = failure(follower.write(function("public/default/f", 0)));
        assertInstanceOf(MetadataNotWrittenException.class, failure);
        assertTrue(failure.getMessage().contains("no channel to other workers"), failure.getMessage());

        FunctionMetadata f0 = function("public/default/f", 0);
        assertEquals(f0, await(leader.write(f0)), "the leader needs no channel to write");
        await().atMost(WAIT).until(() -> follower.get(f0.key()).isPresent());
    }

    /**
     * Issue 11 finding 2: the leader wrote, its answer was lost (a reset connection, a leader that died after the
     * write). The writer tries again, meets the record it wrote, and reports the write as done: not "unavailable",
     * and not the "already exists" a user's retry met before.
     */
    @Test
    void aForwardedWriteWhoseAnswerWasLostIsReportedAsWrittenOnce() throws Exception {
        String topic = pulsar.newTopic("md", "metadata");
        FakeCluster leaderCluster = new FakeCluster("leader");
        TopicMetadataStore leader = store(topic, leaderCluster);
        WorkerInfo leaderInfo = leaderCluster.port(leaderApi(leader, leaderCluster,
                Map.of((current, proposed) -> { }, functions())).port()).self();
        LosingChannel losing = new LosingChannel(true);
        TopicMetadataStore follower = store(topic, new FakeCluster("follower").leader(leaderInfo), losing);
        await().atMost(WAIT).until(follower::isReady);

        FunctionMetadata f0 = function("public/default/f", 0);
        losing.loseNext();
        assertEquals(f0, await(follower.write(f0)));
        assertEquals(Optional.of(f0), follower.get(f0.key()));
        FunctionMetadata f1 = function("public/default/f", 1);
        losing.loseNext();
        assertEquals(f1, await(follower.write(f1)), "an update's lost answer too");
        losing.loseNext();
        await(follower.delete(f0.key(), 1));
        assertEquals(Optional.empty(), follower.get(f0.key()), "and a delete's");
        assertEquals(3, pulsar.messages(topic, false).size(), "each written once");
        assertTrue(losing.sent() >= 6, "each was sent again after its answer was lost: " + losing.sent());
    }

    /** Requests lost before they reach the leader: whether they landed cannot be known, and is not claimed. */
    @Test
    void aWriteWhoseEveryAttemptWasLostHasAnUnknownOutcome() throws Exception {
        String topic = pulsar.newTopic("md", "metadata");
        FakeCluster leaderCluster = new FakeCluster("leader");
        TopicMetadataStore leader = store(topic, leaderCluster);
        WorkerInfo leaderInfo = leaderCluster.port(leaderApi(leader, leaderCluster,
                Map.of((current, proposed) -> { }, functions())).port()).self();
        LosingChannel losing = new LosingChannel(false);
        TopicMetadataStore follower = store(topic, new FakeCluster("follower").leader(leaderInfo), losing);
        await().atMost(WAIT).until(follower::isReady);
        losing.loseAll();

        Throwable failure = failure(follower.write(function("public/default/f", 0)));
        assertInstanceOf(MetadataUnavailableException.class, failure);
        assertFalse(failure instanceof MetadataNotWrittenException, "the outcome is unknown: " + failure);
        assertTrue(failure.getMessage().contains("may or may not have been written"), failure.getMessage());
        assertEquals(0, pulsar.messages(topic, false).size());
    }

    /** Issue 11 finding 7: callers' writes no longer queue without bound; the ones beyond are refused at once. */
    @Test
    void writesBeyondTheQueueAreRefusedAsNotWritten() throws Exception {
        String topic = pulsar.newTopic("md", "metadata");
        // never joined, so never ready: every write holds its thread for the ready wait
        TopicMetadataStore store = new TopicMetadataStore(StoreSettings.of(topic)
                .withWriteLimits(Duration.ofSeconds(25), Duration.ofSeconds(15), 2), pulsar.client,
                new FakeCluster("w1").notInitialized(), new PlainWorkerChannel(), null);
        closing.add(store::close);
        List<java.util.concurrent.CompletionStage<FunctionMetadata>> writes = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            writes.add(store.write(function("public/default/f" + i, 0)));
        }
        Throwable refused = failure(writes.get(10));
        assertInstanceOf(MetadataNotWrittenException.class, refused);
        assertTrue(refused.getMessage().contains("metadata writes waiting already"), refused.getMessage());
        for (var write : writes.subList(0, 10)) {
            assertInstanceOf(MetadataNotWrittenException.class, failure(write), "not ready, so surely not written");
        }
    }

    /**
     * The worker channel, for real, except that it can lose answers: after the request reached the leader
     * ({@code afterSending}) or instead of sending it.
     */
    private static final class LosingChannel implements WorkerChannel {
        private final PlainWorkerChannel real = new PlainWorkerChannel();
        private final boolean afterSending;
        private final java.util.concurrent.atomic.AtomicInteger toLose = new java.util.concurrent.atomic.AtomicInteger();
        private final java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();

        LosingChannel(boolean afterSending) {
            this.afterSending = afterSending;
        }

        void loseNext() {
            toLose.set(1);
        }

        void loseAll() {
            toLose.set(Integer.MAX_VALUE);
        }

        int sent() {
            return sent.get();
        }

        @Override
        public dev.outrigger.api.cluster.WorkerResponse send(WorkerInfo worker,
                dev.outrigger.api.cluster.WorkerRequest request) throws java.io.IOException, InterruptedException {
            boolean lose = toLose.getAndUpdate(n -> n == Integer.MAX_VALUE ? n : Math.max(0, n - 1)) > 0;
            if (lose && !afterSending) {
                throw new java.net.http.HttpTimeoutException("request timed out");
            }
            var response = real.send(worker, request);
            sent.incrementAndGet();
            if (lose) {
                throw new java.io.IOException("Connection reset");
            }
            return response;
        }
    }

    /** What a superuser could send the endpoint directly: a record no public path would write. */
    @Test
    void aForgedRecordIsRefusedWith400AndNothingIsWritten() throws Exception {
        String topic = pulsar.newTopic("md", "metadata");
        FakeCluster cluster = new FakeCluster("leader");
        TopicMetadataStore leader = store(topic, cluster);
        List<String> judged = new CopyOnWriteArrayList<>();
        MetadataValidator validator = (current, proposed) -> {
            judged.add(describe(current) + ">" + describe(proposed));
            if (proposed.config().contains("forged")) {
                throw new InvalidMetadataException("Function parallelism must be a positive number");
            }
        };
        JerseyServer api = leaderApi(leader, cluster, Map.of(validator, functions()));

        FunctionMetadata forged = new FunctionMetadata(FunctionKey.parse("public/default/f"), ComponentType.FUNCTION,
                0, 1L, "{\"parallelism\":0,\"forged\":true}", null, Map.of());
        HttpResponse<String> refused = put(api, "/admin/v3/functions/leader/public/default/f",
                new String(MetadataCodec.toJson(forged)));
        assertEquals(400, refused.statusCode(), refused.body());
        assertEquals("Function parallelism must be a positive number", MetadataCodec.reason(refused.body()));
        assertEquals(List.of("->f@0"), judged);
        assertEquals(Optional.empty(), leader.get(forged.key()));
        assertEquals(0, pulsar.messages(topic, false).size(), "nothing was written");

        // through another worker's store: the leader's reason reaches the writer, and still nothing is written
        TopicMetadataStore follower = store(topic, new FakeCluster("follower").leader(cluster.self()));
        Throwable failure = failure(follower.write(forged));
        assertInstanceOf(InvalidMetadataException.class, failure);
        assertEquals("Function parallelism must be a positive number", failure.getMessage());
        assertEquals(0, pulsar.messages(topic, false).size(), "nothing was written");

        // an update is judged against the version it replaces, and a valid one is written
        FunctionMetadata f0 = function("public/default/f", 0);
        await(follower.write(f0));
        FunctionMetadata forgedUpdate = f0.update("{\"forged\":true}", f0.packageRef());
        assertInstanceOf(InvalidMetadataException.class, failure(follower.write(forgedUpdate)));
        assertEquals(Optional.of(f0), leader.get(f0.key()));
        assertEquals(List.of("->f@0", "->f@0", "->f@0", "f@0>f@1"), judged);
        assertEquals(1, pulsar.messages(topic, false).size(), "only the valid record was written");
    }

    @Test
    void withoutAValidatorOfItsTypeNoRecordIsWrittenAndDeletesStillAre() throws Exception {
        String topic = pulsar.newTopic("md", "metadata");
        FakeCluster cluster = new FakeCluster("leader");
        TopicMetadataStore leader = store(topic, cluster);
        // a validator of sources and sinks only: functions have none
        MetadataValidator sources = (current, proposed) -> { };
        JerseyServer api = leaderApi(leader, cluster,
                Map.of(sources, Map.of(MetadataValidator.COMPONENT_TYPES, new String[] {"SOURCE", "SINK", "NONE"})));

        FunctionMetadata f0 = function("public/default/f", 0);
        HttpResponse<String> unjudged = put(api, "/admin/v3/functions/leader/public/default/f",
                new String(MetadataCodec.toJson(f0)));
        assertEquals(503, unjudged.statusCode(), unjudged.body());
        assertTrue(MetadataCodec.reason(unjudged.body()).contains("cannot validate function records"),
                unjudged.body());
        assertEquals(Optional.empty(), leader.get(f0.key()));
        assertEquals(0, pulsar.messages(topic, false).size(), "nothing was written");

        // the leader's own writes come from its public path, which validated them; a delete needs no judgement
        await(leader.write(f0));
        HttpResponse<String> deleted = put(api, "/admin/v3/functions/leader/public/default/f?delete=true&version=0",
                "");
        assertEquals(204, deleted.statusCode(), deleted.body());
        assertEquals(Optional.empty(), leader.get(f0.key()));
    }

    @Test
    void aRecordThatChangedWhileItWasJudgedIsNotWritten() throws Exception {
        String topic = pulsar.newTopic("md", "metadata");
        FakeCluster cluster = new FakeCluster("leader");
        TopicMetadataStore leader = store(topic, cluster);
        FunctionMetadata judgedAgainst = function("public/default/f", 0);
        FunctionMetadata recreated = new FunctionMetadata(judgedAgainst.key(), ComponentType.FUNCTION, 0, 2L,
                "{\"other\":true}", null, Map.of());
        MetadataValidator racing = (current, proposed) -> {
            if (judgedAgainst.equals(current)) {
                // meanwhile the function is deleted and created again, at the same version: what was judged is gone
                try {
                    await(leader.delete(current.key(), 0));
                    await(leader.write(recreated));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
        };
        JerseyServer api = leaderApi(leader, cluster, Map.of(racing, functions()));
        await(leader.write(judgedAgainst));

        HttpResponse<String> stale = put(api, "/admin/v3/functions/leader/public/default/f",
                new String(MetadataCodec.toJson(judgedAgainst.update("{\"v\":1}", judgedAgainst.packageRef()))));
        assertEquals(409, stale.statusCode(), stale.body());
        assertTrue(MetadataCodec.reason(stale.body()).contains("changed while the request was being checked"),
                stale.body());
        assertEquals(Optional.of(recreated), leader.get(judgedAgainst.key()));
    }

    private static HttpResponse<String> put(JerseyServer server, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(server.uri(path))
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
