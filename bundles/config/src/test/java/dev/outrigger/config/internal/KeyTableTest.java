package dev.outrigger.config.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.config.internal.WorkerKeys.Handling;
import dev.outrigger.config.internal.WorkerKeys.Key;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Issue 8, "no silent acceptance": every key of Pulsar's {@code functions_worker.yml} is in the table, in exactly one
 * class, and the README's key table is the table.
 */
class KeyTableTest {

    private static final String START = "<!-- keys:start (generated from WorkerKeys: KeyTableTest) -->";
    private static final String END = "<!-- keys:end -->";
    private static final Map<String, String> CAPABILITIES = Map.of(
            WorkerKeys.CLUSTER, "cluster",
            WorkerKeys.PULSAR, "broker clients",
            WorkerKeys.HTTP, "HTTP server",
            WorkerKeys.SECURITY, "security",
            WorkerKeys.AUTH_TOKEN, "token provider",
            WorkerKeys.AUTH_BASIC, "basic provider",
            WorkerKeys.AUTH_OIDC, "OpenID provider");

    @Test
    void everyKeyOfPulsarsWorkerConfigIsInTheTable() throws IOException {
        List<String> pulsarKeys;
        try (InputStream in = getClass().getResourceAsStream("/pulsar-4.0.8-worker-keys.txt")) {
            assertNotNull(in);
            pulsarKeys = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(line -> !line.isBlank() && !line.startsWith("#"))
                    .toList();
        }
        assertEquals(121, pulsarKeys.size());
        List<String> missing = pulsarKeys.stream().filter(key -> !WorkerKeys.KEYS.containsKey(key)).toList();
        assertEquals(List.of(), missing, "keys of Pulsar's WorkerConfig the table does not know");
    }

    /** A key acted on says where: a target PID, or a note naming the bundle that reads it. */
    @Test
    void everyKeyActedOnSaysWhereAndEveryOtherSaysWhy() {
        for (Key key : WorkerKeys.KEYS.values()) {
            if (key.handling() == Handling.ACTED_ON) {
                assertTrue(!key.targets().isEmpty() || key.note() != null || key.replacedBy() != null,
                        key.name() + " is acted on nowhere: give it a target, a note naming its reader, or a class");
            } else {
                assertNotNull(key.note(), key.name() + " has no reason");
            }
            if (key.handling() == Handling.REFUSED_UNLESS) {
                assertNotNull(key.honoured(), key.name());
            }
        }
    }

    @Test
    void theReadmeTableIsTheKeyTable() throws IOException {
        Path readme = Path.of("../../README.md");
        String text = Files.readString(readme);
        int start = text.indexOf(START);
        int end = text.indexOf(END);
        String expected = table();
        if (start < 0 || end < start || !text.substring(start + START.length(), end).equals(expected)) {
            Path written = Path.of("target/keys-table.md");
            Files.writeString(written, START + expected + END + "\n");
            throw new AssertionError("README.md's key table is not the table of WorkerKeys: replace the part between "
                    + "the keys markers by " + written.toAbsolutePath());
        }
        assertFalse(expected.isBlank());
    }

    private static String table() {
        StringBuilder rows = new StringBuilder("\n| key | class | what Outrigger does with it |\n|---|---|---|\n");
        for (Key key : WorkerKeys.KEYS.values()) {
            rows.append("| `").append(key.name()).append("` | ").append(key.handling().label()).append(" | ")
                    .append(what(key).replace("|", "\\|")).append(" |\n");
        }
        return rows.toString();
    }

    private static String what(Key key) {
        if (key.replacedBy() != null) {
            return "deprecated by Pulsar: read as `" + key.replacedBy() + "`";
        }
        if (key.handling() != Handling.ACTED_ON || key.targets().isEmpty()) {
            return key.note();
        }
        String where = key.targets().stream()
                .map(target -> CAPABILITIES.getOrDefault(target.pid(), target.pid()))
                .distinct()
                .collect(Collectors.joining(", "));
        return key.note() == null ? where : where + ": " + key.note();
    }
}
