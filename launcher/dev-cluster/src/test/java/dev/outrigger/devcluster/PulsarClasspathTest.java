package dev.outrigger.devcluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PulsarClasspathTest {

    @TempDir
    Path dir;

    @Test
    void missingJarIsNamedWithTheFix() throws Exception {
        Path present = Files.createFile(dir.resolve("present.jar"));
        Path missing = dir.resolve("repository/org/apache/pulsar/pulsar-broker-4.0.8.jar");

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> PulsarClasspath.parse(
                present + File.pathSeparator + missing, "test.classpath"));

        assertTrue(e.getMessage().startsWith("Pulsar jar missing: " + missing + "."), e.getMessage());
        assertTrue(e.getMessage().contains("test.classpath"), e.getMessage());
        assertTrue(e.getMessage().contains("run ./mvnw -B install -DskipTests"), e.getMessage());
    }

    @Test
    void countsFurtherMissingJars() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> PulsarClasspath.parse(
                dir.resolve("a.jar") + File.pathSeparator + dir.resolve("b.jar") + File.pathSeparator
                        + dir.resolve("c.jar"), "test.classpath"));

        assertTrue(e.getMessage().contains(dir.resolve("a.jar") + " (and 2 more of 3)"), e.getMessage());
    }

    @Test
    void acceptsExistingJarsInOrder() throws Exception {
        Path a = Files.createFile(dir.resolve("a.jar"));
        Path b = Files.createFile(dir.resolve("b.jar"));

        assertEquals(List.of(a, b), PulsarClasspath.parse(a + File.pathSeparator + b + "\n", "test.classpath"));
    }

    @Test
    void builtClasspathIsComplete() {
        List<Path> jars = PulsarClasspath.jars();

        assertTrue(jars.size() > 250, "only " + jars.size() + " jars");
        for (String expected : List.of("pulsar-broker-4.0.8.jar", "pulsar-client-tools-4.0.8.jar",
                "pulsar-functions-worker-4.0.8.jar", "log4j-slf4j2-impl-2.23.1.jar", "jetcd-core-shaded-4.0.7.jar")) {
            assertTrue(jars.stream().anyMatch(jar -> jar.getFileName().toString().equals(expected)), expected);
        }
        assertTrue(jars.stream().noneMatch(jar -> jar.getFileName().toString().startsWith("junit-")),
                "test jars leaked into the Pulsar classpath");
    }
}
