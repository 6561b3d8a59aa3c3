package dev.outrigger.devcluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavaProcessTest {

    @TempDir
    Path dir;

    /** Child main: says it started, then blocks until killed. */
    public static final class Blocker {
        public static void main(String[] args) throws InterruptedException {
            System.out.println("started " + String.join(",", args));
            System.err.println("on stderr");
            new java.util.concurrent.CountDownLatch(1).await();
        }
    }

    @Test
    void stopsWithSigtermAndCapturesOutput() throws Exception {
        Path log = dir.resolve("blocker.log");
        JavaProcess child = JavaProcess.start("blocker", dir, List.of(testClasses()), List.of("-Xmx32m"),
                Blocker.class.getName(), List.of("a b", "\"q\""), log, false);

        await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(log).contains("on stderr"));
        assertTrue(Files.readString(log).contains("started a b,\"q\""), Files.readString(log));
        assertTrue(child.isAlive());

        child.stop(Duration.ofSeconds(10));

        assertFalse(child.isAlive());
        assertTrue(ProcessHandle.of(child.pid()).isEmpty() || !ProcessHandle.of(child.pid()).get().isAlive());
    }

    @Test
    void exitsWhenParentGoes() throws Exception {
        Path log = dir.resolve("watched.log");
        JavaProcess child = JavaProcess.start("watched", dir, List.of(testClasses()), List.of("-Xmx32m"),
                Blocker.class.getName(), List.of(), log, true);
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(log).contains("on stderr"));

        // What the kernel does to the pipe when this JVM dies.
        child.closeStdin();

        assertNotNull(child.waitFor(Duration.ofSeconds(30)), "child still running after its stdin closed");
        assertTrue(Files.readString(log).contains("stdin closed"), Files.readString(log));
    }

    private static Path testClasses() throws URISyntaxException {
        return Path.of(Blocker.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
