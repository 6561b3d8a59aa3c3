package dev.outrigger.auth.oidc.internal;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * OpenID providers on loopback, as a real one answers: {@code /<name>/.well-known/openid-configuration} with the
 * issuer and its {@code jwks_uri}, and {@code /<name>/jwks} with the public keys the test sets.
 */
final class IssuerServer implements AutoCloseable {

    /** One provider: what it serves and how often it was asked. */
    static final class Provider {
        final String issuer;
        volatile List<JWK> keys = List.of();
        /** What the discovery document says the issuer is; the provider's own URL unless a test lies. */
        volatile String claimedIssuer;
        final AtomicInteger discoveryRequests = new AtomicInteger();
        final AtomicInteger keyRequests = new AtomicInteger();
        /** Every key set request, for tests waiting on a background refresh. */
        final BlockingQueue<Integer> keyRequestLog = new LinkedBlockingQueue<>();

        Provider(String issuer) {
            this.issuer = issuer;
            this.claimedIssuer = issuer;
        }

        void serve(JWK... served) {
            keys = List.of(served);
        }
    }

    private final HttpServer server;
    private final Map<String, Provider> providers = new ConcurrentHashMap<>();
    private boolean closed;

    IssuerServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** @return a provider whose issuer is {@code http://127.0.0.1:<port>/<name>} */
    Provider provider(String name) {
        return providers.computeIfAbsent(name, n -> new Provider(base() + "/" + n));
    }

    String base() {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String[] parts = path.substring(1).split("/", 2);
            Provider provider = parts.length == 2 ? providers.get(parts[0]) : null;
            if (provider == null) {
                send(exchange, 404, "{}");
            } else if (parts[1].equals(".well-known/openid-configuration")) {
                provider.discoveryRequests.incrementAndGet();
                send(exchange, 200, "{\"issuer\":\"" + provider.claimedIssuer + "\",\"jwks_uri\":\""
                        + provider.issuer + "/jwks\",\"id_token_signing_alg_values_supported\":[\"RS256\"]}");
            } else if (parts[1].equals("jwks")) {
                int count = provider.keyRequests.incrementAndGet();
                send(exchange, 200, new JWKSet(provider.keys).toString(true));
                provider.keyRequestLog.add(count);
            } else {
                send(exchange, 404, "{}");
            }
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            server.stop(0);
        }
    }
}
