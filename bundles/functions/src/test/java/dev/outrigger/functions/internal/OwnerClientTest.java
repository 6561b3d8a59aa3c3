package dev.outrigger.functions.internal;

import dev.outrigger.topics.PlainWorkerChannel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.outrigger.api.cluster.ClusterService;
import dev.outrigger.api.cluster.ClusterUnavailableException;
import dev.outrigger.api.cluster.WorkerInfo;
import dev.outrigger.api.functions.FunctionServiceException;
import dev.outrigger.api.metadata.FunctionKey;
import dev.outrigger.api.scheduler.InstanceId;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pulsar.common.policies.data.FunctionStatus.FunctionInstanceStatus.FunctionInstanceStatusData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The owner's side is a real HTTP server answering as another worker's admin API; the calls go through a channel. */
class OwnerClientTest {

    private static final InstanceId INSTANCE = new InstanceId(FunctionKey.parse("t/n/my fn"), 1);

    private final ClusterService cluster = mock(ClusterService.class);
    /** What the owner answers, by method and raw path: status and body. */
    private final Map<String, Map.Entry<Integer, String>> answers = new ConcurrentHashMap<>();
    private final List<String> received = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private OwnerClient owners;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
        WorkerInfo owner = new WorkerInfo("w2", "127.0.0.1", server.getAddress().getPort());
        when(cluster.members()).thenReturn(List.of(new WorkerInfo("w1", "127.0.0.1", 1), owner));
        PlainWorkerChannel channel = new PlainWorkerChannel();
        owners = new OwnerClient(Functions.JSON, () -> channel);
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            String request = exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath() + " "
                    + exchange.getRequestHeaders().getFirst("Content-Type");
            received.add(request);
            Map.Entry<Integer, String> answer = answers.getOrDefault(exchange.getRequestMethod() + " "
                    + exchange.getRequestURI().getRawPath(), Map.entry(404, "{\"reason\":\"not found\"}"));
            byte[] body = answer.getValue().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.getKey(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                exchange.getResponseBody().write(body);
            }
        }
    }

    @Test
    void statusComesFromTheOwnerAtPulsarsPath() {
        answers.put("GET /admin/v3/functions/t/n/my%20fn/1/status",
                Map.entry(200, "{\"running\":true,\"numRestarts\":2,\"unknown\":1}"));
        FunctionInstanceStatusData status = owners.fetch(cluster, "w2", INSTANCE);

        assertTrue(status.isRunning());
        assertEquals(2, status.getNumRestarts());
        assertEquals("w2", status.getWorkerId());
        assertEquals(List.of("GET /admin/v3/functions/t/n/my%20fn/1/status null"), received);
    }

    @Test
    void statusTellsWhyTheOwnerCouldNotBeAsked() throws Exception {
        answers.put("GET /admin/v3/functions/t/n/my%20fn/1/status", Map.entry(500, "{\"reason\":\"broken\"}"));
        FunctionInstanceStatusData failed = owners.fetch(cluster, "w2", INSTANCE);
        assertFalse(failed.isRunning());
        assertEquals("w2", failed.getWorkerId());
        assertEquals("Worker w2 answered 500: {\"reason\":\"broken\"}", failed.getError());

        assertEquals("Worker w3 is not in the cluster", owners.fetch(cluster, "w3", INSTANCE).getError());

        FunctionInstanceStatusData noChannel = new OwnerClient(Functions.JSON, () -> null).fetch(cluster, "w2",
                INSTANCE);
        assertEquals("Cannot reach worker w2: " + OwnerClient.NO_CHANNEL, noChannel.getError());
        assertEquals("w2", noChannel.getWorkerId());

        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        when(cluster.members()).thenReturn(List.of(new WorkerInfo("w2", "127.0.0.1", closedPort)));
        assertTrue(owners.fetch(cluster, "w2", INSTANCE).getError().startsWith("Cannot reach worker w2: "));

        when(cluster.members()).thenThrow(new ClusterUnavailableException("broker down", null));
        assertEquals("broker down", owners.fetch(cluster, "w2", INSTANCE).getError());
    }

    /** Issue 11 finding 8: figures the owner could not give are a failure, not zeros that look like an idle function. */
    @Test
    void statsComeFromTheOwnerOrTheRequestFails() {
        answers.put("GET /admin/v3/functions/t/n/my%20fn/1/stats", Map.entry(200, "{\"receivedTotal\":7}"));
        assertEquals(7, owners.fetchStats(cluster, "w2", INSTANCE).getReceivedTotal());

        answers.put("GET /admin/v3/functions/t/n/my%20fn/1/stats", Map.entry(503, "{\"reason\":\"not yet\"}"));
        FunctionServiceException refused = assertThrows(FunctionServiceException.class,
                () -> owners.fetchStats(cluster, "w2", INSTANCE));
        assertEquals(FunctionServiceException.Kind.UNAVAILABLE, refused.kind());
        assertTrue(refused.getMessage().startsWith("Cannot get the stats of instance 1 from worker w2: it answered 503"),
                refused.getMessage());
        assertTrue(assertThrows(FunctionServiceException.class, () -> owners.fetchStats(cluster, "w3", INSTANCE))
                .getMessage().contains("not in the cluster"));
        assertTrue(assertThrows(FunctionServiceException.class, () -> new OwnerClient(Functions.JSON, () -> null)
                .fetchStats(cluster, "w2", INSTANCE)).getMessage().contains(OwnerClient.NO_CHANNEL));
    }

    @Test
    void restartIsPostedToTheOwner() {
        answers.put("POST /admin/v3/functions/t/n/my%20fn/1/restart", Map.entry(204, ""));
        owners.restart(cluster, "w2", INSTANCE);
        assertEquals(List.of("POST /admin/v3/functions/t/n/my%20fn/1/restart application/json"), received);

        answers.put("POST /admin/v3/functions/t/n/my%20fn/1/restart", Map.entry(500, "{\"reason\":\"no\"}"));
        FunctionServiceException refused = assertThrows(FunctionServiceException.class,
                () -> owners.restart(cluster, "w2", INSTANCE));
        assertEquals(FunctionServiceException.Kind.UNAVAILABLE, refused.kind());
        assertEquals("Worker w2 could not restart " + INSTANCE + ": {\"reason\":\"no\"}", refused.getMessage());

        FunctionServiceException absent = assertThrows(FunctionServiceException.class,
                () -> owners.restart(cluster, "w3", INSTANCE));
        assertEquals(FunctionServiceException.Kind.UNAVAILABLE, absent.kind());

        FunctionServiceException noChannel = assertThrows(FunctionServiceException.class,
                () -> new OwnerClient(Functions.JSON, () -> null).restart(cluster, "w2", INSTANCE));
        assertEquals(FunctionServiceException.Kind.UNAVAILABLE, noChannel.kind());
        assertEquals("Cannot reach worker w2: " + OwnerClient.NO_CHANNEL, noChannel.getMessage());
    }
}
