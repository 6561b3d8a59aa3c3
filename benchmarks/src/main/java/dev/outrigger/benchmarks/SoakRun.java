package dev.outrigger.benchmarks;

import static dev.outrigger.benchmarks.BenchWorkers.progress;

import dev.outrigger.devcluster.LocalPulsarCluster;
import dev.outrigger.devcluster.WorkerConfig;
import dev.outrigger.devcluster.WorkerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.BitSet;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Reader;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.common.functions.FunctionConfig;

/**
 * Issue 11's soak: one real Pulsar cluster, {@code soak.workers} (3) Outrigger workers in one worker cluster,
 * {@code soak.functions} (50) ExclamationFunctions, a quarter of them EFFECTIVELY_ONCE (deduplication on their
 * namespace, unbatched inputs), the rest ATLEAST_ONCE, each fed numbered messages at {@code soak.rate} msg/s. For
 * {@code soak.minutes} a random worker is SIGKILLed every {@code soak.killMinSeconds}..{@code soak.killMaxSeconds} s
 * and restarted (same workerId, same file) after {@code soak.pauseMinSeconds}..{@code soak.pauseMaxSeconds} s. Then
 * the producers stop, the outputs drain (deadline {@code soak.drainSeconds}) and every output topic is read whole:
 * lost numbers (must be 0), duplicates (must be 0 under effectively once; reported under at least once), and each
 * worker's threads and function class loaders (heap histogram) at the start and at the end.
 *
 * <p>Exit code 1 if anything was lost, an effectively-once result came twice, a worker did not come back or the
 * outputs did not drain in time.
 */
public final class SoakRun {

    /** Outrigger's per-instance class loader (bundles/runtime); its instances in a live-objects histogram. */
    static final String FUNCTION_LOADER = "dev.outrigger.runtime.internal.FunctionClassLoader";
    static final String API_LOADER = FUNCTION_LOADER + "$ApiOnly";
    static final String WORKERS_NAMESPACE = "public/soak-workers";
    static final String AL_NAMESPACE = "soak-al";
    static final String EO_NAMESPACE = "soak-eo";
    static final Duration RUNNING_DEADLINE = Duration.ofMinutes(5);
    static final Duration RECOVERY_DEADLINE = Duration.ofMinutes(3);
    /** A gap still open this long after a function resumed is reported with the kill (the final count decides). */
    static final Duration GAP_GRACE = Duration.ofSeconds(20);

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private SoakRun() {
    }

    /** The knobs, from system properties (an empty value means the default, as Maven passes unset ones). */
    record Settings(double minutes, int workers, int functions, int eoFunctions, double rate, int killMinSeconds,
                    int killMaxSeconds, int pauseMinSeconds, int pauseMaxSeconds, int drainSeconds, int idleSeconds,
                    long seed) {

        static Settings fromProperties() {
            int functions = intProperty("soak.functions", 50);
            Settings s = new Settings(doubleProperty("soak.minutes", 30), intProperty("soak.workers", 3), functions,
                    intProperty("soak.eoFunctions", (functions + 3) / 4), doubleProperty("soak.rate", 2),
                    intProperty("soak.killMinSeconds", 30), intProperty("soak.killMaxSeconds", 90),
                    intProperty("soak.pauseMinSeconds", 3), intProperty("soak.pauseMaxSeconds", 15),
                    intProperty("soak.drainSeconds", 300), intProperty("soak.idleSeconds", 60),
                    longProperty("soak.seed", System.nanoTime()));
            if (s.minutes <= 0 || s.workers < 2 || s.functions < 1 || s.eoFunctions < 0 || s.eoFunctions > functions
                    || s.rate <= 0 || s.killMinSeconds < 1 || s.killMaxSeconds < s.killMinSeconds
                    || s.pauseMinSeconds < 0 || s.pauseMaxSeconds < s.pauseMinSeconds || s.drainSeconds < 1
                    || s.idleSeconds < 1) {
                throw new IllegalArgumentException("Invalid soak settings: " + s);
            }
            return s;
        }
    }

    /** One function under soak: its topics, its producer and output consumer, what was sent and received. */
    static final class Fn {
        final String name;
        final String namespace;
        final boolean effectivelyOnce;
        final String input;
        final String output;
        Producer<String> producer;
        Consumer<String> consumer;
        /** Numbers seen on the output by the live consumer (progress only; the final count reads the topic). */
        final BitSet received = new BitSet();
        final BitSet sendFailed = new BitSet();
        final AtomicInteger sendOk = new AtomicInteger();
        /** The first missing number last reported with a kill, or -1. */
        final AtomicInteger reportedGap = new AtomicInteger(-1);
        SoakTally tally;

        Fn(int index, boolean effectivelyOnce) {
            this.name = String.format(Locale.ROOT, "f%02d", index);
            this.namespace = effectivelyOnce ? EO_NAMESPACE : AL_NAMESPACE;
            this.effectivelyOnce = effectivelyOnce;
            this.input = "persistent://public/" + namespace + "/" + name + "-in";
            this.output = "persistent://public/" + namespace + "/" + name + "-out";
        }

        String guarantee() {
            return effectivelyOnce ? "EFFECTIVELY_ONCE" : "ATLEAST_ONCE";
        }

        void receive(String value) {
            int n = SoakTally.parse(value);
            if (n >= 0) {
                synchronized (received) {
                    received.set(n);
                }
            }
        }

        void failed(int n) {
            synchronized (sendFailed) {
                sendFailed.set(n);
            }
        }

        /** @return whether every number below {@code upTo} was received or failed to send */
        boolean caughtUp(int upTo) {
            BitSet done;
            synchronized (received) {
                done = (BitSet) received.clone();
            }
            synchronized (sendFailed) {
                done.or(sendFailed);
            }
            return done.nextClearBit(0) >= upTo;
        }

        /** @return whether some number from {@code from} on has a result: the function processes again */
        boolean resumedFrom(int from) {
            synchronized (received) {
                return received.nextSetBit(from) >= 0;
            }
        }

        /** The first number without a result and without a failed send. */
        int firstMissing() {
            BitSet done;
            synchronized (received) {
                done = (BitSet) received.clone();
            }
            synchronized (sendFailed) {
                done.or(sendFailed);
            }
            return done.nextClearBit(0);
        }

        int receivedDistinct() {
            synchronized (received) {
                return received.cardinality();
            }
        }
    }

    /** One worker: its fixed configuration file, its current process, and what was seen of it. */
    static final class Worker {
        final String id;
        final Path dir;
        final WorkerConfig config;
        final Path yml;
        WorkerProcess process;
        long jvmPid;
        int starts;
        int kills;
        PulsarAdmin admin;
        Snapshot start;
        Snapshot end;

        Worker(String id, Path dir, WorkerConfig config) {
            this.id = id;
            this.dir = dir;
            this.config = config.set("downloadDirectory", dir.resolve("download").toString());
            this.yml = config.write(dir.resolve("functions_worker.yml"));
        }

        boolean alive() {
            return process != null && process.isAlive();
        }
    }

    /** A worker's JVM at one moment: Java threads, function class loaders (live objects), instances assigned. */
    record Snapshot(String when, long pid, int incarnation, int threads, int functionLoaders, int apiLoaders,
                    int functionObjects, int instances, Long rssKiB, Map<String, Integer> threadGroups) {
    }

    /** One SIGKILL and what followed. */
    record Kill(int number, double atSeconds, String worker, boolean leader, int instances, long pid,
                double pauseSeconds, double readySeconds, double recoverySeconds, List<String> laggards,
                List<String> gaps, int sentBefore) {
    }

    public static void main(String[] args) {
        System.exit(run());
    }

    static int run() {
        Settings s = Settings.fromProperties();
        Path dist = BenchWorkers.distribution();
        Path benchDir = BenchWorkers.benchDir();
        if (BenchWorkers.outriggerScript(dist) == null) {
            return 2;
        }
        Path jar = FunctionsBenchmark.examplesJar();
        Path work = benchDir.resolve("soak");
        Random random = new Random(s.seed());
        List<Worker> workers = new ArrayList<>();
        List<Fn> fns = new ArrayList<>();
        List<Kill> kills = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        LocalPulsarCluster cluster = null;
        PulsarClient client = null;
        ScheduledExecutorService ticker = null;
        int exit = 0;
        try {
            LocalPulsarCluster.deleteRecursively(work);
            preloadDevCluster();
            progress("soak: " + s + ", distribution " + dist + " (" + runtimeBundle(dist) + ")");
            cluster = LocalPulsarCluster.start(work.resolve("pulsar-cluster"));
            LocalPulsarCluster stopOnExit = cluster;
            Runtime.getRuntime().addShutdownHook(new Thread(stopOnExit::close, "soak-cluster-stop"));
            try (PulsarAdmin broker = PulsarAdmin.builder().serviceHttpUrl(cluster.webServiceUrl()).build()) {
                broker.namespaces().createNamespace("public/" + AL_NAMESPACE);
                broker.namespaces().createNamespace("public/" + EO_NAMESPACE);
                // effectively once needs the broker to drop what a replay publishes again
                broker.namespaces().setDeduplicationStatus("public/" + EO_NAMESPACE, true);
            }
            client = PulsarClient.builder().serviceUrl(cluster.brokerServiceUrl()).listenerThreads(2).build();

            for (int i = 1; i <= s.workers(); i++) {
                String id = "soak-" + i;
                workers.add(new Worker(id, work.resolve(id), WorkerConfig.forCluster(cluster, id, WORKERS_NAMESPACE)));
            }
            for (Worker w : workers) {
                double ready = startWorker(w, dist);
                progress(String.format(Locale.ROOT, "%s ready after %.1f s at %s (pid %d)", w.id, ready,
                        w.config.adminUrl(), w.jvmPid));
            }
            awaitTrue("all " + s.workers() + " workers in the cluster and a leader ready", Duration.ofMinutes(2),
                    () -> workers.stream().allMatch(w -> clusterSize(w) == s.workers()) && leader(workers) != null);
            // The cluster endpoint answers before the functions API is registered (a 404 on create seen under load)
            awaitTrue("the functions API on every worker", Duration.ofMinutes(2),
                    () -> workers.stream().allMatch(SoakRun::servesFunctions));

            // EO functions spread evenly among the AL ones (every 4th or so), so each worker gets some of both
            for (int i = 0; i < s.functions(); i++) {
                boolean eo = s.eoFunctions() > 0
                        && (i * s.eoFunctions()) / s.functions() != ((i + 1) * s.eoFunctions()) / s.functions();
                fns.add(new Fn(i, eo));
            }
            for (Fn fn : fns) {
                fn.consumer = client.newConsumer(Schema.STRING).topic(fn.output).subscriptionName("soak")
                        .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest)
                        .messageListener((consumer, message) -> {
                            fn.receive(message.getValue());
                            consumer.acknowledgeAsync(message);
                        }).subscribe();
                // effectively once identifies inputs by ledger and entry: unbatched, as Pulsar requires
                fn.producer = client.newProducer(Schema.STRING).topic(fn.input).enableBatching(!fn.effectivelyOnce)
                        .create();
            }
            long createStart = System.nanoTime();
            for (int i = 0; i < fns.size(); i++) {
                Fn fn = fns.get(i);
                // through every worker in turn: followers forward their writes to the leader
                workers.get(i % workers.size()).admin.functions().createFunction(config(fn), jar.toString());
            }
            PulsarAdmin anyAdmin = workers.get(0).admin;
            awaitTrue("all " + fns.size() + " functions running", RUNNING_DEADLINE, () -> notRunning(anyAdmin, fns)
                    .isEmpty());
            progress(String.format(Locale.ROOT, "%d functions (%d EFFECTIVELY_ONCE) created and running in %.1f s",
                    fns.size(), s.eoFunctions(), (System.nanoTime() - createStart) / 1e9));

            // The producers: one tick per 1/rate s, the same number to every function's input.
            AtomicInteger next = new AtomicInteger();
            ticker = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "soak-producers"));
            long periodMicros = Math.round(1e6 / s.rate());
            ticker.scheduleAtFixedRate(() -> {
                int n = next.getAndIncrement();
                for (Fn fn : fns) {
                    fn.producer.sendAsync(Integer.toString(n)).whenComplete((id, e) -> {
                        if (e == null) {
                            fn.sendOk.incrementAndGet();
                        } else {
                            fn.failed(n);
                        }
                    });
                }
            }, 0, periodMicros, TimeUnit.MICROSECONDS);
            long t0 = System.nanoTime();
            long endAt = t0 + (long) (s.minutes() * 60e9);

            // The start figures once every function has processed some traffic.
            awaitTrue("first outputs of every function", Duration.ofMinutes(2),
                    () -> fns.stream().allMatch(fn -> fn.receivedDistinct() >= 5));
            Map<String, Collection<String>> assignments = assignments(workers);
            for (Worker w : workers) {
                w.start = snapshot(w, "start", assignments);
                progress("start " + describe(w.id, w.start));
            }

            long nextKillAt = System.nanoTime() + seconds(random, s.killMinSeconds(), s.killMaxSeconds());
            long lastReport = System.nanoTime();
            while (System.nanoTime() < endAt) {
                if (System.nanoTime() - lastReport > 30e9) {
                    lastReport = System.nanoTime();
                    progressLine(t0, next.get(), fns, workers);
                }
                if (System.nanoTime() < Math.min(nextKillAt, endAt)) {
                    Thread.sleep(200);
                    continue;
                }
                if (System.nanoTime() >= endAt) {
                    break;
                }
                Kill kill = killAndRestart(kills.size() + 1, t0, workers, fns, next, random, s, dist, problems);
                kills.add(kill);
                nextKillAt = Math.max(System.nanoTime() + (long) 5e9,
                        (long) (t0 + kill.atSeconds() * 1e9) + seconds(random, s.killMinSeconds(),
                                s.killMaxSeconds()));
            }

            // Stop the producers; everything they sent is settled once flushed.
            ticker.shutdown();
            ticker.awaitTermination(10, TimeUnit.SECONDS);
            for (Fn fn : fns) {
                try {
                    fn.producer.flush();
                } catch (PulsarClientException e) {
                    progress(fn.name + " flush: " + e);
                }
            }
            int attempted = next.get();
            double sendSeconds = (System.nanoTime() - t0) / 1e9;
            progress(String.format(Locale.ROOT, "producers stopped after %.1f s: %d numbers to each of %d functions",
                    sendSeconds, attempted, fns.size()));
            long drainStart = System.nanoTime();
            // Done when every number has its result; given up at the deadline, or once nothing new came for
            // idleSeconds (a lost number never arrives: waiting longer only delays the report).
            long[] lastChange = {System.nanoTime(), -1};
            boolean drained = awaitTrue("outputs drained, or idle", Duration.ofSeconds(s.drainSeconds()), () -> {
                if (fns.stream().allMatch(fn -> fn.caughtUp(attempted))) {
                    return true;
                }
                long distinct = fns.stream().mapToLong(Fn::receivedDistinct).sum();
                if (distinct != lastChange[1]) {
                    lastChange[0] = System.nanoTime();
                    lastChange[1] = distinct;
                }
                return System.nanoTime() - lastChange[0] > s.idleSeconds() * 1_000_000_000L;
            }, () -> progressLine(t0, attempted, fns, workers), false)
                    && fns.stream().allMatch(fn -> fn.caughtUp(attempted));
            double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
            if (!drained) {
                problems.add(String.format(Locale.ROOT, "outputs not drained (%.0f s, the last %d s without a new "
                                + "result): %s", drainSeconds, s.idleSeconds(),
                        fns.stream().filter(fn -> !fn.caughtUp(attempted)).map(fn -> fn.name).toList()));
            }
            assignments = assignments(workers);
            for (Worker w : workers) {
                if (w.alive()) {
                    w.end = snapshot(w, "end", assignments);
                    progress("end   " + describe(w.id, w.end));
                } else {
                    problems.add(w.id + " is not running at the end");
                }
            }
            // The truth is what the output topics hold: read each one whole.
            for (Fn fn : fns) {
                fn.tally = readOutput(client, fn, attempted);
            }
            for (Worker w : workers) {
                if (w.alive() && w.end != null && w.end.functionLoaders() > w.end.instances()) {
                    problems.add(w.id + " holds " + w.end.functionLoaders() + " function class loaders for "
                            + w.end.instances() + " instances assigned to it");
                }
            }

            String report = report(s, cluster, fns, workers, kills, problems, attempted, sendSeconds, drainSeconds,
                    drained);
            Files.createDirectories(benchDir);
            Path md = Files.writeString(benchDir.resolve("soak.md"), report, StandardCharsets.UTF_8);
            System.out.println();
            System.out.println(report);
            System.out.println("Written: " + md + "\nLogs: " + work);
            long lost = fns.stream().mapToLong(fn -> fn.tally.lost()).sum();
            long eoDuplicates = fns.stream().filter(fn -> fn.effectivelyOnce).mapToLong(fn -> fn.tally.duplicates())
                    .sum();
            if (lost > 0 || eoDuplicates > 0 || !problems.isEmpty()) {
                exit = 1;
            }
        } catch (IOException | RuntimeException | PulsarAdminException e) {
            System.err.println("[bench] soak FAILED: " + e);
            e.printStackTrace();
            for (Worker w : workers) {
                System.err.println("[bench] " + w.id + " log tail:\n" + BenchWorkers.tail(w.dir.resolve("worker.log"),
                        30));
            }
            exit = 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.err.println("[bench] interrupted");
            exit = 1;
        } finally {
            if (ticker != null) {
                ticker.shutdownNow();
            }
            for (Fn fn : fns) {
                closeQuietly(fn.producer);
                closeQuietly(fn.consumer);
            }
            for (Worker w : workers) {
                closeQuietly(w.admin);
                if (w.process != null) {
                    w.process.close();
                }
            }
            closeQuietly(client);
            if (cluster != null) {
                cluster.close();
            }
        }
        return exit;
    }

    /**
     * Loads every class of the outrigger-dev-cluster jar now: it is a SNAPSHOT in the local Maven repository, which
     * another build may overwrite during a half-hour run, and a class first needed at the end (the cluster's close)
     * would then be missing (NoClassDefFoundError seen in the first validation run).
     */
    private static void preloadDevCluster() {
        try {
            Path jar = Path.of(LocalPulsarCluster.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isRegularFile(jar)) {
                return; // classes from a directory (an IDE): nothing to protect
            }
            try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar.toFile())) {
                for (var entries = file.entries(); entries.hasMoreElements(); ) {
                    String name = entries.nextElement().getName();
                    if (name.endsWith(".class") && !name.endsWith("module-info.class")) {
                        Class.forName(name.substring(0, name.length() - 6).replace('/', '.'), false,
                                SoakRun.class.getClassLoader());
                    }
                }
            }
        } catch (Exception | LinkageError e) {
            progress("could not preload the dev-cluster classes: " + e);
        }
    }

    /** Which build of the runtime bundle runs: the distribution is unpacked from the local repository's SNAPSHOT. */
    private static String runtimeBundle(Path dist) {
        try (var files = Files.walk(dist.resolve("bundles"))) {
            return files.filter(f -> f.getFileName().toString().startsWith("dev.outrigger.runtime")
                            && f.toString().endsWith(".jar")).findFirst()
                    .map(f -> {
                        // its SHA-256: the tarball's timestamps are fixed, so only the content tells builds apart
                        try {
                            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                                    .digest(Files.readAllBytes(f));
                            return f.getFileName() + " sha256 " + java.util.HexFormat.of().formatHex(digest)
                                    .substring(0, 16);
                        } catch (IOException | java.security.NoSuchAlgorithmException e) {
                            return f.getFileName().toString();
                        }
                    }).orElse("no runtime bundle found");
        } catch (IOException e) {
            return e.toString();
        }
    }

    static FunctionConfig config(Fn fn) {
        FunctionConfig function = new FunctionConfig();
        function.setTenant("public");
        function.setNamespace(fn.namespace);
        function.setName(fn.name);
        function.setClassName(FunctionsBenchmark.EXCLAMATION);
        function.setInputs(List.of(fn.input));
        function.setOutput(fn.output);
        function.setRuntime(FunctionConfig.Runtime.JAVA);
        function.setProcessingGuarantees(fn.effectivelyOnce ? FunctionConfig.ProcessingGuarantees.EFFECTIVELY_ONCE
                : FunctionConfig.ProcessingGuarantees.ATLEAST_ONCE);
        // the inputs wait on the topic from the first number on, whenever the instance subscribes
        function.setSubscriptionPosition(SubscriptionInitialPosition.Earliest);
        return function;
    }

    /** Starts (or restarts) the worker from its file, its log appended; @return seconds to its first 200 */
    static double startWorker(Worker w, Path dist) throws InterruptedException {
        // the distribution's default JVM options, as operators run it; a data directory per worker, kept
        Map<String, String> env = Map.of("OUTRIGGER_JAVA_OPTS", "", "JAVA_HOME", System.getProperty("java.home"),
                "OUTRIGGER_DATA", w.dir.resolve("data").toString());
        long launch = System.nanoTime();
        w.process = WorkerProcess.start(dist, w.yml, w.dir.resolve("worker.log"), env);
        w.starts++;
        appendLog(w, "----- soak: start #" + w.starts + " at " + Instant.now() + " -----");
        BenchWorkers.Started started = new BenchWorkers.Started() {
            @Override
            public boolean isAlive() {
                return w.process.isAlive();
            }

            @Override
            public long launchedPid() {
                return w.process.pid();
            }

            @Override
            public String logTail() {
                return BenchWorkers.tail(w.dir.resolve("worker.log"), 40);
            }

            @Override
            public Integer stop() {
                w.process.close();
                return null;
            }
        };
        BenchWorkers.Ready ready = BenchWorkers.awaitReady(w.id, started,
                URI.create(w.config.adminUrl() + BenchWorkers.READY_PATH), launch);
        w.jvmPid = BenchWorkers.jvmPid(w.process.pid());
        if (w.admin == null) {
            try {
                w.admin = PulsarAdmin.builder().serviceHttpUrl(w.config.adminUrl()).build();
            } catch (PulsarClientException e) {
                throw new IllegalStateException(e);
            }
        }
        return (ready.nanos() - launch) / 1e9;
    }

    /** A marker line in the worker's log, so a reader sees where each incarnation begins and ends. */
    private static void appendLog(Worker w, String line) {
        try {
            Files.writeString(w.dir.resolve("worker.log"), line + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            // only a marker
        }
    }

    /**
     * SIGKILLs a random worker, restarts it after a random pause, and waits until every function has a result for
     * every number sent before the kill (its instances moved and resumed).
     */
    private static Kill killAndRestart(int number, long t0, List<Worker> workers, List<Fn> fns, AtomicInteger next,
                                       Random random, Settings s, Path dist, List<String> problems)
            throws InterruptedException {
        Worker victim = workers.get(random.nextInt(workers.size()));
        String leaderId = leader(workers);
        Map<String, Collection<String>> assignments = assignments(workers);
        int instances = assignments.getOrDefault(victim.id, List.of()).size();
        int sentBefore = next.get();
        long killAt = System.nanoTime();
        long pid = victim.jvmPid;
        appendLog(victim, "----- soak: kill -9 " + pid + " at " + Instant.now() + " -----");
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        victim.process.waitForExit(Duration.ofSeconds(30));
        victim.process.close(); // already dead: forgets its shutdown hook
        victim.kills++;
        double pause = s.pauseMinSeconds() + random.nextDouble() * (s.pauseMaxSeconds() - s.pauseMinSeconds());
        progress(String.format(Locale.ROOT, "kill #%d: %s (pid %d%s, %d instances) killed at %.0f s; restart in "
                        + "%.1f s", number, victim.id, pid, victim.id.equals(leaderId) ? ", leader" : "", instances,
                (killAt - t0) / 1e9, pause));
        Thread.sleep((long) (pause * 1000));
        double ready;
        try {
            ready = startWorker(victim, dist);
        } catch (IllegalStateException e) {
            problems.add("kill #" + number + ": " + victim.id + " did not come back: " + e.getMessage());
            progress("kill #" + number + ": " + victim.id + " did not come back, trying once more: " + e);
            victim.process.close();
            ready = startWorker(victim, dist);
        }
        // Resumed: every function has a result for a number sent after the kill (its instance runs again, wherever
        // it went). A lost number never comes, so catching up is not the criterion; gaps are noted, counted at the end.
        long recoveryDeadline = System.nanoTime() + RECOVERY_DEADLINE.toNanos();
        while (System.nanoTime() < recoveryDeadline && !fns.stream().allMatch(fn -> fn.resumedFrom(sentBefore))) {
            Thread.sleep(250);
        }
        double recovery = (System.nanoTime() - killAt) / 1e9;
        List<String> laggards = fns.stream().filter(fn -> !fn.resumedFrom(sentBefore)).map(fn -> fn.name).toList();
        if (!laggards.isEmpty()) {
            problems.add(String.format(Locale.ROOT, "kill #%d (%s): %s without any result of what was sent after "
                    + "the kill %d s after it", number, victim.id, laggards, RECOVERY_DEADLINE.toSeconds()));
        }
        // Everything sent until all resumed should have its result a little later: what the kill interrupted
        // (inputs in flight, results being published) included.
        int sentAtResume = next.get();
        long gapDeadline = System.nanoTime() + GAP_GRACE.toNanos();
        while (System.nanoTime() < gapDeadline && !fns.stream().allMatch(fn -> fn.caughtUp(sentAtResume))) {
            Thread.sleep(250);
        }
        // only gaps not listed with an earlier kill, so each kill shows what it left behind
        List<String> gaps = fns.stream().filter(fn -> !fn.caughtUp(sentAtResume))
                .filter(fn -> fn.reportedGap.getAndSet(fn.firstMissing()) != fn.firstMissing())
                .map(fn -> fn.name + " (first missing " + fn.firstMissing() + ")").toList();
        progress(String.format(Locale.ROOT, "kill #%d: %s up again %.1f s after its restart (pid %d); every "
                        + "function resumed %s%s", number, victim.id, ready, victim.jvmPid,
                laggards.isEmpty() ? String.format(Locale.ROOT, "%.1f s after the kill", recovery)
                        : "NOT within " + RECOVERY_DEADLINE.toSeconds() + " s: " + laggards,
                gaps.isEmpty() ? "" : "; " + GAP_GRACE.toSeconds() + " s later new gaps in the results of numbers "
                        + "sent before all resumed: " + gaps));
        return new Kill(number, (killAt - t0) / 1e9, victim.id, victim.id.equals(leaderId), instances, pid, pause,
                ready, laggards.isEmpty() ? recovery : Double.NaN, laggards, gaps, sentBefore);
    }

    /** Reads the output topic from its first message to its last. */
    private static SoakTally readOutput(PulsarClient client, Fn fn, int attempted) throws IOException {
        BitSet failed;
        synchronized (fn.sendFailed) {
            failed = (BitSet) fn.sendFailed.clone();
        }
        SoakTally tally = new SoakTally(attempted, failed);
        try (Reader<String> reader = client.newReader(Schema.STRING).topic(fn.output)
                .startMessageId(MessageId.earliest).create()) {
            while (reader.hasMessageAvailable()) {
                Message<String> message = reader.readNext(30, TimeUnit.SECONDS);
                if (message == null) {
                    throw new IOException("No message within 30 s from " + fn.output + " though one is available");
                }
                tally.record(message.getValue());
            }
        }
        return tally;
    }

    /** Java threads ({@code jcmd Thread.print}) and live objects ({@code jcmd GC.class_histogram}, a full GC). */
    static Snapshot snapshot(Worker w, String when, Map<String, Collection<String>> assignments) {
        Path threads = jcmd(w, "Thread.print", when + "-" + w.starts + "-threads.txt");
        Path histogram = jcmd(w, "GC.class_histogram", when + "-" + w.starts + "-histogram.txt");
        try {
            String dump = Files.readString(threads);
            Map<String, Long> objects = histogram(Files.readString(histogram));
            var rss = ProcStatus.rssKiB(w.jvmPid);
            return new Snapshot(when, w.jvmPid, w.starts, threadCount(dump),
                    objects.getOrDefault(FUNCTION_LOADER, 0L).intValue(),
                    objects.getOrDefault(API_LOADER, 0L).intValue(),
                    objects.getOrDefault(FunctionsBenchmark.EXCLAMATION, 0L).intValue(),
                    assignments.getOrDefault(w.id, List.of()).size(), rss.isPresent() ? rss.getAsLong() : null,
                    threadGroups(dump));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path jcmd(Worker w, String command, String file) {
        Path out = w.dir.resolve(file);
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(w.jvmPid), command)
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("jcmd " + w.jvmPid + " " + command + " did not finish in 120 s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("jcmd " + w.jvmPid + " " + command + " exited " + p.exitValue() + ": "
                        + BenchWorkers.tail(out, 5));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static final Pattern HISTOGRAM_LINE = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+\\d+\\s+(\\S+)");
    private static final Pattern THREAD_LINE = Pattern.compile("^\"(.*)\" #\\d+");

    /** Class name to live instances, from {@code jcmd <pid> GC.class_histogram}. */
    static Map<String, Long> histogram(String text) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            Matcher m = HISTOGRAM_LINE.matcher(line);
            if (m.find()) {
                out.merge(m.group(2), Long.parseLong(m.group(1)), Long::sum);
            }
        }
        return out;
    }

    /** Java threads in a {@code jcmd <pid> Thread.print} dump (those with a {@code #<id>}: not the VM's own). */
    static int threadCount(String dump) {
        int n = 0;
        for (String line : dump.split("\n")) {
            if (THREAD_LINE.matcher(line).find()) {
                n++;
            }
        }
        return n;
    }

    /** Java threads by name with digits folded to {@code N} (pool-N-thread-N), to see which kind grew. */
    static Map<String, Integer> threadGroups(String dump) {
        Map<String, Integer> out = new TreeMap<>();
        for (String line : dump.split("\n")) {
            Matcher m = THREAD_LINE.matcher(line);
            if (m.find()) {
                out.merge(m.group(1).replaceAll("\\d+", "N"), 1, Integer::sum);
            }
        }
        return out;
    }

    private static Map<String, Collection<String>> assignments(List<Worker> workers) {
        for (Worker w : workers) {
            if (w.alive()) {
                try {
                    return w.admin.worker().getAssignments();
                } catch (PulsarAdminException e) {
                    progress("assignments from " + w.id + ": " + e.getMessage());
                }
            }
        }
        return Map.of();
    }

    private static String leader(List<Worker> workers) {
        for (Worker w : workers) {
            if (w.alive()) {
                try {
                    return w.admin.worker().getClusterLeader().getWorkerId();
                } catch (PulsarAdminException e) {
                    // ask the next
                }
            }
        }
        return null;
    }

    private static boolean servesFunctions(Worker w) {
        try {
            w.admin.functions().getFunctions("public", AL_NAMESPACE);
            return true;
        } catch (PulsarAdminException e) {
            return false;
        }
    }

    private static int clusterSize(Worker w) {
        try {
            return w.admin.worker().getCluster().size();
        } catch (PulsarAdminException e) {
            return -1;
        }
    }

    private static List<String> notRunning(PulsarAdmin admin, List<Fn> fns) {
        List<String> out = new ArrayList<>();
        for (Fn fn : fns) {
            try {
                if (admin.functions().getFunctionStatus("public", fn.namespace, fn.name).getNumRunning() != 1) {
                    out.add(fn.name);
                }
            } catch (PulsarAdminException e) {
                out.add(fn.name);
            }
        }
        return out;
    }

    private static boolean awaitTrue(String what, Duration deadline, BooleanSupplier condition)
            throws InterruptedException {
        return awaitTrue(what, deadline, condition, () -> {
        }, true);
    }

    /** Polls every 250 ms until {@code condition} or the deadline; {@code onProgress} every 30 s. */
    private static boolean awaitTrue(String what, Duration deadline, BooleanSupplier condition, Runnable onProgress,
                                     boolean required) throws InterruptedException {
        long start = System.nanoTime();
        long lastProgress = start;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - start > deadline.toNanos()) {
                if (required) {
                    throw new IllegalStateException("Not within " + deadline.toSeconds() + " s: " + what);
                }
                return false;
            }
            if (System.nanoTime() - lastProgress > 30e9) {
                lastProgress = System.nanoTime();
                onProgress.run();
            }
            Thread.sleep(250);
        }
        progress(String.format(Locale.ROOT, "%s after %.1f s", what, (System.nanoTime() - start) / 1e9));
        return true;
    }

    private static long seconds(Random random, int min, int max) {
        return (long) ((min + random.nextDouble() * (max - min)) * 1e9);
    }

    private static void progressLine(long t0, int numbers, List<Fn> fns, List<Worker> workers) {
        long received = fns.stream().mapToLong(Fn::receivedDistinct).sum();
        long behind = fns.stream().filter(fn -> !fn.caughtUp(Math.max(0, numbers - 10))).count();
        progress(String.format(Locale.ROOT, "t=%.0f s: %d numbers sent to each function, %d distinct results in "
                        + "all (%d expected), %d functions more than 10 behind; workers alive: %s",
                (System.nanoTime() - t0) / 1e9, numbers, received, (long) numbers * fns.size(), behind,
                workers.stream().filter(Worker::alive).map(w -> w.id).toList()));
    }

    private static String describe(String id, Snapshot snap) {
        return String.format(Locale.ROOT, "%s (pid %d, start #%d): %d threads, %d FunctionClassLoader, %d ApiOnly, "
                        + "%d ExclamationFunction objects, %d instances assigned, RSS %s", id, snap.pid(),
                snap.incarnation(), snap.threads(), snap.functionLoaders(), snap.apiLoaders(),
                snap.functionObjects(), snap.instances(),
                snap.rssKiB() == null ? "?" : (snap.rssKiB() / 1024) + " MiB");
    }

    static String report(Settings s, LocalPulsarCluster cluster, List<Fn> fns, List<Worker> workers, List<Kill> kills,
                         List<String> problems, int attempted, double sendSeconds, double drainSeconds,
                         boolean drained) {
        StringBuilder out = new StringBuilder();
        long sent = fns.stream().mapToLong(fn -> fn.tally.attempted() - fn.tally.sendErrors()).sum();
        long sendErrors = fns.stream().mapToLong(fn -> fn.tally.sendErrors()).sum();
        long lostAl = fns.stream().filter(fn -> !fn.effectivelyOnce).mapToLong(fn -> fn.tally.lost()).sum();
        long lostEo = fns.stream().filter(fn -> fn.effectivelyOnce).mapToLong(fn -> fn.tally.lost()).sum();
        long dupAl = fns.stream().filter(fn -> !fn.effectivelyOnce).mapToLong(fn -> fn.tally.duplicates()).sum();
        long dupEo = fns.stream().filter(fn -> fn.effectivelyOnce).mapToLong(fn -> fn.tally.duplicates()).sum();
        long strays = fns.stream().mapToLong(fn -> fn.tally.strays()).sum();
        long eo = fns.stream().filter(fn -> fn.effectivelyOnce).count();
        boolean pass = lostAl + lostEo == 0 && dupEo == 0 && problems.isEmpty();
        out.append("# Soak: ").append(workers.size()).append(" Outrigger workers, ").append(fns.size())
                .append(" functions, a worker SIGKILLed every ").append(s.killMinSeconds()).append("-")
                .append(s.killMaxSeconds()).append(" s\n\n");
        out.append("Result: **").append(pass ? "PASS" : "FAIL").append("**\n\n");
        out.append("- Run ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append(" on ")
                .append(Runtime.getRuntime().availableProcessors()).append(" CPUs, ").append(BenchWorkers.memTotal())
                .append(", Java ").append(System.getProperty("java.runtime.version")).append('\n');
        out.append("- Settings: ").append(s).append('\n');
        out.append("- Distribution: ").append(BenchWorkers.distribution()).append(" (")
                .append(runtimeBundle(BenchWorkers.distribution())).append(")\n");
        out.append("- One Pulsar 4.0.8 cluster on loopback (ZooKeeper, broker, one bookie: ")
                .append(cluster.webServiceUrl()).append("), workers' namespace ").append(WORKERS_NAMESPACE)
                .append(", each worker `bin/outrigger` with the distribution's default JVM options\n");
        out.append("- Functions: ExclamationFunction of pulsar-functions-api-examples 4.0.8, 1 instance each, ")
                .append(fns.size() - eo).append(" ATLEAST_ONCE in public/").append(AL_NAMESPACE).append(", ")
                .append(eo).append(" EFFECTIVELY_ONCE in public/").append(EO_NAMESPACE)
                .append(" (broker deduplication on, unbatched inputs); inputs numbered 0..")
                .append(attempted - 1).append(String.format(Locale.ROOT, ", %.1f msg/s per function", s.rate()))
                .append('\n');
        out.append(String.format(Locale.ROOT, "- Sending: %.1f min; drain after the producers stopped: %.1f s%s%n",
                sendSeconds / 60, drainSeconds, drained ? "" : " (NOT drained)"));
        out.append("- Counted by reading every output topic whole at the end (a Reader from the earliest message): "
                + "lost = a number sent without any output; duplicates = outputs beyond the first of a number\n\n");

        out.append("| Figure | Value |\n| --- | --- |\n");
        out.append("| functions (ATLEAST_ONCE / EFFECTIVELY_ONCE) | ").append(fns.size() - eo).append(" / ").append(eo)
                .append(" |\n");
        out.append("| messages sent (all functions) | ").append(sent).append(" |\n");
        out.append("| send errors | ").append(sendErrors).append(" |\n");
        out.append("| kills performed (SIGKILL + restart) | ").append(kills.size()).append(" |\n");
        out.append("| lost, ATLEAST_ONCE (must be 0) | ").append(lostAl).append(" |\n");
        out.append("| lost, EFFECTIVELY_ONCE (must be 0) | ").append(lostEo).append(" |\n");
        out.append("| duplicated results, EFFECTIVELY_ONCE (must be 0) | ").append(dupEo).append(" |\n");
        out.append("| duplicated results, ATLEAST_ONCE (allowed) | ").append(dupAl).append(" in ")
                .append(fns.stream().filter(fn -> !fn.effectivelyOnce).mapToLong(fn -> fn.tally.duplicatedNumbers())
                        .sum()).append(" numbers |\n");
        out.append("| stray outputs (not a number sent) | ").append(strays).append(" |\n\n");

        out.append("| Worker | starts | kills | threads start -> end | FunctionClassLoader start -> end "
                + "| ApiOnly start -> end | ExclamationFunction objects start -> end "
                + "| instances assigned start -> end | RSS MiB start -> end |\n");
        out.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (Worker w : workers) {
            out.append("| ").append(w.id).append(" | ").append(w.starts).append(" | ").append(w.kills).append(" | ")
                    .append(pair(w, Snapshot::threads)).append(" | ").append(pair(w, Snapshot::functionLoaders))
                    .append(" | ").append(pair(w, Snapshot::apiLoaders)).append(" | ")
                    .append(pair(w, Snapshot::functionObjects)).append(" | ").append(pair(w, Snapshot::instances))
                    .append(" | ").append(pair(w, snap -> snap.rssKiB() == null ? -1 : (int) (snap.rssKiB() / 1024)))
                    .append(" |\n");
        }
        out.append("\nStart = the first incarnation once every function had results (before any kill); end = the "
                + "incarnation running after the drain (a worker killed in between is a later JVM: compare its "
                + "loaders with the instances it holds). Figures from `jcmd <pid> Thread.print` (Java threads) and "
                + "`jcmd <pid> GC.class_histogram` (live objects after a full GC).\n\n");
        for (Worker w : workers) {
            if (w.start != null && w.end != null) {
                List<String> changed = new ArrayList<>();
                java.util.Set<String> names = new java.util.TreeSet<>(w.start.threadGroups().keySet());
                names.addAll(w.end.threadGroups().keySet());
                for (String name : names) {
                    int a = w.start.threadGroups().getOrDefault(name, 0);
                    int b = w.end.threadGroups().getOrDefault(name, 0);
                    if (a != b) {
                        changed.add("`" + name + "` " + a + " -> " + b);
                    }
                }
                out.append("- ").append(w.id).append(" thread names that changed in number: ")
                        .append(changed.isEmpty() ? "none" : String.join(", ", changed)).append('\n');
            }
        }

        out.append("\n| Kill | at s | worker | leader | instances on it | pid | pause s | restart -> ready s "
                + "| kill -> all resumed s | new gaps " + GAP_GRACE.toSeconds() + " s later |\n"
                + "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (Kill k : kills) {
            out.append(String.format(Locale.ROOT, "| %d | %.0f | %s | %s | %d | %d | %.1f | %.1f | %s | %s |%n",
                    k.number(), k.atSeconds(), k.worker(), k.leader() ? "yes" : "", k.instances(), k.pid(),
                    k.pauseSeconds(), k.readySeconds(), Double.isNaN(k.recoverySeconds()) ? "NOT within "
                            + RECOVERY_DEADLINE.toSeconds() + " s: " + k.laggards()
                            : String.format(Locale.ROOT, "%.1f", k.recoverySeconds()),
                    k.gaps().isEmpty() ? "" : String.join(", ", k.gaps())));
        }
        out.append("\n\"Resumed\" = every function has a result for a number sent after the kill. \"New gaps\" = "
                + "functions without a result for some number sent before all resumed, " + GAP_GRACE.toSeconds()
                + " s after that, whose first missing number was not listed with an earlier kill (an indication "
                + "only: the counts below decide).\n\n");

        out.append("| Function | guarantee | sent | send errors | outputs read | lost | duplicates | first lost "
                + "| lost after kill # | first duplicated |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (Fn fn : fns) {
            SoakTally t = fn.tally;
            out.append("| ").append(fn.name).append(" | ").append(fn.guarantee()).append(" | ")
                    .append(t.attempted() - t.sendErrors()).append(" | ").append(t.sendErrors()).append(" | ")
                    .append(t.outputs()).append(" | ").append(t.lost()).append(" | ").append(t.duplicates())
                    .append(" | ").append(t.firstLost(5)).append(" | ").append(lostAfter(t, kills)).append(" | ")
                    .append(t.firstDuplicated(5)).append(" |\n");
        }
        if (!problems.isEmpty()) {
            out.append("\nProblems:\n");
            problems.forEach(p -> out.append("- ").append(p).append('\n'));
        }
        return out.toString();
    }

    /** The kills after which each lost number was sent (the last kill at or before it), e.g. "[2, 5]". */
    static String lostAfter(SoakTally t, List<Kill> kills) {
        java.util.Set<Integer> after = new java.util.TreeSet<>();
        for (int n : t.firstLost(Integer.MAX_VALUE)) {
            int kill = 0;
            for (Kill k : kills) {
                if (k.sentBefore() <= n) {
                    kill = k.number();
                }
            }
            after.add(kill);
        }
        return after.isEmpty() ? "" : after.toString();
    }

    private static String pair(Worker w, java.util.function.ToIntFunction<Snapshot> figure) {
        String a = w.start == null ? "?" : Integer.toString(figure.applyAsInt(w.start));
        String b = w.end == null ? "?" : Integer.toString(figure.applyAsInt(w.end));
        return a + " -> " + b;
    }

    static int intProperty(String name, int fallback) {
        String value = System.getProperty(name, "").trim();
        return value.isEmpty() ? fallback : Integer.parseInt(value);
    }

    static long longProperty(String name, long fallback) {
        String value = System.getProperty(name, "").trim();
        return value.isEmpty() ? fallback : Long.parseLong(value);
    }

    static double doubleProperty(String name, double fallback) {
        String value = System.getProperty(name, "").trim();
        return value.isEmpty() ? fallback : Double.parseDouble(value);
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
