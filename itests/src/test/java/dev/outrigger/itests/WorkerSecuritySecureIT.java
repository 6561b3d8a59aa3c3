package dev.outrigger.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.devcluster.LocalPulsarCluster;
import dev.outrigger.devcluster.PulsarAdminCli;
import dev.outrigger.devcluster.SharedPulsarCluster;
import dev.outrigger.devcluster.WorkerConfig;
import dev.outrigger.devcluster.WorkerProcess;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.commons.codec.digest.Md5Crypt;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.client.api.AuthenticationFactory;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.apache.pulsar.common.policies.data.AuthAction;
import org.apache.pulsar.common.policies.data.TenantInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two workers secured as a Pulsar operator secures theirs, against a broker with token authentication and
 * authorization: Pulsar's own tokens (TokensCliUtils), the real PulsarAdmin and pulsar-admin, Pulsar's statuses and
 * reasons for every refusal, and nothing changed by a refused request.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkerSecuritySecureIT {

    private static final String NOT_AUTHORIZED = "{\"reason\":\"Client is not authorized to perform operation\"}";
    private static final String AUTHENTICATION_REQUIRED = "{\"reason\":\"Authentication required\"}";

    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final String tenant = "sec-" + suffix;
    private final String namespace = "ns";
    private final String otherTenant = "other-" + suffix;
    private final List<String> bodies = new ArrayList<>();

    private LocalPulsarCluster pulsar;
    private WorkerConfig leaderConfig;
    private WorkerConfig followerConfig;
    private WorkerProcess leader;
    private WorkerProcess follower;
    private Path examplesJar;

    @BeforeAll
    void startSecuredWorkers() throws Exception {
        pulsar = SharedPulsarCluster.get();
        assertTrue(pulsar.isSecure(), "the *SecureIT tests run against the token-secured cluster");
        examplesJar = TestClasspath.jar("/org/apache/pulsar/pulsar-functions-api-examples/");
        try (PulsarAdmin broker = brokerAdmin()) {
            broker.tenants().createTenant(tenant, TenantInfo.builder().adminRoles(Set.of("tenant-admin"))
                    .allowedClusters(Set.of(pulsar.clusterName())).build());
            broker.namespaces().createNamespace(tenant + "/" + namespace);
            broker.namespaces().grantPermissionOnNamespace(tenant + "/" + namespace, "fn-user",
                    EnumSet.of(AuthAction.functions));
            broker.tenants().createTenant(otherTenant, TenantInfo.builder().adminRoles(Set.of("other-admin"))
                    .allowedClusters(Set.of(pulsar.clusterName())).build());
        }
        String workers = "public/secure-" + suffix;
        leaderConfig = secured(WorkerConfig.secureForCluster(pulsar, "secure-1", workers));
        leader = Workers.start("secure-1", leaderConfig);
        Workers.awaitReady(leader, leaderConfig, pulsar.adminToken());
        followerConfig = secured(WorkerConfig.secureForCluster(pulsar, "secure-2", workers));
        follower = Workers.start("secure-2", followerConfig);
        Workers.awaitReady(follower, followerConfig, pulsar.adminToken());
    }

    /**
     * A proxy role on top of the cluster's superusers (the proxy is a superuser as Pulsar operators set it up), and
     * Pulsar's basic authentication beside tokens, with an htpasswd line ({@code $apr1$}) for a superuser.
     */
    private static WorkerConfig secured(WorkerConfig config) {
        String users = "basic-admin:" + Md5Crypt.apr1Crypt(BASIC_PASSWORD, "s4ltS4lt") + "\n";
        return config.set("superUserRoles", List.of(LocalPulsarCluster.ADMIN_ROLE, LocalPulsarCluster.WORKER_ROLE,
                        "proxy", "basic-admin"))
                .set("proxyRoles", List.of("proxy"))
                .set("authenticationProviders", List.of(LocalPulsarCluster.TOKEN_AUTH_PROVIDER,
                        "org.apache.pulsar.broker.authentication.AuthenticationProviderBasic"))
                .property("basicAuthConf", "data:;base64," + Base64.getEncoder().encodeToString(
                        users.getBytes(StandardCharsets.UTF_8)));
    }

    private static final String BASIC_PASSWORD = "open sesame";

    @AfterAll
    void stop() {
        if (follower != null) {
            follower.close();
        }
        if (leader != null) {
            leader.close();
        }
    }

    private PulsarAdmin brokerAdmin() throws Exception {
        return PulsarAdmin.builder().serviceHttpUrl(pulsar.webServiceUrl())
                .authentication(AuthenticationFactory.token(pulsar.adminToken())).build();
    }

    private PulsarAdmin workerAdmin(WorkerConfig config, String role) throws Exception {
        return PulsarAdmin.builder().serviceHttpUrl(config.adminUrl())
                .authentication(AuthenticationFactory.token(pulsar.token(role))).build();
    }

    private HttpResponse<String> call(String method, String path, String token, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(leaderConfig.adminUrl() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> response = Workers.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        bodies.add(response.body());
        return response;
    }

    private void assertRefused(int status, String body, HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), response::body);
        assertEquals(body, response.body());
    }

    private String functionsPath() {
        return "/admin/v3/functions/" + tenant + "/" + namespace;
    }

    @Test
    void theWorkersAuthenticateToTheBrokerAndServeItsTokens() throws Exception {
        // the broker lets no anonymous client in, so the workers' joining proves their own tokens work
        HttpResponse<String> anonymous = Workers.get(pulsar.webServiceUrl() + "/admin/v2/tenants");
        assertEquals(401, anonymous.statusCode());
        try (PulsarAdmin admin = workerAdmin(followerConfig, LocalPulsarCluster.ADMIN_ROLE)) {
            assertEquals(2, admin.worker().getCluster().size());
            assertNotNull(admin.worker().getClusterLeader());
        }
    }

    @Test
    void basicAuthenticationWorksBesideTokensAsWithPulsar() throws Exception {
        try (PulsarAdmin admin = PulsarAdmin.builder().serviceHttpUrl(leaderConfig.adminUrl())
                .authentication(AuthenticationFactory.create("org.apache.pulsar.client.impl.auth.AuthenticationBasic",
                        "{\"userId\":\"basic-admin\",\"password\":\"" + BASIC_PASSWORD + "\"}")).build()) {
            assertEquals(2, admin.worker().getCluster().size());
        }
        String wrong = Base64.getEncoder().encodeToString("basic-admin:not it".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> refused = Workers.HTTP.send(HttpRequest.newBuilder(URI.create(leaderConfig.adminUrl()
                + "/admin/v2/worker/cluster")).header("Authorization", "Basic " + wrong).build(),
                HttpResponse.BodyHandlers.ofString());
        bodies.add(refused.body());
        assertRefused(401, AUTHENTICATION_REQUIRED, refused);
        assertTrue(leader.log().lines().noneMatch(line -> line.contains(BASIC_PASSWORD)), "the password is logged");
    }

    @Test
    void pulsarAdminWithTheTokenPluginReachesTheWorker() {
        PulsarAdminCli.Result result = PulsarAdminCli.run(Workers.workDir("secure-cli"), leaderConfig.adminUrl(),
                PulsarAdminCli.Auth.token(pulsar.adminToken()), "functions-worker", "get-cluster");
        assertEquals(0, result.exitCode(), result::toString);
        assertTrue(result.stdout().contains("secure-1") && result.stdout().contains("secure-2"), result::toString);

        PulsarAdminCli.Result anonymous = PulsarAdminCli.run(Workers.workDir("secure-cli"), leaderConfig.adminUrl(),
                "functions-worker", "get-cluster");
        assertTrue(anonymous.exitCode() != 0, anonymous::toString);
    }

    @Test
    void requestsWithoutValidCredentialsGetPulsarsAuthenticationRequired() throws Exception {
        assertRefused(401, AUTHENTICATION_REQUIRED, call("GET", functionsPath(), null));
        assertRefused(401, AUTHENTICATION_REQUIRED, call("GET", functionsPath(), "not-a-jwt"));
        assertRefused(401, AUTHENTICATION_REQUIRED, call("GET", functionsPath(), signedWithAnotherKey("fn-user")));
        assertRefused(401, AUTHENTICATION_REQUIRED, call("GET", "/admin/v2/worker/cluster", null));
        assertRefused(401, AUTHENTICATION_REQUIRED, call("GET", "/metrics", null));
        assertRefused(401, AUTHENTICATION_REQUIRED, call("POST", functionsPath() + "/anonymous", null,
                "Content-Type", "multipart/form-data; boundary=x"));
        // a method no provider serves is refused, not let through
        assertRefused(401, AUTHENTICATION_REQUIRED, call("GET", functionsPath(), pulsar.token("fn-user"),
                "X-Pulsar-Auth-Method-Name", "tls"));

        String expiring = pulsar.token("fn-user", Duration.ofSeconds(1));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> call("GET", functionsPath(), expiring).statusCode() == 401);
        assertRefused(401, AUTHENTICATION_REQUIRED, call("GET", functionsPath(), expiring));

        try (PulsarAdmin admin = workerAdmin(leaderConfig, LocalPulsarCluster.ADMIN_ROLE)) {
            assertEquals(List.of(), admin.functions().getFunctions(tenant, namespace), "nothing was registered");
        }
    }

    @Test
    void rolesAreAuthorizedAsPulsarAuthorizesThem() throws Exception {
        for (String allowed : List.of("fn-user", "tenant-admin", LocalPulsarCluster.ADMIN_ROLE)) {
            HttpResponse<String> response = call("GET", functionsPath(), pulsar.token(allowed));
            assertEquals(200, response.statusCode(), () -> allowed + ": " + response.body());
        }
        for (String refused : List.of("stranger", "other-admin")) {
            assertRefused(401, NOT_AUTHORIZED, call("GET", functionsPath(), pulsar.token(refused)));
        }
        // the grant is for functions, not sinks
        assertRefused(401, NOT_AUTHORIZED, call("GET", "/admin/v3/sinks/" + tenant + "/" + namespace,
                pulsar.token("fn-user")));
        for (String path : List.of("/admin/v2/worker/cluster", "/admin/v2/worker/assignments", "/metrics",
                "/admin/worker/cluster/leader")) {
            assertRefused(401, NOT_AUTHORIZED, call("GET", path, pulsar.token("tenant-admin")));
        }
        assertEquals(200, call("GET", "/metrics", pulsar.adminToken()).statusCode());
    }

    @Test
    void aGrantedRoleManagesItsFunctionsThroughAnyWorkerAndOthersCannotTouchThem() throws Exception {
        FunctionConfig function = new FunctionConfig();
        function.setTenant(tenant);
        function.setNamespace(namespace);
        function.setName("guarded");
        function.setClassName(ExampleFunctions.EXCLAMATION);
        function.setInputs(List.of("persistent://" + tenant + "/" + namespace + "/guarded-in"));
        function.setOutput("persistent://" + tenant + "/" + namespace + "/guarded-out");
        function.setRuntime(FunctionConfig.Runtime.JAVA);

        try (PulsarAdmin stranger = workerAdmin(followerConfig, "stranger")) {
            PulsarAdminException refused = assertThrows(PulsarAdminException.class,
                    () -> stranger.functions().createFunction(function, examplesJar.toString()));
            assertEquals(401, refused.getStatusCode());
            assertEquals("Client is not authorized to perform operation", refused.getHttpError());
        }
        // both workers: one of them forwards the write to the leader with its own credentials
        for (WorkerConfig config : List.of(followerConfig, leaderConfig)) {
            String name = "guarded-" + config.get("workerId");
            function.setName(name);
            try (PulsarAdmin user = workerAdmin(config, "fn-user")) {
                user.functions().createFunction(function, examplesJar.toString());
                assertEquals(ExampleFunctions.EXCLAMATION, user.functions().getFunction(tenant, namespace, name)
                        .getClassName());
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> user.functions()
                        .getFunctionStatus(tenant, namespace, name).getNumRunning() == 1);
            }
            try (PulsarAdmin otherAdmin = workerAdmin(config, "other-admin")) {
                PulsarAdminException refused = assertThrows(PulsarAdminException.class,
                        () -> otherAdmin.functions().deleteFunction(tenant, namespace, name));
                assertEquals(401, refused.getStatusCode());
            }
            try (PulsarAdmin tenantAdmin = workerAdmin(config, "tenant-admin")) {
                assertTrue(tenantAdmin.functions().getFunctions(tenant, namespace).contains(name));
                tenantAdmin.functions().deleteFunction(tenant, namespace, name);
                assertFalse(tenantAdmin.functions().getFunctions(tenant, namespace).contains(name));
            }
        }
    }

    @Test
    void proxiesPassTheOriginalPrincipalAndBothRolesAreChecked() throws Exception {
        String proxy = pulsar.token("proxy");
        assertEquals(200, call("GET", functionsPath(), proxy, "X-Original-Principal", "fn-user").statusCode());
        assertRefused(401, NOT_AUTHORIZED, call("GET", functionsPath(), proxy, "X-Original-Principal", "stranger"));
        assertRefused(401, NOT_AUTHORIZED, call("GET", functionsPath(), proxy));
        assertRefused(401, NOT_AUTHORIZED, call("GET", "/admin/v2/worker/cluster", proxy,
                "X-Original-Principal", "fn-user"));
        // only a proxy role may speak for someone else
        assertRefused(401, NOT_AUTHORIZED, call("GET", "/admin/v2/worker/cluster", pulsar.token("fn-user"),
                "X-Original-Principal", LocalPulsarCluster.ADMIN_ROLE));
        assertRefused(401, NOT_AUTHORIZED, call("GET", functionsPath(), pulsar.token("stranger"),
                "X-Original-Principal", "fn-user"));
    }

    @Test
    void theLeadersInternalWriteTakesOnlyWorkers() throws Exception {
        String path = "/admin/v3/functions/leader/" + tenant + "/" + namespace + "/forged";
        assertRefused(401, AUTHENTICATION_REQUIRED, call("PUT", path, null, "Content-Type", "application/json"));
        assertRefused(401, NOT_AUTHORIZED, call("PUT", path, pulsar.token("fn-user"),
                "Content-Type", "application/json"));
        assertRefused(401, NOT_AUTHORIZED, call("PUT", path, pulsar.token("tenant-admin"),
                "Content-Type", "application/json"));
        try (PulsarAdmin admin = workerAdmin(leaderConfig, LocalPulsarCluster.ADMIN_ROLE)) {
            assertFalse(admin.functions().getFunctions(tenant, namespace).contains("forged"));
        }
    }

    @Test
    void noSecretReachesALogOrAResponse() throws Exception {
        rolesAreAuthorizedAsPulsarAuthorizesThem();
        List<String> secrets = new ArrayList<>(List.of(pulsar.adminToken(), pulsar.token("fn-user"),
                pulsar.token(LocalPulsarCluster.WORKER_ROLE), pulsar.token("proxy"),
                Base64.getEncoder().encodeToString(Files.readAllBytes(pulsar.secretKeyFile()))));
        for (String secret : secrets) {
            String head = secret.substring(0, Math.min(secret.length(), 40));
            assertFalse(leader.log().contains(head), "a secret is in the leader's log");
            assertFalse(follower.log().contains(head), "a secret is in the follower's log");
            for (String body : List.copyOf(bodies)) {
                assertFalse(body.contains(head), "a secret is in a response: " + body);
            }
        }
    }

    /** An HS256 token with Pulsar's claims, signed with a key the worker does not know. */
    private static String signedWithAnotherKey(String role) throws Exception {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
        String header = url.encodeToString("{\"alg\":\"HS256\"}".getBytes(StandardCharsets.UTF_8));
        String payload = url.encodeToString(("{\"sub\":\"" + role + "\"}").getBytes(StandardCharsets.UTF_8));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        String signature = url.encodeToString(mac.doFinal((header + "." + payload).getBytes(StandardCharsets.UTF_8)));
        return header + "." + payload + "." + signature;
    }
}
