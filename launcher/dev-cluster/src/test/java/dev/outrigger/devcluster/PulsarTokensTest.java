package dev.outrigger.devcluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/** Pulsar's own TokensCliUtils, run as the cluster runs it (a child JVM per call, about half a second each). */
class PulsarTokensTest {

    @TempDir
    Path dir;

    @Test
    void makesAKeyAndTokensSignedWithIt() throws Exception {
        Path key = dir.resolve("secret.key");
        PulsarTokens.createSecretKey(dir, key);

        // HS256: a 256-bit key, raw bytes
        assertEquals(32, Files.size(key));
        String token = PulsarTokens.createToken(dir, key, "alice", null);

        String[] parts = token.split("\\.");
        assertEquals(3, parts.length, token);
        assertEquals(Map.of("alg", "HS256"), json(parts[0]));
        assertEquals(Map.of("sub", "alice"), json(parts[1]));
        // the output files are gone (they held the token)
        try (var files = Files.list(dir.resolve("tokens"))) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith("tokens-")), "leftovers");
        }
    }

    @Test
    void expiryIsRoundedUpToWholeSeconds() throws Exception {
        Path key = dir.resolve("secret.key");
        PulsarTokens.createSecretKey(dir, key);

        long before = Instant.now().getEpochSecond();
        String token = PulsarTokens.createToken(dir, key, "bob", Duration.ofMillis(1500));
        long after = Instant.now().getEpochSecond();

        Map<String, Object> claims = json(token.split("\\.")[1]);
        assertEquals("bob", claims.get("sub"));
        long exp = ((Number) claims.get("exp")).longValue();
        assertTrue(exp >= before + 2 && exp <= after + 2,
                "exp " + exp + " not 2 s after [" + before + ", " + after + "]");
        assertNotEquals(token, PulsarTokens.createToken(dir, key, "bob", null));
    }

    @Test
    void refusesWhatTheToolWouldMisread() {
        Path key = dir.resolve("secret.key");
        assertThrows(IllegalArgumentException.class, () -> PulsarTokens.createToken(dir, key, " ", null));
        assertThrows(IllegalArgumentException.class,
                () -> PulsarTokens.createToken(dir, key, "bob", Duration.ofSeconds(-1)));
    }

    @Test
    void aMissingKeyFailsWithTheToolsMessage() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> PulsarTokens.createToken(dir, dir.resolve("missing.key"), "bob", null));

        assertTrue(e.getMessage().contains("TokensCliUtils create exited with code"), e.getMessage());
    }

    @Test
    void keyUrlIsAFileUrl() {
        assertEquals("file:///tmp/a%20b/secret.key", PulsarTokens.secretKeyUrl(Path.of("/tmp/a b/../a b/secret.key")));
    }

    private static Map<String, Object> json(String base64url) {
        // JSON is YAML; SnakeYAML is on the test classpath already.
        return new Yaml().load(new String(Base64.getUrlDecoder().decode(base64url), StandardCharsets.UTF_8));
    }
}
