package dev.outrigger.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.outrigger.devcluster.LocalPulsarCluster;
import dev.outrigger.devcluster.SharedPulsarCluster;
import dev.outrigger.devcluster.WorkerConfig;
import dev.outrigger.devcluster.WorkerProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.client.api.AuthenticationFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * OpenID Connect next to Pulsar's token authentication, as a Pulsar operator configures both: an identity provider
 * this test serves on loopback (discovery document and JWKS), a worker of the token-secured cluster with both
 * providers, and the real PulsarAdmin presenting the identity provider's JWT exactly as it presents a Pulsar token.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenIdSecureIT {

    private static final String OIDC_PROVIDER = "org.apache.pulsar.broker.authentication.oidc.AuthenticationProviderOpenID";
    private static final String AUDIENCE = "outrigger-admin-api";
    private static final String OIDC_ROLE = "oidc-operator";

    private final IdentityProvider idp = new IdentityProvider();
    private LocalPulsarCluster pulsar;
    private WorkerConfig config;
    private WorkerProcess worker;
    private final List<String> secrets = new CopyOnWriteArrayList<>();

    @BeforeAll
    void start() throws Exception {
        pulsar = SharedPulsarCluster.get();
        assertTrue(pulsar.isSecure(), "the *SecureIT tests run against the token-secured cluster");
        idp.start();
        config = WorkerConfig.secureForCluster(pulsar, "oidc-1",
                        "public/oidc-" + UUID.randomUUID().toString().substring(0, 8))
                .set("authenticationProviders", List.of(LocalPulsarCluster.TOKEN_AUTH_PROVIDER, OIDC_PROVIDER))
                .set("superUserRoles", List.of(LocalPulsarCluster.ADMIN_ROLE, LocalPulsarCluster.WORKER_ROLE,
                        OIDC_ROLE))
                .property("openIDAllowedTokenIssuers", idp.issuer("trusted"))
                .property("openIDAllowedAudiences", AUDIENCE)
                // the test's provider speaks plain http on loopback; Pulsar's default refuses that, as does ours
                .property("openIDRequireIssuersUseHttps", false);
        worker = Workers.start("oidc-1", config);
        Workers.awaitReady(worker, config, pulsar.adminToken());
    }

    @AfterAll
    void stop() {
        if (worker != null) {
            worker.close();
        }
        idp.close();
    }

    @Test
    void pulsarAdminWithTheIdentityProvidersTokenListsTheCluster() throws Exception {
        String token = idp.token("trusted", OIDC_ROLE, AUDIENCE);
        secrets.add(token);
        // a plain Bearer request: the worker tries each provider, the token provider first
        HttpResponse<String> plain = get("/admin/v2/worker/cluster", token);
        assertEquals(200, plain.statusCode(), plain::body);
        assertTrue(idp.keyRequests("trusted") >= 1, "the worker fetched the issuer's keys");
        // Pulsar's own tokens keep working next to it
        try (PulsarAdmin admin = admin(pulsar.adminToken())) {
            assertEquals(1, admin.worker().getCluster().size());
        }
        // PulsarAdmin names the method (X-Pulsar-Auth-Method-Name: token), which both providers share, as in Pulsar
        try (PulsarAdmin admin = admin(token)) {
            assertEquals(1, admin.worker().getCluster().size());
        }
    }

    @Test
    void aTokenFromAnUntrustedIssuerGets401() throws Exception {
        String untrusted = idp.token("untrusted", OIDC_ROLE, AUDIENCE);
        secrets.add(untrusted);
        try (PulsarAdmin admin = admin(untrusted)) {
            PulsarAdminException refused = assertThrows(PulsarAdminException.class,
                    () -> admin.worker().getCluster());
            assertEquals(401, refused.getStatusCode());
        }
        assertEquals(401, get("/admin/v2/worker/cluster", untrusted).statusCode());
        assertEquals(0, idp.discoveryRequests("untrusted"), "an issuer not allowed is never asked");
        // the trusted issuer's token for another audience is refused too
        String otherAudience = idp.token("trusted", OIDC_ROLE, "another-service");
        secrets.add(otherAudience);
        assertEquals(401, get("/admin/v2/worker/cluster", otherAudience).statusCode());
    }

    @Test
    void noTokenReachesTheLog() throws Exception {
        String accepted = idp.token("trusted", OIDC_ROLE, AUDIENCE);
        String refused = idp.token("untrusted", OIDC_ROLE, AUDIENCE);
        secrets.addAll(List.of(accepted, refused));
        assertEquals(200, get("/admin/v2/worker/cluster", accepted).statusCode());
        assertEquals(401, get("/admin/v2/worker/cluster", refused).statusCode());
        String log = worker.log();
        for (String secret : List.copyOf(secrets)) {
            assertFalse(log.contains(secret.substring(0, 40)), "a token is in the worker's log");
            assertFalse(log.contains(secret.substring(secret.lastIndexOf('.') + 1)), "a signature is in the log");
        }
    }

    private PulsarAdmin admin(String token) throws Exception {
        return PulsarAdmin.builder().serviceHttpUrl(config.adminUrl())
                .authentication(AuthenticationFactory.token(token)).build();
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(config.adminUrl() + path))
                .header("Authorization", "Bearer " + token).build();
        return Workers.HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /**
     * OpenID providers on loopback, one per path ({@code /<name>}), each with its own RSA key: the discovery
     * document names the issuer and its {@code jwks_uri}; tokens are RS256 JWTs with Pulsar's required claims. Only
     * the JDK, so the test proves nothing by sharing the worker's JOSE library.
     */
    private static final class IdentityProvider {
        private final Map<String, KeyPair> keys = new ConcurrentHashMap<>();
        private final Map<String, AtomicInteger> discoveries = new ConcurrentHashMap<>();
        private final Map<String, AtomicInteger> keySets = new ConcurrentHashMap<>();
        private HttpServer server;

        void start() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", this::handle);
            server.start();
        }

        String issuer(String name) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + name;
        }

        int discoveryRequests(String name) {
            return discoveries.computeIfAbsent(name, n -> new AtomicInteger()).get();
        }

        int keyRequests(String name) {
            return keySets.computeIfAbsent(name, n -> new AtomicInteger()).get();
        }

        String token(String name, String subject, String audience) throws GeneralSecurityException {
            Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
            long now = Instant.now().getEpochSecond();
            String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + name + "-key\"}";
            String claims = "{\"iss\":\"" + issuer(name) + "\",\"sub\":\"" + subject + "\",\"aud\":\"" + audience
                    + "\",\"iat\":" + (now - 10) + ",\"nbf\":" + (now - 10) + ",\"exp\":" + (now + 600) + "}";
            String signed = url.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                    + url.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key(name).getPrivate());
            signature.update(signed.getBytes(StandardCharsets.US_ASCII));
            return signed + "." + url.encodeToString(signature.sign());
        }

        private KeyPair key(String name) {
            return keys.computeIfAbsent(name, n -> {
                try {
                    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                    generator.initialize(2048);
                    return generator.generateKeyPair();
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException(e);
                }
            });
        }

        private void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                String[] parts = exchange.getRequestURI().getPath().substring(1).split("/", 2);
                String name = parts[0];
                if (parts.length == 2 && parts[1].equals(".well-known/openid-configuration")) {
                    discoveries.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
                    send(exchange, "{\"issuer\":\"" + issuer(name) + "\",\"jwks_uri\":\"" + issuer(name)
                            + "/jwks\",\"id_token_signing_alg_values_supported\":[\"RS256\"]}");
                } else if (parts.length == 2 && parts[1].equals("jwks")) {
                    keySets.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
                    RSAPublicKey key = (RSAPublicKey) key(name).getPublic();
                    send(exchange, "{\"keys\":[{\"kty\":\"RSA\",\"use\":\"sig\",\"alg\":\"RS256\",\"kid\":\"" + name
                            + "-key\",\"n\":\"" + unsigned(key.getModulus()) + "\",\"e\":\""
                            + unsigned(key.getPublicExponent()) + "\"}]}");
                } else {
                    exchange.sendResponseHeaders(404, -1);
                }
            }
        }

        /** RFC 7518 section 6.3.1: the big-endian magnitude without a sign byte, base64url. */
        private static String unsigned(BigInteger value) {
            byte[] bytes = value.toByteArray();
            if (bytes.length > 1 && bytes[0] == 0) {
                bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
            }
            return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        }

        private static void send(HttpExchange exchange, String body) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }

        void close() {
            if (server != null) {
                server.stop(0);
            }
        }
    }
}
