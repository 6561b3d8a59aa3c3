package dev.outrigger.devcluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end against a real broker with token authentication and authorization on: what the security tests of the
 * worker rely on. Starts its own cluster (the shared one of this JVM is the open one).
 *
 * <p>Pulsar 4.0.8 answers 401 both when authentication fails (Jetty's HTML page "Authentication required", from its
 * AuthenticationFilter) and when an authenticated role is not authorized (JSON {@code reason} naming the role as
 * {@code clientAppId [role]}); the body tells them apart.
 */
class LocalPulsarClusterSecureTest {

    private static final String NOT_AUTHENTICATED = "Authentication required";

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static LocalPulsarCluster cluster;

    @TempDir
    Path dir;

    @BeforeAll
    static void startCluster() {
        Path dir = Path.of(System.getProperty(SharedPulsarCluster.DIR_PROPERTY, "target"))
                .resolve("pulsar-cluster-secure-test-" + ProcessHandle.current().pid());
        cluster = LocalPulsarCluster.start(dir, LocalPulsarCluster.Security.TOKEN);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void refusesARequestWithoutAToken() throws Exception {
        HttpResponse<String> response = get("/admin/v2/tenants", null);

        assertNotAuthenticated(response);
    }

    @Test
    void acceptsTheAdminToken() throws Exception {
        HttpResponse<String> response = get("/admin/v2/tenants", cluster.adminToken());

        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.body().contains("\"public\""), response.body());
        assertTrue(cluster.isSecure());
        assertEquals(LocalPulsarCluster.Security.TOKEN, cluster.security());
    }

    @Test
    void theWorkerRoleIsASuperuserToo() throws Exception {
        HttpResponse<String> response = get("/admin/v2/tenants", cluster.token(LocalPulsarCluster.WORKER_ROLE));

        assertEquals(200, response.statusCode(), response.body());
    }

    @Test
    void refusesATokenSignedWithAnotherKey() throws Exception {
        Path otherKey = dir.resolve("other.key");
        PulsarTokens.createSecretKey(dir, otherKey);
        String forged = PulsarTokens.createToken(dir, otherKey, LocalPulsarCluster.ADMIN_ROLE, null);

        HttpResponse<String> response = get("/admin/v2/tenants", forged);

        assertNotAuthenticated(response);
    }

    @Test
    void anotherRoleAuthenticatesButIsNoSuperuser() throws Exception {
        String tenant = "t-" + System.nanoTime();
        String alice = cluster.token("alice");
        assertSame(alice, cluster.token("alice"), "tokens are made once per role");
        HttpResponse<String> created = send(HttpRequest.newBuilder(uri("/admin/v2/tenants/" + tenant))
                .PUT(HttpRequest.BodyPublishers.ofString(
                        "{\"adminRoles\":[\"alice\"],\"allowedClusters\":[\"standalone\"]}"))
                .header("Content-Type", "application/json"), cluster.adminToken());
        assertEquals(204, created.statusCode(), created.body());

        // Authenticated as alice: admin of her tenant...
        HttpResponse<String> own = get("/admin/v2/namespaces/" + tenant, alice);
        assertEquals(200, own.statusCode(), own.body());
        assertEquals("[]", own.body());
        // ...but no superuser; and bob, authenticated too, is not her tenant's admin.
        HttpResponse<String> tenants = get("/admin/v2/tenants", alice);
        assertEquals(401, tenants.statusCode(), tenants.body());
        assertEquals("{\"reason\":\"Unauthorized to validateBothTenantOperationAndSuperUser for originalPrincipal"
                + " [null] and clientAppId [alice] about operation [LIST_TENANTS] \"}", tenants.body());
        HttpResponse<String> bobs = get("/admin/v2/namespaces/" + tenant, cluster.token("bob"));
        assertEquals(401, bobs.statusCode(), bobs.body());
        assertEquals("{\"reason\":\"Unauthorized to validateTenantOperation for originalPrincipal [null] and"
                + " clientAppId [bob] about operation [LIST_NAMESPACES] on tenant [" + tenant + "]\"}", bobs.body());
    }

    @Test
    void anExpiringTokenStopsWorking() throws Exception {
        String tenant = "t-" + System.nanoTime();
        HttpResponse<String> created = send(HttpRequest.newBuilder(uri("/admin/v2/tenants/" + tenant))
                .PUT(HttpRequest.BodyPublishers.ofString(
                        "{\"adminRoles\":[\"carol\"],\"allowedClusters\":[\"standalone\"]}"))
                .header("Content-Type", "application/json"), cluster.adminToken());
        assertEquals(204, created.statusCode(), created.body());
        String expiring = cluster.token("carol", Duration.ofSeconds(1));
        assertNotEquals(cluster.token("carol"), expiring);

        // The same role's lasting token still works: the refusal is the expiry, not the role.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> get("/admin/v2/namespaces/" + tenant, expiring).statusCode() == 401);
        assertNotAuthenticated(get("/admin/v2/namespaces/" + tenant, expiring));
        HttpResponse<String> lasting = get("/admin/v2/namespaces/" + tenant, cluster.token("carol"));
        assertEquals(200, lasting.statusCode(), lasting.body());
    }

    @Test
    void pulsarAdminCliAuthenticatesWithAToken() {
        PulsarAdminCli.Result withToken = PulsarAdminCli.run(cluster.workDir(), cluster.webServiceUrl(),
                PulsarAdminCli.Auth.token(cluster.adminToken()), "tenants", "list");
        assertEquals(0, withToken.exitCode(), withToken::toString);
        assertTrue(withToken.stdout().lines().anyMatch("public"::equals), withToken::toString);

        PulsarAdminCli.Result without = PulsarAdminCli.run(cluster.workDir(), cluster.webServiceUrl(),
                "tenants", "list");
        assertNotEquals(0, without.exitCode(), without::toString);
        assertTrue(without.stderr().contains("401"), without::toString);
    }

    @Test
    void secretsAreOwnerOnlyAndTheWorkerConfigUsesThem() throws Exception {
        for (Path file : List.of(cluster.secretKeyFile(), cluster.workDir().resolve("conf/standalone.conf"))) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)),
                    file::toString);
        }
        WorkerConfig config = WorkerConfig.secureForCluster(cluster, "w1", "public/functions");
        assertEquals("token:" + cluster.token(LocalPulsarCluster.WORKER_ROLE),
                config.get("brokerClientAuthenticationParameters"));
        assertTrue(config.yaml().contains("properties: {tokenSecretKey: \"" + cluster.secretKeyUrl() + "\"}"),
                config.yaml());
        assertThrows(IllegalArgumentException.class, () -> cluster.token("alice", Duration.ofSeconds(-1)));
    }

    private static void assertNotAuthenticated(HttpResponse<String> response) {
        assertEquals(401, response.statusCode(), response.body());
        assertTrue(response.body().contains(NOT_AUTHENTICATED), response.body());
    }

    private static HttpResponse<String> get(String path, String token) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).GET(), token);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request, String token) throws Exception {
        request.timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(String path) {
        return URI.create(cluster.webServiceUrl() + path);
    }
}
