package dev.outrigger.itests;

import static dev.outrigger.itests.FaultChecks.assertAlive;
import static dev.outrigger.itests.FaultChecks.assertClearError;
import static dev.outrigger.itests.FaultChecks.awaitOutputs;
import static dev.outrigger.itests.FaultChecks.awaitRunning;
import static dev.outrigger.itests.FaultChecks.functionRequest;
import static dev.outrigger.itests.FaultChecks.multipart;
import static dev.outrigger.itests.FaultChecks.send;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.outrigger.devcluster.LocalPulsarCluster;
import dev.outrigger.devcluster.WorkerConfig;
import dev.outrigger.devcluster.WorkerProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, faults from outside, on the real cluster: the bookie is killed (SIGKILL) while a function's package is
 * being uploaded. The client must get a clear error in bounded time, the worker must stay up and keep no record of a
 * function whose package was not stored, and once the bookie is back the same function registers and runs.
 *
 * <p>The cluster runs its bookie in a JVM of its own ({@link LocalPulsarCluster.Bookie#OWN_JVM}), so the broker keeps
 * running: the fault is BookKeeper's alone. The upload is held half-way through its body while the bookie is killed,
 * so the kill lands during the upload every time, not by luck of timing.
 */
class BookieKilledDuringUploadIT {

    /** Longest the client may wait for the answer to the upload the bookie died under. */
    private static final Duration UPLOAD_DEADLINE = Duration.ofSeconds(90);
    private static final String NAMESPACE = "bkfault";

    private static Path dir;
    private static LocalPulsarCluster cluster;
    private static WorkerConfig config;
    private static WorkerProcess worker;
    private static PulsarAdmin admin;
    private static byte[] examplesJar;

    @BeforeAll
    static void startClusterAndWorker() throws Exception {
        dir = FaultChecks.clusterDir("pulsar-cluster-bookie-fault");
        cluster = LocalPulsarCluster.start(dir, LocalPulsarCluster.Security.NONE, LocalPulsarCluster.Persistence.KEEP,
                LocalPulsarCluster.Bookie.OWN_JVM);
        try (PulsarAdmin broker = PulsarAdmin.builder().serviceHttpUrl(cluster.webServiceUrl()).build()) {
            broker.namespaces().createNamespace("public/" + NAMESPACE);
        }
        examplesJar = Files.readAllBytes(TestClasspath.jar("/org/apache/pulsar/pulsar-functions-api-examples/"));
        config = WorkerConfig.forCluster(cluster, "bookie-fault-1", "public/bkfault-w");
        worker = Workers.start("bookie-fault-1", config);
        Workers.awaitReady(worker, config);
        admin = PulsarAdmin.builder().serviceHttpUrl(config.adminUrl()).build();
    }

    @AfterAll
    static void stopAll() throws Exception {
        FaultChecks.closeAll(cluster, dir, admin, worker);
    }

    private static FunctionConfig exclamation(String name) {
        return FaultChecks.exclamation(NAMESPACE, name);
    }

    @Test
    void aBookieKilledDuringAnUploadGivesAClearErrorAndLeavesNoRecord() throws Exception {
        // The package store has written to this bookie before: its BookKeeper client is connected and knows it.
        FunctionConfig warm = exclamation("warm");
        HttpResponse<String> first = send(functionRequest(config, warm)
                .POST(HttpRequest.BodyPublishers.ofByteArray(multipart(warm, examplesJar))), UPLOAD_DEADLINE);
        assertEquals(204, first.statusCode(), first.body());

        FunctionConfig function = exclamation("during");
        PausingBody body = new PausingBody(multipart(function, examplesJar),
                FaultChecks.multipartHead(function, true).length + examplesJar.length / 2);
        HttpResponse<String> response;
        boolean bookieDown = false;
        try {
            var answer = new java.util.concurrent.CompletableFuture<HttpResponse<String>>();
            Thread upload = new Thread(() -> {
                try {
                    answer.complete(send(functionRequest(config, function)
                            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> body)), UPLOAD_DEADLINE));
                } catch (Throwable e) {
                    answer.completeExceptionally(e);
                }
            }, "upload");
            upload.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> body.paused.getCount() == 0 || answer.isDone());
            assertFalse(answer.isDone(), () -> "the upload was answered before all of it was sent: " + answer.join());

            cluster.killBookie();
            bookieDown = true;
            body.resume.countDown();

            response = answer.get(UPLOAD_DEADLINE.toSeconds() + 10, TimeUnit.SECONDS);
            assertAlive(worker);
            if (response.statusCode() / 100 != 2) {
                // refused: a reason, and nothing left behind under the function's name
                String reason = assertClearError(response, 503);
                System.err.println("[faults] the upload under a dead bookie was refused: " + reason);
                assertNotListed(function);
            }
        } finally {
            body.resume.countDown();
            if (bookieDown) {
                cluster.startBookie();
            }
        }

        assertAlive(worker);
        if (response.statusCode() / 100 != 2) {
            // still no record once the bookie is back (nothing was half-written to show up late)
            assertNotListed(function);
            // and the name is free: the same function registers and runs now. A 503 is still right for as long as
            // the worker's BookKeeper client has not seen the bookie's new registration (a ZooKeeper watch away).
            var again = new java.util.concurrent.atomic.AtomicReference<HttpResponse<String>>();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                again.set(send(functionRequest(config, function).POST(HttpRequest.BodyPublishers
                        .ofByteArray(multipart(function, examplesJar))), UPLOAD_DEADLINE));
                return again.get().statusCode() != 503;
            });
            assertEquals(204, again.get().statusCode(), again.get().body());
        }
        // whichever way the upload went, the function is fully usable now: it runs and its package downloads whole
        assertRuns(function);
        Path downloaded = Workers.workDir("bookie-fault-download").resolve("during.jar");
        Files.createDirectories(downloaded.getParent());
        admin.functions().downloadFunction(downloaded.toString(), "public", NAMESPACE, "during");
        assertEquals(examplesJar.length, Files.size(downloaded));
        assertRuns(warm);
        assertAlive(worker);
    }

    /**
     * The same fault later in the upload: the body is all there and the worker is writing the package's ledger (its
     * BookKeeper client logs the ledger's creation) when the bookie dies. A package of 48 MiB takes the worker long
     * enough to write that the kill lands among its appends; should it finish first, the worker answers 2xx and the
     * test checks the other promise instead (the function is fully usable once the bookie is back).
     */
    @Test
    void aBookieKilledWhileTheWorkerWritesThePackageGivesAClearErrorAndLeavesNoRecord() throws Exception {
        FunctionConfig function = exclamation("mid-write");
        byte[] bigJar = withFiller(examplesJar, 48 * 1024 * 1024);
        byte[] body = multipart(function, bigJar);
        long logOffset = Files.size(worker.logFile());
        HttpResponse<String> response;
        boolean bookieDown = false;
        try {
            var answer = new java.util.concurrent.CompletableFuture<HttpResponse<String>>();
            Thread upload = new Thread(() -> {
                try {
                    answer.complete(send(functionRequest(config, function)
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body)), UPLOAD_DEADLINE));
                } catch (Throwable e) {
                    answer.completeExceptionally(e);
                }
            }, "upload");
            upload.start();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                    .until(() -> logSince(logOffset).contains("LedgerCreateOp - Ensemble") || answer.isDone());
            cluster.killBookie();
            bookieDown = true;
            System.err.println("[faults] bookie killed " + (answer.isDone() ? "after the upload was answered"
                    : "while the worker wrote the package"));

            response = answer.get(UPLOAD_DEADLINE.toSeconds() + 10, TimeUnit.SECONDS);
            assertAlive(worker);
            if (response.statusCode() / 100 != 2) {
                assertClearError(response, 503);
                assertNotListed(function);
            }
        } finally {
            if (bookieDown) {
                cluster.startBookie();
            }
        }
        assertAlive(worker);
        if (response.statusCode() / 100 != 2) {
            assertNotListed(function);
            var again = new java.util.concurrent.atomic.AtomicReference<HttpResponse<String>>();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                again.set(send(functionRequest(config, function).POST(HttpRequest.BodyPublishers.ofByteArray(body)),
                        UPLOAD_DEADLINE));
                return again.get().statusCode() != 503;
            });
            assertEquals(204, again.get().statusCode(), again.get().body());
        }
        assertRuns(function);
        Path downloaded = Workers.workDir("bookie-fault-download").resolve("mid-write.jar");
        Files.createDirectories(downloaded.getParent());
        admin.functions().downloadFunction(downloaded.toString(), "public", NAMESPACE, function.getName());
        assertEquals(bigJar.length, Files.size(downloaded));
        assertAlive(worker);
    }

    /** The worker's log from byte {@code offset} on. */
    private static String logSince(long offset) throws IOException {
        try (java.io.RandomAccessFile log = new java.io.RandomAccessFile(worker.logFile().toFile(), "r")) {
            byte[] bytes = new byte[(int) Math.max(0, log.length() - offset)];
            log.seek(offset);
            log.readFully(bytes);
            return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** The jar with one more entry of {@code size} random (incompressible) bytes: a big, valid function package. */
    private static byte[] withFiller(byte[] jar, int size) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(jar.length + size + 4096);
        try (var in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(jar));
             var zip = new java.util.zip.ZipOutputStream(out)) {
            java.util.zip.ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                zip.putNextEntry(new java.util.zip.ZipEntry(entry.getName()));
                in.transferTo(zip);
                zip.closeEntry();
            }
            byte[] filler = new byte[size];
            new java.util.Random(11).nextBytes(filler);
            zip.putNextEntry(new java.util.zip.ZipEntry("filler.bin"));
            zip.write(filler);
            zip.closeEntry();
        }
        return out.toByteArray();
    }

    private static void assertNotListed(FunctionConfig function) throws Exception {
        HttpResponse<String> list = send(FaultChecks.get(config, "/admin/v3/functions/public/" + NAMESPACE),
                Duration.ofSeconds(30));
        assertEquals(200, list.statusCode(), list.body());
        assertFalse(list.body().contains("\"" + function.getName() + "\""),
                "a record of the function whose upload failed is left: " + list.body());
        HttpResponse<String> get = send(FaultChecks.get(config, "/admin/v3/functions/public/" + NAMESPACE + "/"
                + function.getName()), Duration.ofSeconds(30));
        assertClearError(get, 404);
    }

    private static void assertRuns(FunctionConfig function) throws Exception {
        awaitRunning(admin, function, 1, Duration.ofSeconds(90), worker);
        List<String> expected = new ArrayList<>();
        try (PulsarClient client = PulsarClient.builder().serviceUrl(cluster.brokerServiceUrl()).build();
             Consumer<String> output = client.newConsumer(Schema.STRING).topic(function.getOutput())
                     .subscriptionName("test").subscriptionInitialPosition(SubscriptionInitialPosition.Earliest)
                     .subscribe();
             Producer<String> input = client.newProducer(Schema.STRING)
                     .topic(function.getInputs().iterator().next()).create()) {
            for (int i = 0; i < 20; i++) {
                input.sendAsync(function.getName() + "-" + i);
                expected.add(function.getName() + "-" + i + "!");
            }
            input.flush();
            awaitOutputs(output, expected, new HashSet<>(), Duration.ofSeconds(90), worker);
        }
    }

    /**
     * A request body that stops after {@code pauseAt} bytes until {@link #resume} (at most a minute, so a broken test
     * cannot hang the build), telling {@link #paused} that it got there.
     */
    private static final class PausingBody extends InputStream {
        final CountDownLatch paused = new CountDownLatch(1);
        final CountDownLatch resume = new CountDownLatch(1);
        private final byte[] bytes;
        private final int pauseAt;
        private int position;

        PausingBody(byte[] bytes, int pauseAt) {
            this.bytes = bytes;
            this.pauseAt = pauseAt;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (position == pauseAt) {
                paused.countDown();
                try {
                    if (!resume.await(60, TimeUnit.SECONDS)) {
                        throw new IOException("the test never resumed the upload");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException();
                }
            }
            if (position >= bytes.length) {
                return -1;
            }
            // never past the pause point in one read: what is before it is sent before the pause
            int end = position < pauseAt ? pauseAt : bytes.length;
            int count = Math.min(length, end - position);
            System.arraycopy(bytes, position, buffer, offset, count);
            position += count;
            return count;
        }
    }
}
