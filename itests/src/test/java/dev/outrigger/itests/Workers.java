package dev.outrigger.itests;

import static org.awaitility.Awaitility.await;

import dev.outrigger.devcluster.WorkerConfig;
import dev.outrigger.devcluster.WorkerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** Starting assembled workers for end-to-end tests, each with its own config file and log under target/. */
final class Workers {

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Workers() {}

    static Path workDir(String name) {
        return Distribution.home().getParent().resolveSibling("e2e").resolve(name);
    }

    static WorkerProcess start(String name, WorkerConfig config) {
        Path dir = workDir(name);
        Path yaml = config.write(dir.resolve("functions_worker.yml"));
        return start(dir, yaml, dir.resolve("data"));
    }

    /** Each worker gets its own data directory unless a test wants two to share one. */
    static WorkerProcess start(Path dir, Path yaml, Path dataDir) {
        return WorkerProcess.start(Distribution.home(), yaml, freshLog(dir), Map.of(
                "OUTRIGGER_JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1",
                "OUTRIGGER_DATA", dataDir.toString()));
    }

    /** A log file of this run only: assertions read it whole. */
    static Path freshLog(Path dir) {
        Path log = dir.resolve("worker.log");
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return log;
    }

    /** Waits until the worker's admin API answers 200 on the cluster endpoint; fails at once if the worker died. */
    static void awaitReady(WorkerProcess worker, WorkerConfig config) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(config.adminUrl() + "/admin/v2/worker/cluster"))
                .build();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!worker.isAlive()) {
                throw new AssertionError("The worker exited before it was ready:\n" + worker.log());
            }
            try {
                return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** As {@link #awaitReady(WorkerProcess, WorkerConfig)} for a worker that wants a superuser's token. */
    static void awaitReady(WorkerProcess worker, WorkerConfig config, String token) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(config.adminUrl() + "/admin/v2/worker/cluster"))
                .header("Authorization", "Bearer " + token).build();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!worker.isAlive()) {
                throw new AssertionError("The worker exited before it was ready:\n" + worker.log());
            }
            try {
                return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
    }

    static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
