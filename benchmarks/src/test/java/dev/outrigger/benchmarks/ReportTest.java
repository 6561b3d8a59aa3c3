package dev.outrigger.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportTest {

    static Report report() {
        List<RunResult> outrigger = List.of(
                new RunResult(0, 0, 11, 2000, 100 * 1024, 110 * 1024, 500, 143, "[]"),
                new RunResult(1, 1, 12, 3000, 120 * 1024, 130 * 1024, 700, 143, "[]"),
                new RunResult(2, 0, 13, 2500, 110 * 1024, 120 * 1024, 600, 143, "[]"));
        List<RunResult> pulsar = List.of(
                new RunResult(0, 1, 21, 10000, 300 * 1024, 320 * 1024, 5000, 143, "[]"),
                new RunResult(1, 0, 22, 12000, 330 * 1024, 360 * 1024, 6000, 143, "[]"),
                new RunResult(2, 1, 23, 11000, 310 * 1024, 340 * 1024, 5500, null, "[]"));
        return new Report("Start-up", List.of("a \"note\""), 10,
                new Report.Worker("outrigger", "Outrigger", "bin/outrigger", outrigger),
                new Report.Worker("pulsar", "Pulsar", "java -cp x", pulsar));
    }

    @Test
    void summaryHasMinMedianMaxAndTheRatioOfTheMedians() {
        String table = report().summaryTable();
        String[] lines = table.split("\n");
        assertEquals(6, lines.length, table);
        assertTrue(lines[0].startsWith("| metric "), table);
        assertTrue(lines[1].matches("\\| -+( \\| -+)* \\|"),
                lines[1]);
        // ready: Outrigger 2.0 / 2.5 / 3.0 s, Pulsar 10 / 11 / 12 s, ratio 2.5 / 11
        assertTrue(lines[2].contains("| 2.00 / 2.50 / 3.00 "), lines[2]);
        assertTrue(lines[2].contains("| 10.00 / 11.00 / 12.00 "), lines[2]);
        assertTrue(lines[2].contains("| 0.23 "), lines[2]);
        // RSS at ready: 110 / 310 MiB medians
        assertTrue(lines[3].contains("| 100 / 110 / 120 ") && lines[3].contains("| 300 / 310 / 330 ")
                && lines[3].contains("| 0.35 "), lines[3]);
        assertTrue(lines[4].startsWith("| RSS 10 s after ready (MiB)"), lines[4]);
        assertTrue(lines[4].contains("| 110 / 120 / 130 ") && lines[4].contains("| 320 / 340 / 360 "), lines[4]);
    }

    @Test
    void everyLineOfATableHasTheSameWidth() {
        String table = Report.table(List.of("a", "long header"),
                List.of(List.of("wide cell here", "x"), List.of("", "y")));
        List<Integer> widths = table.lines().map(String::length).distinct().toList();
        assertEquals(1, widths.size(), table);
        assertEquals("| a              | long header |", table.lines().findFirst().orElseThrow());
        assertEquals("| -------------- | ----------- |", table.lines().skip(1).findFirst().orElseThrow());
    }

    @Test
    void runsAreListedInTheOrderTheyStarted() {
        List<String> rows = report().runsTable().lines().skip(2).toList();
        assertEquals(6, rows.size());
        List<String> workers = rows.stream().map(r -> r.split("\\|")[2].trim()).toList();
        assertEquals(List.of("Outrigger", "Pulsar", "Pulsar", "Outrigger", "Outrigger", "Pulsar"), workers);
        assertTrue(rows.get(5).trim().endsWith("| null |"), rows.get(5));
    }

    @Test
    void markdownHasTitleNotesLaunchLinesAndBothTables() {
        String md = report().markdown();
        assertTrue(md.startsWith("# Start-up\n\n- a \"note\"\n"), md);
        assertTrue(md.contains("- Outrigger: `bin/outrigger`\n"), md);
        assertTrue(md.contains("\n## Runs\n"), md);
    }

    @Test
    void jsonCarriesTheRawNumbersAndEscapesStrings() {
        String json = report().json();
        assertTrue(json.contains("\"notes\": [\"a \\\"note\\\"\"]"), json);
        assertTrue(json.contains("{\"run\": 0, \"order\": 0, \"pid\": 11, \"readyMillis\": 2000.0, "
                + "\"rssReadyKiB\": 102400, \"rssSettledKiB\": 112640, \"stopMillis\": 500.0, \"exitCode\": 143, "
                + "\"readyBody\": \"[]\"}"),
                json);
        assertTrue(json.contains("\"exitCode\": null, "), json);
        assertEquals(json.chars().filter(c -> c == '{').count(), json.chars().filter(c -> c == '}').count());
        assertEquals("\"a\\\\b\\n\\u0001\"", Report.quote("a\\b\n\u0001"));
    }

    @Test
    void pulsarWorkerYamlHasTheKeysItNeeds() {
        Map<String, Object> keys = BenchWorkers.pulsarWorkerConfig("pulsar://127.0.0.1:1", "http://127.0.0.1:2",
                "standalone", "zk:127.0.0.1:3", "bench-p-0", "public/bench-p-0", 4, Path.of("/tmp/run"));
        String yaml = BenchWorkers.yaml(keys);
        assertTrue(yaml.contains("workerPort: 4\n"), yaml);
        assertTrue(yaml.contains("pulsarFunctionsNamespace: \"public/bench-p-0\"\n"), yaml);
        assertTrue(yaml.contains("numFunctionPackageReplicas: 1\n"), yaml);
        assertTrue(yaml.contains("functionRuntimeFactoryClassName: "
                + "\"org.apache.pulsar.functions.runtime.thread.ThreadRuntimeFactory\"\n"), yaml);
        assertTrue(yaml.contains("narExtractionDirectory: \"/tmp/run/nar\"\n"), yaml);
        assertTrue(yaml.contains("functionRuntimeFactoryConfigs:\n  threadGroupName: \"Thread Function Container Group\"\n"),
                yaml);
        assertTrue(yaml.contains("schedulerClassName: "
                + "\"org.apache.pulsar.functions.worker.scheduler.RoundRobinScheduler\"\n"), yaml);
        assertTrue(yaml.contains("rebalanceCheckFreqSec: -1\n"), yaml);
    }

    @Test
    void readsTheScriptsDefaultJavaOptions() {
        String script = "exec \"$java\" ${OUTRIGGER_JAVA_OPTS:--Xms64m -Xmx512m -XX:+UseSerialGC} \\\n  -cp x Main";
        assertEquals("-Xms64m -Xmx512m -XX:+UseSerialGC", BenchWorkers.defaultJavaOpts(script));
        assertEquals("?", BenchWorkers.defaultJavaOpts("exec java Main"));
    }
}
