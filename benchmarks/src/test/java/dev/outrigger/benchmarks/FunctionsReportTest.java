package dev.outrigger.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FunctionsReportTest {

    private static FunctionsReport.Flow flow(double seconds, double... latencies) {
        Receipts r = new Receipts("t", latencies.length);
        for (int i = 0; i < latencies.length; i++) {
            r.record("t-" + i + "-0!", (long) (latencies[i] * 1e6));
        }
        return FunctionsReport.Flow.of(latencies.length, 0, r, seconds);
    }

    @Test
    void flowTakesNearestRankPercentilesAndRate() {
        FunctionsReport.Flow f = flow(2.0, 5, 1, 4, 2, 3);
        assertEquals(3.0, f.p50Millis());
        assertEquals(5.0, f.p99Millis());
        assertEquals(5.0, f.maxMillis());
        assertEquals(2.5, f.perSecond());
        assertEquals(0, f.missing());
    }

    @Test
    void tableShowsBothWorkersRatiosAndFailures() {
        FunctionsReport.Worker o = new FunctionsReport.Worker("outrigger", "Outrigger", "bin/outrigger",
                List.of(100.0, 50.0, 60.0), List.of(200.0), List.of(300.0), List.of(10.0), flow(1.0, 1, 2), null,
                200L * 1024,
                List.of("latency: not running"));
        FunctionsReport.Worker p = new FunctionsReport.Worker("pulsar", "Pulsar", "java", List.of(120.0),
                List.of(400.0), List.of(600.0), List.of(), flow(2.0, 1, 2), flow(1.0, 4), 400L * 1024, List.of());
        FunctionsReport report = new FunctionsReport("t", List.of("n"), 2, 500, 20, o, p);
        String table = report.table();
        assertTrue(table.contains("| 60 (50-100, n=3) "), table);
        assertTrue(table.contains("| 0.50 "), table); // create: 60 / 120, also running 200 / 400 and RSS
        assertTrue(table.contains("| 2.00 "), table); // throughput 2 msg/s vs 1
        assertTrue(table.contains("| FAILED "), table); // Outrigger's latency, Pulsar's deletes
        assertTrue(report.markdown().contains("latency: not running"));
        String json = report.json();
        assertTrue(json.contains("\"createMillis\": [100.0, 50.0, 60.0]"), json);
        assertTrue(json.contains("\"firstResultMillis\": [300.0]"), json);
        assertTrue(json.contains("\"latency\": null"), json);
        assertTrue(json.contains("\"errors\": [\"latency: not running\"]"), json);
    }
}
