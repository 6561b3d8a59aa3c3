package dev.outrigger.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outrigger.devcluster.SharedPulsarCluster;
import dev.outrigger.devcluster.WorkerConfig;
import dev.outrigger.devcluster.WorkerProcess;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Edits of functions_worker.yml apply while the worker runs; invalid edits are refused without harm. */
class LiveConfigurationIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String memberIds(WorkerConfig config) throws Exception {
        HttpResponse<String> response = Workers.get(config.adminUrl() + "/admin/v2/worker/cluster");
        if (response.statusCode() != 200) {
            return "HTTP " + response.statusCode();
        }
        StringBuilder ids = new StringBuilder();
        for (JsonNode member : JSON.readTree(response.body())) {
            ids.append(ids.length() == 0 ? "" : ",").append(member.path("workerId").asText());
        }
        return ids.toString();
    }

    @Test
    void aNewWorkerIdAppliesLiveAndAnInvalidEditIsIgnored() throws Exception {
        String namespace = "public/live-" + UUID.randomUUID().toString().substring(0, 8);
        WorkerConfig config = WorkerConfig.forCluster(SharedPulsarCluster.get(), "live-a", namespace);
        Path dir = Workers.workDir("live");
        Path yaml = config.write(dir.resolve("functions_worker.yml"));
        try (WorkerProcess worker = Workers.start(dir, yaml, dir.resolve("data"))) {
            Workers.awaitReady(worker, config);
            assertEquals("live-a", memberIds(config));

            config.set("workerId", "live-b").write(yaml);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> memberIds(config).equals("live-b"));
            assertTrue(worker.log().lines().anyMatch(line -> line.contains("changed by") && line.contains("workerId")),
                    worker::log);

            String valid = Files.readString(yaml);
            Files.writeString(yaml, valid.replaceAll("workerPort: \\d+", "workerPort: \"abc\""));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> worker.log().contains("Keeping the running configuration"));
            assertTrue(worker.isAlive(), worker::log);
            assertEquals("live-b", memberIds(config));

            // issue 8, "visible": what is in force, and the edit that was refused
            HttpResponse<String> shown = Workers.get(config.adminUrl() + "/admin/v2/worker/config");
            assertEquals(200, shown.statusCode(), shown.body());
            JsonNode report = JSON.readTree(shown.body());
            JsonNode workerId = null;
            for (JsonNode key : report.path("keys")) {
                if (key.path("key").asText().equals("workerId")) {
                    workerId = key;
                }
            }
            assertEquals("live-b", workerId.path("value").asText(), shown.body());
            assertEquals("file", workerId.path("source").asText());
            assertEquals("acted on", workerId.path("class").asText());
            assertTrue(report.path("lastRejectedEdit").path("reasons").get(0).asText().contains("workerPort"),
                    shown.body());
        }
    }

    /**
     * Issue 8: Pulsar's HTTP rate limit is acted on, and live: once the edit applies, a burst over the rate gets 429
     * with Pulsar's reason; turned off again, the same burst passes.
     */
    @Test
    void theRequestRateLimitAppliesLive() throws Exception {
        String namespace = "public/rate-" + UUID.randomUUID().toString().substring(0, 8);
        WorkerConfig config = WorkerConfig.forCluster(SharedPulsarCluster.get(), "rate-a", namespace);
        Path dir = Workers.workDir("rate");
        Path yaml = config.write(dir.resolve("functions_worker.yml"));
        try (WorkerProcess worker = Workers.start(dir, yaml, dir.resolve("data"))) {
            Workers.awaitReady(worker, config);
            assertEquals(0, tooMany(config, 40), "no limit by default");

            config.set("httpRequestsLimitEnabled", true).set("httpRequestsMaxPerSecond", 5).write(yaml);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> tooMany(config, 40) >= 20);
            HttpResponse<String> refused = null;
            for (int i = 0; i < 20 && (refused == null || refused.statusCode() != 429); i++) {
                refused = Workers.get(config.adminUrl() + "/admin/v2/worker/cluster");
            }
            assertEquals(429, refused.statusCode());
            assertEquals("Too Many Requests", JSON.readTree(refused.body()).path("reason").asText(), refused.body());

            config.set("httpRequestsLimitEnabled", false).write(yaml);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> tooMany(config, 40) == 0);
            assertTrue(worker.isAlive(), worker::log);
        }
    }

    /** @return how many of {@code count} requests sent one after the other were refused with 429 */
    private static int tooMany(WorkerConfig config, int count) throws Exception {
        int refused = 0;
        for (int i = 0; i < count; i++) {
            if (Workers.get(config.adminUrl() + "/admin/v2/worker/cluster").statusCode() == 429) {
                refused++;
            }
        }
        return refused;
    }
}
