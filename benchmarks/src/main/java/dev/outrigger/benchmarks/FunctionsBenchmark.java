package dev.outrigger.benchmarks;

import static dev.outrigger.benchmarks.BenchWorkers.Launcher;
import static dev.outrigger.benchmarks.BenchWorkers.READY_PATH;
import static dev.outrigger.benchmarks.BenchWorkers.Started;
import static dev.outrigger.benchmarks.BenchWorkers.progress;

import dev.outrigger.devcluster.LocalPulsarCluster;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.common.functions.FunctionConfig;

/**
 * Running a Java function (ExclamationFunction of {@code pulsar-functions-api-examples:4.0.8}) on Outrigger and on
 * Pulsar 4.0.8's own worker (thread runtime), both started once against one real local cluster, each with its own
 * functions namespace ({@code public/fbench-o}, {@code public/fbench-p}) and user namespace (the same plus
 * {@code -user}), driven through the real {@link PulsarAdmin} (pointed at the worker) and a {@link PulsarClient} to the
 * broker:
 * <ol>
 *   <li>wall time of {@code createFunction(config, examplesJar)};</li>
 *   <li>start of that call to the first status with {@code numRunning == 1}, polled every 20 ms;</li>
 *   <li>start of that call to the arrival of the first result: one input is waiting before the create and the function
 *       subscribes at Earliest, so this is the whole path to a processed message, whatever "running" means to
 *       each worker's status;</li>
 *   <li>throughput: {@code messages} sent unpaced (sendAsync, flush) to one running instance, first send to the last
 *       output received, every message accounted for;</li>
 *   <li>latency: {@code rate} msg/s for {@code latencySeconds}, send -> receive (the send time is in the value).</li>
 * </ol>
 * The workers' order alternates create by create, and between the two flows. System properties: {@code creates} (5),
 * {@code messages} (10000), {@code warmupMessages} (1000), {@code rate} (500), {@code latencySeconds} (20),
 * {@code outrigger.dist}, {@code bench.dir}.
 */
public final class FunctionsBenchmark {

    static final String EXCLAMATION = "org.apache.pulsar.functions.api.examples.ExclamationFunction";
    static final String EXAMPLES_JAR = "/org/apache/pulsar/pulsar-functions-api-examples/";
    static final Duration STATUS_POLL = Duration.ofMillis(20);
    static final Duration RUNNING_DEADLINE = Duration.ofSeconds(90);
    /** A flow gives up when no new output came for this long after the last send. */
    static final Duration IDLE_DEADLINE = Duration.ofSeconds(30);

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private FunctionsBenchmark() {
    }

    /** One worker under test and what was measured on it. */
    static final class Side {
        final Launcher launcher;
        final String workerId;
        final String userNamespace;
        final Path dir;
        String adminUrl;
        Started worker;
        PulsarAdmin admin;
        final List<Double> createMillis = new ArrayList<>();
        final List<Double> runningMillis = new ArrayList<>();
        final List<Double> firstResultMillis = new ArrayList<>();
        final List<Double> deleteMillis = new ArrayList<>();
        boolean createsFailed;
        FunctionsReport.Flow throughput;
        FunctionsReport.Flow latency;
        Long rssAfterKiB;
        final List<String> errors = new ArrayList<>();
        // the function the flows run through
        FunctionConfig flowFunction;
        Consumer<String> output;
        Producer<String> input;

        Side(Launcher launcher, Path work) {
            this.launcher = launcher;
            this.workerId = "fbench-" + launcher.letter();
            this.userNamespace = "public/" + workerId + "-user";
            this.dir = work.resolve(launcher.key());
        }

        String label() {
            return launcher.label();
        }
    }

    public static void main(String[] args) {
        System.exit(run());
    }

    static int run() {
        int creates = Integer.getInteger("creates", 5);
        int messages = Integer.getInteger("messages", 10_000);
        int warmupMessages = Integer.getInteger("warmupMessages", 1_000);
        int rate = Integer.getInteger("rate", 500);
        int latencySeconds = Integer.getInteger("latencySeconds", 20);
        if (creates < 1 || messages < 1 || warmupMessages < 0 || rate < 1 || latencySeconds < 1) {
            throw new IllegalArgumentException("creates, messages, rate, latencySeconds must be >= 1");
        }
        Path dist = BenchWorkers.distribution();
        Path benchDir = BenchWorkers.benchDir();
        Path script = BenchWorkers.outriggerScript(dist);
        if (script == null) {
            return 2;
        }
        Path jar = examplesJar();
        Path work = benchDir.resolve("functions-bench");
        LocalPulsarCluster cluster = null;
        PulsarClient client = null;
        List<Side> sides = new ArrayList<>();
        int exit = 0;
        try {
            LocalPulsarCluster.deleteRecursively(work);
            progress("creates=" + creates + ", messages=" + messages + " (+" + warmupMessages + " warm-up), rate="
                    + rate + " msg/s for " + latencySeconds + " s, distribution " + dist + ", package " + jar);
            cluster = LocalPulsarCluster.start(work.resolve("pulsar-cluster"));
            LocalPulsarCluster stopOnExit = cluster;
            Runtime.getRuntime().addShutdownHook(new Thread(stopOnExit::close, "bench-cluster-stop"));
            Side o = new Side(BenchWorkers.outrigger(cluster, dist,
                    BenchWorkers.defaultJavaOpts(Files.readString(script))), work);
            Side p = new Side(BenchWorkers.pulsar(cluster), work);
            sides.add(o);
            sides.add(p);
            try (PulsarAdmin broker = PulsarAdmin.builder().serviceHttpUrl(cluster.webServiceUrl()).build()) {
                for (Side side : sides) {
                    broker.namespaces().createNamespace(side.userNamespace);
                }
            }
            client = PulsarClient.builder().serviceUrl(cluster.brokerServiceUrl()).build();
            for (Side side : sides) {
                long[] launch = new long[1];
                Map.Entry<String, Started> started = side.launcher.start(side.workerId, side.dir, launch);
                side.adminUrl = started.getKey();
                side.worker = started.getValue();
                BenchWorkers.Ready ready = BenchWorkers.awaitReady(side.label(), side.worker,
                        URI.create(side.adminUrl + READY_PATH), launch[0]);
                progress(String.format(Locale.ROOT, "%-12s ready after %.1f s at %s", side.label(),
                        (ready.nanos() - launch[0]) / 1e9, side.adminUrl));
                side.admin = PulsarAdmin.builder().serviceHttpUrl(side.adminUrl).build();
            }

            // Warm-up: one create (to running) and delete on each, not counted.
            for (Side side : List.of(p, o)) {
                createOne(side, client, "warm", jar, false);
            }
            // 1 + 2: creates, order alternating.
            for (int i = 0; i < creates; i++) {
                for (Side side : i % 2 == 0 ? List.of(o, p) : List.of(p, o)) {
                    if (!side.createsFailed) {
                        createOne(side, client, "c" + i, jar, true);
                    }
                }
            }
            // 3 + 4: one running instance per worker, output consumer subscribed before the create.
            for (Side side : sides) {
                prepareFlow(side, client, jar);
            }
            for (Side side : List.of(o, p)) {
                if (side.flowFunction != null) {
                    if (warmupMessages > 0) {
                        FunctionsReport.Flow warm = flow(side, "w", warmupMessages, 0);
                        progress(String.format(Locale.ROOT, "%-12s warm-up %d msgs: %d received in %.2f s "
                                + "(not counted)", side.label(), warmupMessages, warm.received(), warm.seconds()));
                    }
                    side.throughput = flow(side, "t", messages, 0);
                    progress(String.format(Locale.ROOT,
                            "%-12s throughput %.0f msg/s (%d/%d in %.2f s, %d missing, %d duplicated)",
                            side.label(), side.throughput.perSecond(), side.throughput.received(), messages,
                            side.throughput.seconds(), side.throughput.missing(), side.throughput.duplicates()));
                    checkFlow(side, "throughput", side.throughput);
                }
            }
            for (Side side : List.of(p, o)) {
                if (side.flowFunction != null) {
                    side.latency = flow(side, "l", rate * latencySeconds, rate);
                    progress(String.format(Locale.ROOT,
                            "%-12s latency at %d msg/s: p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d/%d, %d missing)",
                            side.label(), rate, side.latency.p50Millis(), side.latency.p99Millis(),
                            side.latency.maxMillis(), side.latency.received(), rate * latencySeconds,
                            side.latency.missing()));
                    checkFlow(side, "latency", side.latency);
                }
            }
            for (Side side : sides) {
                side.rssAfterKiB = rssOf(side);
                closeFlow(side);
            }

            FunctionsReport report = new FunctionsReport(
                    "Running a Java function: Outrigger vs Pulsar 4.0.8's functions worker (thread runtime)",
                    notes(creates, messages, warmupMessages, rate, latencySeconds, cluster, jar), messages, rate,
                    latencySeconds, result(o), result(p));
            Path md = Files.writeString(benchDir.resolve("functions.md"), report.markdown(), StandardCharsets.UTF_8);
            Path json = Files.writeString(benchDir.resolve("functions.json"), report.json(), StandardCharsets.UTF_8);
            System.out.println();
            System.out.println(report.table());
            for (Side side : sides) {
                for (String error : side.errors) {
                    System.out.println(side.label() + " ERROR: " + error);
                }
            }
            System.out.println("Written: " + md + "\n         " + json + "\nLogs: " + work);
            if (sides.stream().anyMatch(s -> !s.errors.isEmpty())) {
                exit = 1;
            }
        } catch (IOException | RuntimeException | PulsarAdminException e) {
            System.err.println("[bench] FAILED: " + e);
            e.printStackTrace();
            for (Side side : sides) {
                if (side.worker != null) {
                    System.err.println("[bench] " + side.label() + " log tail:\n" + side.worker.logTail());
                }
            }
            exit = 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.err.println("[bench] interrupted");
            exit = 1;
        } finally {
            for (Side side : sides) {
                closeQuietly(side.admin);
                if (side.worker != null) {
                    try {
                        side.worker.stop();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
            if (client != null) {
                try {
                    client.close();
                } catch (IOException e) {
                    // ignore
                }
            }
            if (cluster != null) {
                cluster.close();
            }
        }
        return exit;
    }

    static FunctionConfig exclamation(Side side, String name) {
        FunctionConfig function = new FunctionConfig();
        function.setTenant("public");
        function.setNamespace(side.userNamespace.substring("public/".length()));
        function.setName(name);
        function.setClassName(EXCLAMATION);
        function.setInputs(List.of("persistent://" + side.userNamespace + "/" + name + "-in"));
        function.setOutput("persistent://" + side.userNamespace + "/" + name + "-out");
        function.setRuntime(FunctionConfig.Runtime.JAVA);
        function.setProcessingGuarantees(FunctionConfig.ProcessingGuarantees.ATLEAST_ONCE);
        return function;
    }

    /** Creates {@code name}, waits until it runs, deletes it; records the three times if {@code counted}. */
    private static void createOne(Side side, PulsarClient client, String name, Path jar, boolean counted)
            throws InterruptedException {
        FunctionConfig function = exclamation(side, name);
        function.setSubscriptionPosition(org.apache.pulsar.client.api.SubscriptionInitialPosition.Earliest);
        java.util.concurrent.CompletableFuture<Long> firstResult = new java.util.concurrent.CompletableFuture<>();
        Consumer<String> results;
        try {
            results = client.newConsumer(Schema.STRING).topic(function.getOutput()).subscriptionName("bench")
                    .messageListener((consumer, message) -> firstResult.complete(System.nanoTime())).subscribe();
            try (Producer<String> input = client.newProducer(Schema.STRING).topic(function.getInputs().iterator().next())
                    .create()) {
                input.send("first");
            }
        } catch (org.apache.pulsar.client.api.PulsarClientException e) {
            fail(side, "preparing the first input of " + name, function, e);
            side.createsFailed = true;
            return;
        }
        // Pulsar's worker answers GET /admin/v2/worker/cluster before its leader is ready, and refuses creates
        // meanwhile ("Leader not yet ready. Please retry again", HTTP 503): the warm-up create waits that out.
        long waitStart = System.nanoTime();
        int refusals = 0;
        long t0;
        while (true) {
            t0 = System.nanoTime();
            try {
                side.admin.functions().createFunction(function, jar.toString());
                break;
            } catch (PulsarAdminException e) {
                if (counted || !String.valueOf(e.getMessage()).contains("Leader not yet ready")
                        || System.nanoTime() - waitStart > RUNNING_DEADLINE.toNanos()) {
                    fail(side, "createFunction " + name, function, e);
                    side.createsFailed = true;
                    return;
                }
                refusals++;
                Thread.sleep(200);
            }
        }
        if (refusals > 0) {
            progress(String.format(Locale.ROOT, "%-12s %s: %d createFunction refused with \"Leader not yet ready\" "
                    + "over %.1f s before one was accepted", side.label(), name, refusals, (t0 - waitStart) / 1e9));
        }
        long t1 = System.nanoTime();
        long running = awaitRunning(side, function, t0);
        if (running < 0) {
            side.createsFailed = true;
        }
        long resultAt = -1;
        try {
            resultAt = firstResult.get(RUNNING_DEADLINE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            fail(side, name + ": no first result within " + RUNNING_DEADLINE.toSeconds() + " s", function, null);
            side.createsFailed = true;
        } finally {
            results.closeAsync();
        }
        long t2 = System.nanoTime();
        boolean deleted = false;
        try {
            side.admin.functions().deleteFunction(function.getTenant(), function.getNamespace(), name);
            deleted = true;
        } catch (PulsarAdminException e) {
            fail(side, "deleteFunction " + name, function, e);
            side.createsFailed = true;
        }
        long t3 = System.nanoTime();
        String line = String.format(Locale.ROOT,
                "%-12s %s: createFunction %.0f ms, -> running %s, -> first result %s, delete %s",
                side.label(), name, (t1 - t0) / 1e6,
                running < 0 ? "FAILED" : String.format(Locale.ROOT, "%.0f ms", (running - t0) / 1e6),
                resultAt < 0 ? "FAILED" : String.format(Locale.ROOT, "%.0f ms", (resultAt - t0) / 1e6),
                deleted ? String.format(Locale.ROOT, "%.0f ms", (t3 - t2) / 1e6) : "FAILED");
        progress(line + (counted ? "" : " (warm-up, not counted)"));
        if (counted) {
            side.createMillis.add((t1 - t0) / 1e6);
            if (running >= 0) {
                side.runningMillis.add((running - t0) / 1e6);
            }
            if (resultAt >= 0) {
                side.firstResultMillis.add((resultAt - t0) / 1e6);
            }
            if (deleted) {
                side.deleteMillis.add((t3 - t2) / 1e6);
            }
        }
    }

    /**
     * Polls the status every 20 ms (from the end of one answer to the next request) until numRunning == 1.
     *
     * @return System.nanoTime() of that answer, or -1 after the deadline (recorded as an error)
     */
    private static long awaitRunning(Side side, FunctionConfig function, long t0) throws InterruptedException {
        String last = "no status yet";
        while (true) {
            try {
                var status = side.admin.functions().getFunctionStatus(function.getTenant(), function.getNamespace(),
                        function.getName());
                if (status.getNumRunning() == 1) {
                    return System.nanoTime();
                }
                last = "numRunning=" + status.getNumRunning() + " numInstances=" + status.getNumInstances();
            } catch (PulsarAdminException e) {
                last = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            if (!side.worker.isAlive()) {
                fail(side, function.getName() + ": worker died before running (last: " + last + ")", function, null);
                return -1;
            }
            if (System.nanoTime() - t0 > RUNNING_DEADLINE.toNanos()) {
                fail(side, function.getName() + ": not running within " + RUNNING_DEADLINE.toSeconds()
                        + " s of createFunction (last: " + last + ")", function, null);
                return -1;
            }
            Thread.sleep(STATUS_POLL.toMillis());
        }
    }

    private static void prepareFlow(Side side, PulsarClient client, Path jar)
            throws InterruptedException, IOException {
        FunctionConfig function = exclamation(side, "flow");
        side.output = client.newConsumer(Schema.STRING).topic(function.getOutput()).subscriptionName("bench")
                .subscribe();
        side.input = client.newProducer(Schema.STRING).topic(function.getInputs().iterator().next()).create();
        long t0 = System.nanoTime();
        try {
            side.admin.functions().createFunction(function, jar.toString());
        } catch (PulsarAdminException e) {
            fail(side, "createFunction flow", function, e);
            return;
        }
        long running = awaitRunning(side, function, t0);
        if (running >= 0) {
            side.flowFunction = function;
            progress(String.format(Locale.ROOT, "%-12s flow function running %.0f ms after createFunction",
                    side.label(), (running - t0) / 1e6));
        }
    }

    /**
     * Sends {@code count} messages ({@code rate} per second, or unpaced if 0: sendAsync then flush) and receives the
     * outputs on another thread until all arrived or none for {@link #IDLE_DEADLINE}.
     */
    private static FunctionsReport.Flow flow(Side side, String prefix, int count, int rate)
            throws InterruptedException, IOException {
        Receipts receipts = new Receipts(prefix, count);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger sendErrors = new AtomicInteger();
        Thread receiver = new Thread(() -> {
            try {
                while (!stop.get() && !receipts.complete()) {
                    Message<String> message = side.output.receive(50, TimeUnit.MILLISECONDS);
                    if (message != null) {
                        receipts.record(message.getValue(), System.nanoTime());
                        side.output.acknowledgeAsync(message);
                    }
                }
            } catch (IOException e) {
                progress(side.label() + " receive failed: " + e);
            }
        }, "bench-receive-" + side.launcher.key());
        receiver.start();
        long t0 = System.nanoTime();
        double interval = rate > 0 ? 1e9 / rate : 0;
        for (int i = 0; i < count; i++) {
            if (rate > 0) {
                long due = t0 + (long) (i * interval);
                for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                }
            }
            side.input.sendAsync(Receipts.value(prefix, i, System.nanoTime())).exceptionally(e -> {
                sendErrors.incrementAndGet();
                return null;
            });
        }
        side.input.flush();
        long sent = System.nanoTime();
        while (!receipts.complete()) {
            long idleSince = Math.max(sent, receipts.lastProgressNanos());
            if (System.nanoTime() - idleSince > IDLE_DEADLINE.toNanos()) {
                break;
            }
            Thread.sleep(5);
        }
        stop.set(true);
        receiver.join(5_000);
        long end = receipts.complete() ? receipts.completedNanos() : System.nanoTime();
        return FunctionsReport.Flow.of(count - sendErrors.get(), sendErrors.get(), receipts, (end - t0) / 1e9);
    }

    /** A flow with missing messages is an error to report, with the function's status and the worker's log. */
    private static void checkFlow(Side side, String what, FunctionsReport.Flow flow) {
        if (flow.missing() > 0 || flow.sendErrors() > 0) {
            fail(side, what + ": " + flow.missing() + " of " + (flow.sent() + flow.sendErrors())
                    + " outputs missing (first: " + flow.firstMissing() + "), " + flow.sendErrors()
                    + " send errors, " + flow.duplicates() + " duplicated", side.flowFunction, null);
        }
    }

    private static void closeFlow(Side side) {
        try {
            if (side.flowFunction != null) {
                side.admin.functions().deleteFunction("public", side.flowFunction.getNamespace(), "flow");
            }
        } catch (PulsarAdminException e) {
            side.errors.add("deleteFunction flow: " + e);
        }
        closeQuietly(side.input);
        closeQuietly(side.output);
    }

    /** Records what failed, the function's status as the worker answers it (raw JSON) and the worker's log tail. */
    private static void fail(Side side, String what, FunctionConfig function, Exception e) {
        StringBuilder error = new StringBuilder(what);
        if (e != null) {
            error.append(": ").append(e);
        }
        if (function != null) {
            error.append("\nGET ").append(statusPath(function)).append(" -> ").append(rawStatus(side, function));
        }
        error.append("\nworker log (").append(side.dir.resolve("worker.log")).append("), last lines:\n")
                .append(side.worker.logTail());
        side.errors.add(error.toString());
        progress(side.label() + " FAILED: " + error);
    }

    private static String statusPath(FunctionConfig function) {
        return "/admin/v3/functions/" + function.getTenant() + "/" + function.getNamespace() + "/"
                + function.getName() + "/status";
    }

    private static String rawStatus(Side side, FunctionConfig function) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(side.adminUrl
                    + statusPath(function))).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return "HTTP " + response.statusCode() + " " + response.body();
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e.toString();
        }
    }

    private static Long rssOf(Side side) {
        try {
            long pid = BenchWorkers.jvmPid(side.worker.launchedPid());
            var rss = ProcStatus.rssKiB(pid);
            return rss.isPresent() ? rss.getAsLong() : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static FunctionsReport.Worker result(Side side) {
        return new FunctionsReport.Worker(side.launcher.key(), side.label(), side.launcher.describe(),
                List.copyOf(side.createMillis), List.copyOf(side.runningMillis), List.copyOf(side.firstResultMillis),
                List.copyOf(side.deleteMillis),
                side.throughput, side.latency, side.rssAfterKiB, List.copyOf(side.errors));
    }

    private static List<String> notes(int creates, int messages, int warmupMessages, int rate, int latencySeconds,
                                      LocalPulsarCluster cluster, Path jar) {
        List<String> notes = new ArrayList<>();
        notes.add("Measured " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + " on "
                + Runtime.getRuntime().availableProcessors() + " CPUs, " + BenchWorkers.memTotal() + ", Java "
                + System.getProperty("java.runtime.version"));
        notes.add("Both workers started once, side by side, against one real Pulsar 4.0.8 cluster on loopback "
                + "(ZooKeeper + standalone broker + one bookie: " + cluster.webServiceUrl() + "); functions "
                + "namespaces public/fbench-o and public/fbench-p, user namespaces public/fbench-o-user and "
                + "public/fbench-p-user");
        notes.add("Function: " + EXCLAMATION + " from " + jar.getFileName() + ", 1 instance, ATLEAST_ONCE, "
                + "created with PulsarAdmin.functions().createFunction(config, jar) against each worker; messages "
                + "with a PulsarClient to the broker (Schema.STRING, default producer batching)");
        notes.add("Creates: 1 unmeasured warm-up on each, then " + creates + " differently named functions per "
                + "worker, the workers' order alternating; each deleted once running. create -> running = start of "
                + "createFunction to the first getFunctionStatus with numRunning == 1, polled every "
                + STATUS_POLL.toMillis() + " ms");
        notes.add("Throughput: " + warmupMessages + " unmeasured warm-up messages, then " + messages
                + " sent unpaced (sendAsync, flush) to the input of one running instance, the output consumer "
                + "subscribed before the create; first send to the " + messages + "th distinct output");
        notes.add("Latency: " + rate + " msg/s for " + latencySeconds + " s, paced, the send System.nanoTime() in "
                + "the value; send -> receive on the output, nearest-rank percentiles. Flow order: throughput "
                + "Outrigger first, latency Pulsar first");
        return notes;
    }

    /** The examples jar on this JVM's classpath (a dependency of this module). */
    static Path examplesJar() {
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.replace(File.separatorChar, '/').contains(EXAMPLES_JAR) && entry.endsWith(".jar")) {
                return Path.of(entry);
            }
        }
        throw new IllegalStateException("No jar under " + EXAMPLES_JAR + " on the classpath");
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (Exception e) {
                // ignore
            }
        }
    }
}
