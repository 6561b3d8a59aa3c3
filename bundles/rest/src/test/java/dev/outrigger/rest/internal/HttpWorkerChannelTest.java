package dev.outrigger.rest.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.outrigger.api.cluster.WorkerInfo;
import dev.outrigger.api.cluster.WorkerRequest;
import dev.outrigger.api.cluster.WorkerResponse;
import dev.outrigger.api.security.WorkerCredentials;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The channel against a real HTTP server standing in for another worker's admin API. */
class HttpWorkerChannelTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String SECRET = "Bearer not-to-be-seen";

    private HttpServer server;
    private WorkerInfo worker;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile String answer = "{\"ok\":true}";
    private volatile String location;

    /** What the server was sent. */
    private record Received(String method, String rawPath, String rawQuery, Map<String, List<String>> headers,
            byte[] body) {
        String header(String name) {
            List<String> values = headers.entrySet().stream()
                    .filter(entry -> entry.getKey().equalsIgnoreCase(name))
                    .map(Map.Entry::getValue).findFirst().orElse(null);
            return values == null ? null : String.join(",", values);
        }
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
        worker = new WorkerInfo("other", "127.0.0.1", server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery(), Map.copyOf(exchange.getRequestHeaders()), body));
            if (location != null) {
                exchange.getResponseHeaders().add("Location", location);
            }
            byte[] out = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                exchange.getResponseBody().write(out);
            }
        }
    }

    @Test
    void pathAndQueryAreQuotedAndNothingElseIsSent() throws Exception {
        WorkerResponse response = new HttpWorkerChannel((WorkerCredentials) null).send(worker, new WorkerRequest("GET",
                "/admin/v3/functions/t/n/my fn%/0/status", "delete=true&version=4&note=a b", null, null, TIMEOUT));

        assertEquals(new WorkerResponse(200, "{\"ok\":true}"), response);
        Received request = received.get(0);
        assertEquals("GET", request.method());
        assertEquals("/admin/v3/functions/t/n/my%20fn%25/0/status", request.rawPath());
        assertEquals("delete=true&version=4&note=a%20b", request.rawQuery());
        assertEquals(0, request.body().length);
        assertNull(request.header("Content-Type"));
        assertNull(request.header("Authorization"), "no credentials service, no credentials");
        assertEquals("application/json", request.header("Accept"));
    }

    // issue 11 finding 7: the one-hop rule; the owner answers a marked request for itself and never forwards it
    @Test
    void everyRequestIsMarkedAsForwardedByAWorker() throws Exception {
        new HttpWorkerChannel((WorkerCredentials) null).send(worker,
                WorkerRequest.get("/admin/v3/functions/t/n/f/0/status", TIMEOUT));

        assertEquals("true", received.get(0).header("X-Outrigger-Forwarded"));
    }

    @Test
    void bodyAndContentTypeGoAsGiven() throws Exception {
        byte[] json = "{\"name\":\"f\u00e9\"}".getBytes(StandardCharsets.UTF_8);
        status = 204;
        answer = "";
        WorkerResponse response = new HttpWorkerChannel((WorkerCredentials) null).send(worker, new WorkerRequest("PUT",
                "/admin/v3/functions/leader/t/n/f", null, json, "application/json", TIMEOUT));

        assertEquals(new WorkerResponse(204, ""), response);
        assertTrue(response.isSuccess());
        Received request = received.get(0);
        assertEquals("PUT", request.method());
        assertNull(request.rawQuery());
        assertArrayEquals(json, request.body());
        assertEquals("application/json", request.header("Content-Type"));
    }

    @Test
    void aContentTypeWithoutBodyIsSentToo() throws Exception {
        new HttpWorkerChannel((WorkerCredentials) null).send(worker, new WorkerRequest("POST", "/admin/v3/functions/t/n/f/0/restart",
                null, null, "application/json", TIMEOUT));

        Received request = received.get(0);
        assertEquals("POST", request.method());
        assertEquals(0, request.body().length);
        assertEquals("application/json", request.header("Content-Type"));
    }

    @Test
    void everyRequestCarriesTheWorkersCredentials() throws Exception {
        List<String> hosts = new CopyOnWriteArrayList<>();
        WorkerCredentials credentials = host -> {
            hosts.add(host);
            return Map.of("Authorization", SECRET, "X-Pulsar-Auth-Method-Name", "token");
        };
        HttpWorkerChannel channel = new HttpWorkerChannel(credentials);
        channel.send(worker, WorkerRequest.get("/admin/v3/functions/t/n/f/0/stats", TIMEOUT));
        channel.send(worker, new WorkerRequest("PUT", "/admin/v3/functions/leader/t/n/f", "delete=true&version=0",
                null, "application/json", TIMEOUT));

        assertEquals(2, received.size());
        for (Received request : received) {
            assertEquals(SECRET, request.header("Authorization"));
            assertEquals("token", request.header("X-Pulsar-Auth-Method-Name"));
        }
        assertEquals(List.of("127.0.0.1", "127.0.0.1"), hosts, "asked for the host called, once per request");
    }

    @Test
    void errorStatusesAndTheirBodiesAreReturnedAsIs() throws Exception {
        HttpWorkerChannel channel = new HttpWorkerChannel((WorkerCredentials) null);
        for (int code : new int[] {400, 401, 409, 500, 503}) {
            status = code;
            answer = "{\"reason\":\"answered " + code + "\"}";
            WorkerResponse response = channel.send(worker, WorkerRequest.get("/admin/v3/functions/t/n/f", TIMEOUT));
            assertEquals(new WorkerResponse(code, answer), response);
            assertFalse(response.isSuccess());
        }
    }

    @Test
    void redirectsAreNotFollowed() throws Exception {
        status = 307;
        answer = "";
        location = "http://127.0.0.1:" + server.getAddress().getPort() + "/elsewhere";
        WorkerResponse response = new HttpWorkerChannel(host -> Map.of("Authorization", SECRET))
                .send(worker, WorkerRequest.get("/admin/v3/functions/t/n/f", TIMEOUT));

        assertEquals(307, response.status());
        assertEquals(1, received.size(), "the credentials went to the worker asked, nowhere else");
    }

    @Test
    void anUnreachableWorkerIsAnIOException() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        WorkerInfo gone = new WorkerInfo("gone", "127.0.0.1", closedPort);
        assertThrows(IOException.class, () -> new HttpWorkerChannel((WorkerCredentials) null)
                .send(gone, WorkerRequest.get("/admin/v3/functions/t/n/f", TIMEOUT)));
    }

    @Test
    void credentialsThatFailAreAnIOExceptionWithoutTheirValues() {
        WorkerCredentials broken = host -> {
            throw new IllegalStateException("The broker client authentication token gave no HTTP credentials");
        };
        IOException failure = assertThrows(IOException.class, () -> new HttpWorkerChannel(broken)
                .send(worker, WorkerRequest.get("/admin/v3/functions/t/n/f", TIMEOUT)));
        assertTrue(failure.getMessage().contains("gave no HTTP credentials"), failure.getMessage());
        assertTrue(received.isEmpty(), "nothing was sent");

        WorkerCredentials refused = host -> Map.of("Host", SECRET);
        IOException restricted = assertThrows(IOException.class, () -> new HttpWorkerChannel(refused)
                .send(worker, WorkerRequest.get("/admin/v3/functions/t/n/f", TIMEOUT)));
        assertFalse(restricted.getMessage().contains(SECRET), restricted.getMessage());
        assertTrue(received.isEmpty(), "nothing was sent");
    }

    @Test
    void aHostThatMakesNoAddressIsRefused() {
        WorkerInfo invalid = new WorkerInfo("bad", "not a host", 6750);
        assertThrows(IllegalArgumentException.class, () -> new HttpWorkerChannel((WorkerCredentials) null)
                .send(invalid, WorkerRequest.get("/admin/v3/functions/t/n/f", TIMEOUT)));
    }
}
