package dev.outrigger.devcluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/** The functions_worker.yml written, read back with SnakeYAML (what the worker's configuration bundle reads with). */
class WorkerConfigTest {

    @TempDir
    Path dir;

    @Test
    void nestedMapsAreFlowMappings() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("tokenSecretKey", "file:///tmp/secret.key");
        properties.put("brokerClient_operationTimeoutMs", 30000);
        properties.put("odd key: \"quoted\"", "back\\slash");
        WorkerConfig config = WorkerConfig.empty().set("workerId", "w1").set("properties", properties);

        assertEquals("workerId: \"w1\"\n"
                + "properties: {tokenSecretKey: \"file:///tmp/secret.key\", brokerClient_operationTimeoutMs: 30000,"
                + " \"odd key: \\\"quoted\\\"\": \"back\\\\slash\"}\n", config.yaml());
        Map<String, Object> read = new Yaml().load(config.yaml());
        assertEquals(properties, read.get("properties"));
    }

    @Test
    void propertyAddsToThePropertiesMap() {
        WorkerConfig config = WorkerConfig.empty()
                .set("properties", Map.of("a", "1"))
                .property("b", "2")
                .property("a", "3");

        Map<String, Object> read = new Yaml().load(config.yaml());
        assertEquals(Map.of("a", "3", "b", "2"), read.get("properties"));
        assertEquals("properties: {a: \"3\", b: \"2\"}\n", config.yaml());
    }

    @Test
    void emptyAndNestedMapsAndListsInMaps() {
        WorkerConfig config = WorkerConfig.empty()
                .set("empty", Map.of())
                .set("nested", Map.of("inner", Map.of("list", List.of("x", 1, true))));

        Map<String, Object> read = new Yaml().load(config.yaml());
        assertEquals(Map.of(), read.get("empty"));
        assertEquals(Map.of("inner", Map.of("list", List.of("x", 1, true))), read.get("nested"));
    }

    @Test
    void tokenSecurityWritesPulsarsWorkerKeys() throws Exception {
        Path key = dir.resolve("conf/secret.key");
        WorkerConfig config = WorkerConfig.empty().set("workerId", "w1").property("brokerClient_x", "y")
                .withTokenSecurity(key, "header.payload.signature");

        Map<String, Object> read = new Yaml().load(config.yaml());
        assertEquals(true, read.get("authenticationEnabled"));
        assertEquals(List.of("org.apache.pulsar.broker.authentication.AuthenticationProviderToken"),
                read.get("authenticationProviders"));
        assertEquals(true, read.get("authorizationEnabled"));
        assertEquals(List.of("admin", "outrigger-worker"), read.get("superUserRoles"));
        assertEquals("org.apache.pulsar.client.impl.auth.AuthenticationToken",
                read.get("brokerClientAuthenticationPlugin"));
        assertEquals("token:header.payload.signature", read.get("brokerClientAuthenticationParameters"));
        assertEquals(Map.of("brokerClient_x", "y", "tokenSecretKey", key.toUri().toString()), read.get("properties"));
        assertTrue(((Map<?, ?>) read.get("properties")).get("tokenSecretKey").toString().startsWith("file:///"));
        assertEquals("w1", read.get("workerId"));
    }

    @Test
    void aFileWithCredentialsIsOwnerOnlyEvenWhenItExisted() throws Exception {
        Path file = Files.writeString(dir.resolve("functions_worker.yml"), "workerId: \"old\"\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        WorkerConfig.empty().set("workerId", "w1").withTokenSecurity(dir.resolve("k"), "a.b.c").write(file);

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(Files.readString(file).contains("token:a.b.c"), Files.readString(file));
    }
}
