package dev.outrigger.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchTest {

    @Test
    void allOrNothingRunsEvery() {
        assertEquals(List.of("startup", "functions", "security"), Bench.selection("all"));
        assertEquals(List.of("startup", "functions", "security"), Bench.selection(""));
        assertEquals(List.of("startup", "functions", "security"), Bench.selection(null));
    }

    @Test
    void namesSelectInTheirOrder() {
        assertEquals(List.of("functions"), Bench.selection("functions"));
        assertEquals(List.of("functions", "startup"), Bench.selection(" Functions , startup,functions"));
        assertEquals(List.of("security"), Bench.selection("security"));
    }

    @Test
    void theSoakRunsOnlyWhenNamed() {
        assertEquals(List.of("soak"), Bench.selection("soak"));
        assertEquals(List.of("functions", "soak"), Bench.selection("functions,soak"));
    }

    @Test
    void unknownNamesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Bench.selection("latency"));
    }
}
