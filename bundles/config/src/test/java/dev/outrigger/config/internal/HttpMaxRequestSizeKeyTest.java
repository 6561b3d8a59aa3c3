package dev.outrigger.config.internal;

import static dev.outrigger.config.internal.WorkerKeys.WORKER_PID;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code httpMaxRequestSize} reaches the worker PID, which the REST bundle reads (issue 11 finding 7). */
class HttpMaxRequestSizeKeyTest {

    private WorkerYamlReader.Result parse(String yaml) {
        return new WorkerYamlReader(() -> "h").parse(yaml.getBytes(StandardCharsets.UTF_8), "test.yml");
    }

    // issue 11 finding 7
    @Test
    void httpMaxRequestSizeIsAKnownLongInTheWorkerPid() {
        WorkerYamlReader.Result result = parse("httpMaxRequestSize: 8388608\n");
        assertEquals(List.of(), result.warnings());
        assertEquals(List.of(), result.errors());
        assertEquals(8388608L, result.configurations().get(WORKER_PID).get("httpMaxRequestSize"));
    }

    // issue 11 finding 7: Pulsar's "unlimited" is a valid value
    @Test
    void minusOneIsAccepted() {
        WorkerYamlReader.Result result = parse("httpMaxRequestSize: -1\n");
        assertEquals(List.of(), result.errors());
        assertEquals(-1L, result.configurations().get(WORKER_PID).get("httpMaxRequestSize"));
    }
}
