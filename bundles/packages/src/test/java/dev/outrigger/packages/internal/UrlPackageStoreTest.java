package dev.outrigger.packages.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.outrigger.api.metadata.FunctionKey;
import dev.outrigger.api.packages.PackageException;
import dev.outrigger.api.packages.PackageException.Reason;
import dev.outrigger.api.packages.PackageRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The URL store against a JDK HTTP server and the local file system. */
class UrlPackageStoreTest {

    private static final String[] NONE = {};

    @TempDir
    Path dir;

    private HttpServer server;
    private String base;
    private final AtomicInteger requests = new AtomicInteger();
    private final CountDownLatch releaseStalled = new CountDownLatch(1);
    private final byte[] jar = BookKeeperPackageStoreTest.random(300_000);

    @BeforeEach
    void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            try (exchange) {
                switch (exchange.getRequestURI().getPath()) {
                    case "/pkg.jar" -> {
                        exchange.sendResponseHeaders(200, jar.length);
                        exchange.getResponseBody().write(jar);
                    }
                    case "/moved.jar" -> {
                        exchange.getResponseHeaders().add("Location", "/pkg.jar");
                        exchange.sendResponseHeaders(302, -1);
                    }
                    case "/stalls.jar" -> {
                        exchange.sendResponseHeaders(200, jar.length);
                        OutputStream body = exchange.getResponseBody();
                        body.write(jar, 0, 1000);
                        body.flush();
                        releaseStalled.await(30, TimeUnit.SECONDS);
                    }
                    default -> exchange.sendResponseHeaders(404, -1);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        releaseStalled.countDown();
        server.stop(0);
    }

    @Test
    void downloadsAnAllowedHttpUrlAndChecksItsDigest() throws Exception {
        UrlPackageStore store = store(patterns("http://127\\.0\\.0\\.1:\\d+/.*"), Duration.ofMinutes(1));
        Path target = dir.resolve("downloads/pkg.jar");

        store.fetch(new PackageRef(base + "/pkg.jar", BookKeeperPackageStoreTest.sha256(jar), jar.length), target);
        assertArrayEquals(jar, Files.readAllBytes(target));

        Path moved = dir.resolve("downloads/moved.jar");
        store.fetch(new PackageRef(base + "/moved.jar", null, -1), moved);
        assertArrayEquals(jar, Files.readAllBytes(moved), "redirects are followed");
    }

    @Test
    void aDownloadThatDoesNotMatchItsDigestIsCorruptAndLeavesNoFile() throws Exception {
        UrlPackageStore store = store(patterns("http://127\\.0\\.0\\.1:\\d+/.*"), Duration.ofMinutes(1));
        String wrong = BookKeeperPackageStoreTest.sha256(new byte[] {1});

        PackageException e = assertThrows(PackageException.class,
                () -> store.fetch(new PackageRef(base + "/pkg.jar", wrong, -1), dir.resolve("pkg.jar")));

        assertEquals(Reason.CORRUPT, e.reason());
        assertTrue(e.getMessage().contains(wrong) && e.getMessage().contains(BookKeeperPackageStoreTest.sha256(jar)),
                e.getMessage());
        assertEquals(List.of(), filesIn(dir));
    }

    @Test
    void aMissingUrlIsNotFound() throws Exception {
        UrlPackageStore store = store(patterns("http://127\\.0\\.0\\.1:\\d+/.*"), Duration.ofMinutes(1));

        PackageException e = assertThrows(PackageException.class,
                () -> store.fetch(new PackageRef(base + "/nothing.jar", null, -1), dir.resolve("x.jar")));

        assertEquals(Reason.NOT_FOUND, e.reason());
        assertEquals(List.of(), filesIn(dir));
    }

    @Test
    void aStalledDownloadGivesUp() throws Exception {
        UrlPackageStore store = store(patterns("http://127\\.0\\.0\\.1:\\d+/.*"), Duration.ofMillis(500));

        PackageException e = assertThrows(PackageException.class,
                () -> store.fetch(new PackageRef(base + "/stalls.jar", null, -1), dir.resolve("x.jar")));

        assertEquals(Reason.UNAVAILABLE, e.reason());
        assertTrue(e.getMessage().contains("did not finish"), e.getMessage());
        assertEquals(List.of(), filesIn(dir));
    }

    @Test
    void refusesHttpUrlsNoPatternAllowsWithPulsarsMessage() {
        UrlPackageStore store = store(patterns("https://repo\\.example/.*"), Duration.ofMinutes(1));

        PackageException e = assertThrows(PackageException.class,
                () -> store.fetch(new PackageRef(base + "/pkg.jar", null, -1), dir.resolve("x.jar")));

        assertEquals(Reason.INVALID, e.reason());
        assertEquals("Function Package url is not valid.supported url (http/https/file)", e.getMessage());
        assertEquals(0, requests.get(), "nothing was asked of the server");
    }

    @Test
    void copiesFilesFromTheFunctionsAndConnectorsDirectories() throws Exception {
        Path functions = Files.createDirectories(dir.resolve("functions"));
        Path connectors = Files.createDirectories(dir.resolve("connectors"));
        Files.write(functions.resolve("f.jar"), jar);
        Files.write(connectors.resolve("c.nar"), jar);
        UrlPackageStore store = new UrlPackageStore(new PackageUrlRule(true, functions.toString(), NONE,
                true, connectors.toString(), NONE), Duration.ofMinutes(1));
        Path out = Files.createDirectories(dir.resolve("out"));

        store.fetch(new PackageRef(functions.resolve("f.jar").toUri().toString(),
                BookKeeperPackageStoreTest.sha256(jar), jar.length), out.resolve("f.jar"));
        store.fetch(new PackageRef(connectors.resolve("c.nar").toUri().toString(), null, -1), out.resolve("c.nar"));

        assertArrayEquals(jar, Files.readAllBytes(out.resolve("f.jar")));
        assertArrayEquals(jar, Files.readAllBytes(out.resolve("c.nar")));
        PackageException missing = assertThrows(PackageException.class, () -> store.fetch(
                new PackageRef(functions.resolve("gone.jar").toUri().toString(), null, -1), out.resolve("g.jar")));
        assertEquals(Reason.NOT_FOUND, missing.reason());
    }

    @Test
    void refusesFilesOutsideThoseDirectoriesUnlessAPatternAllowsThem() throws Exception {
        Path functions = Files.createDirectories(dir.resolve("functions"));
        Path secret = Files.writeString(dir.resolve("secret.txt"), "do not serve");
        String escaping = functions.toUri() + "../secret.txt";
        UrlPackageStore strict = new UrlPackageStore(new PackageUrlRule(true, functions.toString(), NONE,
                false, "./connectors", NONE), Duration.ofMinutes(1));

        for (String url : List.of(secret.toUri().toString(), escaping)) {
            PackageException e = assertThrows(PackageException.class,
                    () -> strict.fetch(new PackageRef(url, null, -1), dir.resolve("out.txt")), url);
            assertEquals(Reason.INVALID, e.reason());
            assertEquals(PackageUrlRule.NOT_ALLOWED, e.getMessage());
        }

        UrlPackageStore byPattern = new UrlPackageStore(new PackageUrlRule(false, functions.toString(),
                patterns("file:/.*/secret\\.txt"), false, "./connectors", NONE), Duration.ofMinutes(1));
        byPattern.fetch(new PackageRef(secret.toUri().toString(), null, -1), dir.resolve("out.txt"));
        assertEquals("do not serve", Files.readString(dir.resolve("out.txt")));
    }

    @Test
    void neverStoresAndNeverDeletes() throws Exception {
        UrlPackageStore store = store(NONE, Duration.ofMinutes(1));
        Path file = Files.write(dir.resolve("kept.jar"), jar);

        assertThrows(UnsupportedOperationException.class, () -> store.store(
                new FunctionKey("t", "n", "f"), "f.jar", InputStream.nullInputStream()));
        store.delete(new PackageRef(file.toUri().toString(), null, -1));
        store.delete(new PackageRef(base + "/pkg.jar", null, -1));

        assertTrue(Files.exists(file));
        assertEquals(0, requests.get());
    }

    @Test
    void refusesOtherSchemes() {
        UrlPackageStore store = store(patterns(".*"), Duration.ofMinutes(1));

        for (String url : List.of("ftp://127.0.0.1/f.jar", "jar:file:/x.jar!/", "no scheme")) {
            PackageException e = assertThrows(PackageException.class,
                    () -> store.fetch(new PackageRef(url, null, -1), dir.resolve("x")), url);
            assertEquals(Reason.INVALID, e.reason(), url);
        }
    }

    private static UrlPackageStore store(String[] functionPatterns, Duration timeout) {
        return new UrlPackageStore(new PackageUrlRule(false, "./functions", functionPatterns,
                false, "./connectors", NONE), timeout);
    }

    private static String[] patterns(String... patterns) {
        return patterns;
    }

    private static List<Path> filesIn(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }
}
