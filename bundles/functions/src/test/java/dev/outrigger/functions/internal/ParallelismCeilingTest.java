package dev.outrigger.functions.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * issue 11 finding 5: {@code parallelism} had no upper bound, and the leader materialises every instance id of every
 * record it reads, so one registration could crash-loop the cluster. Register, update and the leader's check of a
 * forwarded record (all through {@link FunctionConfigs}) refuse a parallelism above {@code functionInstanceMaxParallelism}.
 */
class ParallelismCeilingTest {

    private static FunctionConfig function(int parallelism) {
        return FunctionConfig.builder().className("a.B").inputs(java.util.List.of("in")).runtime(FunctionConfig.Runtime.JAVA)
                .parallelism(parallelism).build();
    }

    @AfterEach
    void defaults() {
        new ParallelismCeiling(Map.of()).deactivate();
    }

    // issue 11 finding 5
    @Test
    void aParallelismAboveTheDefaultCeilingIsRefusedNamingTheLimit() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> FunctionConfigs.forCreate("public", "default", "fn", function(100_000_000)));
        assertEquals("Function parallelism 100000000 exceeds the limit of 1000 instances "
                + "(functionInstanceMaxParallelism)", refused.getMessage());
        assertEquals(1000, FunctionConfigs.forCreate("public", "default", "fn", function(1000)).getParallelism());
    }

    // issue 11 finding 5
    @Test
    void theCeilingIsConfigurableAndAppliesToUpdates() {
        new ParallelismCeiling(Map.of("functionInstanceMaxParallelism", 4));
        FunctionConfig existing = FunctionConfigs.forCreate("public", "default", "fn", function(4));
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> FunctionConfigs.forUpdate(existing, FunctionConfig.builder().parallelism(5).build(),
                        "public", "default", "fn"));
        assertTrue(refused.getMessage().contains("limit of 4 instances (functionInstanceMaxParallelism)"),
                refused.getMessage());
        assertEquals(3, FunctionConfigs.forUpdate(existing, FunctionConfig.builder().parallelism(3).build(),
                "public", "default", "fn").getParallelism());
    }

    /** A function stored before the ceiling was lowered can still be read, then lowered or deleted. */
    @Test
    void aStoredFunctionAboveALoweredCeilingCanStillBeRead() {
        FunctionConfig stored = FunctionConfigs.forCreate("public", "default", "fn", function(10));
        new ParallelismCeiling(Map.of("functionInstanceMaxParallelism", 4));
        assertEquals(10, FunctionConfigs.forView("public", "default", "fn", stored).getParallelism());
        assertEquals(2, FunctionConfigs.forUpdate(stored, FunctionConfig.builder().parallelism(2).build(),
                "public", "default", "fn").getParallelism());
    }
}
