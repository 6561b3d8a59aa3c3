package dev.outrigger.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.devcluster.LocalPulsarCluster;
import dev.outrigger.devcluster.SharedPulsarCluster;
import dev.outrigger.devcluster.WorkerConfig;
import dev.outrigger.devcluster.WorkerProcess;
import dev.outrigger.itests.provider.HeaderAuthenticationProvider;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * What Pulsar's worker cannot do: a third party's authentication provider bundle, dropped into deploy/ while the
 * worker serves a steady stream of token-authenticated requests, is used within seconds; updated, its new version
 * answers; removed, its method is refused. Not one of the token requests fails meanwhile, and nothing restarts.
 */
class ProviderHotSwapSecureIT {

    private static final String NOT_AUTHORIZED = "{\"reason\":\"Client is not authorized to perform operation\"}";
    private static final String AUTHENTICATION_REQUIRED = "{\"reason\":\"Authentication required\"}";
    private static final String TOKEN_PROVIDER = "org.apache.pulsar.broker.authentication.AuthenticationProviderToken";

    @Test
    void aProviderBundleIsInstalledUpdatedAndRemovedWhileRequestsFlow() throws Exception {
        LocalPulsarCluster pulsar = SharedPulsarCluster.get();
        WorkerConfig config = WorkerConfig.secureForCluster(pulsar, "hot-swap",
                "public/hot-swap-" + UUID.randomUUID().toString().substring(0, 8))
                .set("superUserRoles", List.of(LocalPulsarCluster.ADMIN_ROLE, LocalPulsarCluster.WORKER_ROLE,
                        "alice-v2"));
        Path dir = Workers.workDir("hot-swap");
        Path yaml = config.write(dir.resolve("functions_worker.yml"));
        Path deployed = Distribution.home().resolve("deploy/example-auth-provider.jar");
        Files.deleteIfExists(deployed);
        AtomicBoolean streaming = new AtomicBoolean(true);
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        try (WorkerProcess worker = Workers.start(dir, yaml, dir.resolve("data"))) {
            Workers.awaitReady(worker, config, pulsar.adminToken());
            Thread stream = tokenStream(config, pulsar.adminToken(), streaming, sent, failed, firstFailure);
            stream.start();

            // named in the configuration (a live edit) before its bundle is there: its method is refused
            config.set("authenticationProviders", List.of(TOKEN_PROVIDER, HeaderAuthenticationProvider.CLASS_NAME))
                    .write(yaml);
            await().atMost(Duration.ofSeconds(30)).until(() -> worker.log().contains("Admin API access changed"));
            assertEquals(AUTHENTICATION_REQUIRED, asAlice(config).body());

            long dropped = System.nanoTime();
            deploy(providerBundle(dir, "1.0.0", ""), deployed);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> NOT_AUTHORIZED.equals(asAlice(config).body())); // known as alice, not a superuser
            System.out.printf("hot swap: dropped to first authenticated request in %d ms%n",
                    (System.nanoTime() - dropped) / 1_000_000);

            deploy(providerBundle(dir, "2.0.0", "-v2"), deployed);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> asAlice(config).statusCode() == 200); // now alice-v2, a superuser

            Files.delete(deployed);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> AUTHENTICATION_REQUIRED.equals(asAlice(config).body()));

            streaming.set(false);
            stream.join(Duration.ofSeconds(30).toMillis());
            assertTrue(sent.get() > 20, "too few requests to prove anything: " + sent.get());
            assertEquals(0, failed.get(), () -> failed.get() + " of " + sent.get() + " token requests failed, first: "
                    + firstFailure.get());
            assertTrue(worker.isAlive(), worker::log);
        } finally {
            streaming.set(false);
            Files.deleteIfExists(deployed);
        }
    }

    private static HttpResponse<String> asAlice(WorkerConfig config) throws Exception {
        return Workers.HTTP.send(HttpRequest.newBuilder(URI.create(config.adminUrl() + "/admin/v2/worker/cluster"))
                .header("X-Example-Role", "alice").build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Thread tokenStream(WorkerConfig config, String token, AtomicBoolean streaming, AtomicInteger sent,
            AtomicInteger failed, AtomicReference<String> firstFailure) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(config.adminUrl() + "/admin/v2/worker/cluster"))
                .header("Authorization", "Bearer " + token).build();
        Thread thread = new Thread(() -> {
            while (streaming.get()) {
                sent.incrementAndGet();
                try {
                    HttpResponse<String> response = Workers.HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() != 200) {
                        failed.incrementAndGet();
                        firstFailure.compareAndSet(null, response.statusCode() + " " + response.body());
                    }
                } catch (IOException e) {
                    failed.incrementAndGet();
                    firstFailure.compareAndSet(null, e.toString());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "token-stream");
        thread.setDaemon(true);
        return thread;
    }

    /** Written beside deploy/ and moved in, so the watcher never sees half a jar. */
    private static void deploy(Path jar, Path deployed) throws IOException {
        Files.move(jar, deployed, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The example provider bundle, written beside deploy/ to be moved in. */
    private static Path providerBundle(Path dir, String version, String suffix) throws IOException {
        Files.createDirectories(dir);
        Path jar = dir.resolve("example-auth-provider-" + version + ".jar");
        Files.write(jar, ExampleProviderBundle.jar(version, suffix));
        return jar;
    }
}
