package dev.outrigger.scheduler.internal;

import static dev.outrigger.scheduler.internal.FakeMetadata.function;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.outrigger.api.metadata.FunctionKey;
import dev.outrigger.api.scheduler.InstanceId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoundRobinTest {

    private static InstanceId instance(String name, int id) {
        return new InstanceId(FunctionKey.parse(name), id);
    }

    @Test
    void parallelismDefaultsToOne() {
        assertEquals(1, RoundRobin.parallelism(function("t/n/f", 0, null)));
        assertEquals(4, RoundRobin.parallelism(function("t/n/f", 0, 4)));
        assertEquals(1, RoundRobin.parallelism(function("t/n/f", 0, 0)));
    }

    @Test
    void keepsLiveAssignmentsAndFillsTheLeastLoadedFirst() {
        Map<InstanceId, String> current = Map.of(
                instance("t/n/f", 0), "b",
                instance("t/n/f", 1), "b",
                instance("t/n/f", 2), "gone",
                instance("t/n/old", 0), "a");
        Map<InstanceId, String> next = RoundRobin.schedule(current,
                List.of(function("t/n/f", 0, 4), function("t/n/g", 0, 2)), Set.of("a", "b", "c"));
        assertEquals(Map.of(
                instance("t/n/f", 0), "b",
                instance("t/n/f", 1), "b",
                instance("t/n/f", 2), "a",
                instance("t/n/f", 3), "c",
                instance("t/n/g", 0), "a",
                instance("t/n/g", 1), "c"), next);
    }
}
