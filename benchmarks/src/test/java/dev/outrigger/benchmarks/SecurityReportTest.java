package dev.outrigger.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.benchmarks.provider.Activator;
import dev.outrigger.benchmarks.provider.HeaderAuthenticationProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecurityReportTest {

    private static SecurityReport.Round round(int round, int position, double p50) {
        return new SecurityReport.Round(round, position, p50, p50 * 2, p50 * 4);
    }

    private static SecurityReport report() {
        List<SecurityReport.Series> series = List.of(
                new SecurityReport.Series("o-admin", "Outrigger secured", "superuser token",
                        List.of(round(0, 0, 300), round(1, 2, 310), round(2, 1, 290)), null),
                new SecurityReport.Series("o-none", "Outrigger unsecured", "no credentials",
                        List.of(round(0, 1, 250), round(1, 0, 240), round(2, 2, 260)), null),
                // failed after round 0: pairs use only the rounds both series have
                new SecurityReport.Series("p-admin", "Pulsar 4.0.8 secured", "superuser token",
                        List.of(round(0, 2, 600)), "round 2: boom"));
        List<SecurityReport.Pair> pairs = List.of(
                new SecurityReport.Pair("added", "o-admin", "o-none", false),
                new SecurityReport.Pair("ratio", "o-admin", "p-admin", true));
        List<SecurityReport.Swap> swaps = List.of(new SecurityReport.Swap(10, 1500, 200, 400, 1490, 395),
                new SecurityReport.Swap(900, 1100, 200, 900, 1093, Double.NaN),
                new SecurityReport.Swap(500, 1900, 200, 100, 1880, 90));
        return new SecurityReport("Security", List.of("a note"), 2000, 3, series, pairs, swaps, 1000,
                List.of("p-admin: round 2: boom"));
    }

    @Test
    void pairsAreTakenRoundByRound() {
        SecurityReport report = report();
        // 300-250, 310-240, 290-260
        assertEquals(List.of(50.0, 70.0, 30.0), report.perRound(report.pairs().get(0), SecurityReport.Round::p50));
        assertEquals(List.of(0.5), report.perRound(report.pairs().get(1), SecurityReport.Round::p50));
    }

    @Test
    void tablesShowMedianAndRange() {
        String latency = report().latencyTable().replaceAll(" +", " "); // without the padding
        assertTrue(latency.contains("| Outrigger secured (superuser token) | 300 (290..310) | 600 (580..620) "
                + "| 1200 (1160..1240) |"), latency);
        assertTrue(latency.contains("| added "), latency);
        assertTrue(latency.contains("| 50 (30..70) "), latency);
        assertTrue(latency.contains("| 0.50 (0.50..0.50) "), latency);
        String swaps = report().swapTable().replaceAll(" +", " ");
        assertTrue(swaps.contains("| 1500 (1100..1900), n=3 | 1500, 1100, 1900 |"), swaps);
        assertTrue(swaps.contains("| 400 (100..900), n=3 "), swaps);
        assertTrue(swaps.contains("| 1490 (1093..1880), n=3 | 1490, 1093, 1880 |"), swaps);
        assertTrue(swaps.contains("| 243 (90..395), n=2 | 395, 90 |"), swaps); // the missing log line left out
        String headline = report().headline();
        assertTrue(headline.startsWith("(a) provider bundle dropped into deploy/ -> first request it authenticates: "
                + "1500 (1100..1900) ms, n=3 (FileInstall polls deploy/ every 1000 ms)\n(b) added, p50: 50 (30..70) us, "
                + "n=3 rounds\n"), headline);
    }

    @Test
    void markdownAndJsonCarryEverything() {
        String md = report().markdown();
        assertTrue(md.startsWith("# Security\n\n- a note\n"), md);
        assertTrue(md.contains("\n## Rounds\n"), md);
        assertTrue(md.contains("\n## Errors\n\n```\np-admin: round 2: boom\n```\n"), md);
        String json = report().json();
        assertTrue(json.contains("\"fileInstallPollMillis\": 1000"), json);
        assertTrue(json.contains("{\"round\": 1, \"position\": 2, \"p50Micros\": 310.0, \"p90Micros\": 620.0, "
                + "\"p99Micros\": 1240.0}"), json);
        assertTrue(json.contains("\"p50\": {\"median\": 50.000, \"min\": 30.000, \"max\": 70.000, \"perRound\": "
                + "[50.000, 70.000, 30.000]}"), json);
        assertTrue(json.contains("{\"offsetMillis\": 10.0, \"enabledMillis\": 1500.0, \"enabledStatus\": 200, "
                + "\"disabledMillis\": 400.0, \"registeredMillis\": 1490.0, \"unregisteredMillis\": 395.0}"), json);
        assertTrue(json.contains("\"unregisteredMillis\": null}"), json);
        assertEquals(json.chars().filter(c -> c == '{').count(), json.chars().filter(c -> c == '}').count());
        assertEquals(json.chars().filter(c -> c == '[').count(), json.chars().filter(c -> c == ']').count());
    }

    @Test
    void providerBundleHoldsTheClassesAndAManifestTheWorkerCanResolve(@TempDir Path dir) throws Exception {
        assertEquals(Activator.class.getName(), SecurityBenchmark.ACTIVATOR);
        Path jar = SecurityBenchmark.providerBundle(dir);
        try (JarFile file = new JarFile(jar.toFile())) {
            var main = file.getManifest().getMainAttributes();
            assertEquals(Activator.class.getName(), main.getValue("Bundle-Activator"));
            assertEquals("2", main.getValue("Bundle-ManifestVersion"));
            assertTrue(main.getValue("Import-Package").contains("dev.outrigger.api.security;version=\"[1.0,2)\""));
            List<String> entries = Collections.list(file.entries()).stream().map(e -> e.getName()).toList();
            assertTrue(entries.contains("dev/outrigger/benchmarks/provider/Activator.class"), entries::toString);
            assertTrue(entries.contains("dev/outrigger/benchmarks/provider/HeaderAuthenticationProvider.class"),
                    entries::toString);
        }
        assertEquals("com.example.auth.HeaderAuthenticationProvider", HeaderAuthenticationProvider.CLASS_NAME);
    }

    @Test
    void readsThePollIntervalAndCountsLogLines(@TempDir Path dir) throws Exception {
        Path props = Files.writeString(dir.resolve("framework.properties"), "felix.fileinstall.poll=750\n");
        assertEquals(750, SecurityBenchmark.fileInstallPoll(props));
        Files.writeString(props, "# nothing\n");
        assertEquals(2000, SecurityBenchmark.fileInstallPoll(props));
        assertEquals(2, SecurityBenchmark.count("a X b X", "X"));
        assertEquals(0, SecurityBenchmark.count("", "X"));
        String log = "2026-12-07T22:46:53.714+0000 [INFO] X - Authentication provider 'example' available (c)\n"
                + "2026-12-07T22:46:56.740+0000 [INFO] X - Authentication provider 'example' available (c)\n";
        long since = java.time.Instant.parse("2026-12-07T22:46:55.000Z").toEpochMilli();
        assertEquals(1740.0, SecurityBenchmark.logMillis(log, SecurityBenchmark.PROVIDER_AVAILABLE, 1, since));
        assertTrue(Double.isNaN(SecurityBenchmark.logMillis(log, SecurityBenchmark.PROVIDER_AVAILABLE, 2, since)));
    }

    @Test
    void pulsarSecurityKeysAreWrittenAsYamlListsAndProperties() {
        String yaml = BenchWorkers.yaml(BenchWorkers.pulsarTokenSecurity("file:///k/secret.key", "jwt"));
        assertTrue(yaml.contains("authenticationEnabled: true\n"), yaml);
        assertTrue(yaml.contains("authenticationProviders:\n  - "
                + "\"org.apache.pulsar.broker.authentication.AuthenticationProviderToken\"\n"), yaml);
        assertTrue(yaml.contains("superUserRoles:\n  - \"admin\"\n  - \"outrigger-worker\"\n"), yaml);
        assertTrue(yaml.contains("brokerClientAuthenticationParameters: \"token:jwt\"\n"), yaml);
        assertTrue(yaml.contains("properties:\n  tokenSecretKey: \"file:///k/secret.key\"\n"), yaml);
        assertEquals("empty: []\n", BenchWorkers.yaml(Map.of("empty", List.of())));
    }
}
