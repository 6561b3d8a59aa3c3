package dev.outrigger.config.internal;

import static dev.outrigger.config.internal.WorkerKeys.WORKER_PID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code functionInstanceMaxParallelism} reaches the worker PID, which the functions bundle and the scheduler read
 * (issue 11 finding 5).
 */
class MaxParallelismKeyTest {

    private WorkerYamlReader.Result parse(String yaml) {
        return new WorkerYamlReader(() -> "h").parse(yaml.getBytes(StandardCharsets.UTF_8), "test.yml");
    }

    // issue 11 finding 5
    @Test
    void theCeilingIsAKnownIntInTheWorkerPid() {
        WorkerYamlReader.Result result = parse("functionInstanceMaxParallelism: 64\n");
        assertEquals(List.of(), result.warnings());
        assertEquals(List.of(), result.errors());
        assertEquals(64, result.configurations().get(WORKER_PID).get("functionInstanceMaxParallelism"));
    }

    // issue 11 finding 5: no ceiling at all is not a setting
    @Test
    void zeroIsRefusedNamingTheKey() {
        WorkerYamlReader.Result result = parse("functionInstanceMaxParallelism: 0\n");
        assertEquals(1, result.errors().size(), result.errors().toString());
        assertTrue(result.errors().get(0).contains("functionInstanceMaxParallelism"), result.errors().get(0));
        assertTrue(result.errors().get(0).contains("a whole number >= 1"), result.errors().get(0));
    }
}
