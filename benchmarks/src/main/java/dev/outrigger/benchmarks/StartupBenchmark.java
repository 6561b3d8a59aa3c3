package dev.outrigger.benchmarks;

import dev.outrigger.devcluster.JavaProcess;
import dev.outrigger.devcluster.LocalPulsarCluster;
import dev.outrigger.devcluster.PulsarClasspath;
import dev.outrigger.devcluster.WorkerConfig;
import dev.outrigger.devcluster.WorkerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Start-up time and memory of the assembled Outrigger worker against Pulsar 4.0.8's own functions worker
 * ({@code FunctionWorkerStarter}), both run against one real local Pulsar cluster started once. The two workers
 * alternate run by run (O P, P O, O P, ...) so that machine noise hits both alike.
 *
 * <p>Per start: wall time from process launch to the first HTTP 200 of {@code GET /admin/v2/worker/cluster} (polled
 * every 50 ms), VmRSS of the worker's JVM at that moment and {@code settleSeconds} later, then SIGTERM and the time to
 * exit. System properties: {@code runs} (5), {@code settleSeconds} (10), {@code outrigger.dist} (the unpacked
 * distribution), {@code bench.dir} (where the work files and {@code startup.md} / {@code startup.json} go).
 */
public final class StartupBenchmark {

    static final String READY_PATH = "/admin/v2/worker/cluster";
    static final Duration POLL_INTERVAL = Duration.ofMillis(50);
    static final Duration READY_DEADLINE = Duration.ofSeconds(180);
    static final Duration STOP_GRACE = Duration.ofSeconds(30);
    static final String PULSAR_MAIN = "org.apache.pulsar.functions.worker.FunctionWorkerStarter";
    static final List<String> PULSAR_HEAP = List.of("-Xmx384m");

    /**
     * What Pulsar's bin/pulsar passes on Java 17; the same list as LocalPulsarCluster's (package-private there), which
     * adds {@code com.sun.management.internal} to the reference's list.
     */
    static final List<String> JAVA17_OPENS = List.of(
            "--add-opens", "java.base/java.lang=ALL-UNNAMED",
            "--add-opens", "java.base/java.io=ALL-UNNAMED",
            "--add-opens", "java.base/java.util=ALL-UNNAMED",
            "--add-opens", "java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens", "java.base/sun.net=ALL-UNNAMED",
            "--add-opens", "java.management/sun.management=ALL-UNNAMED",
            "--add-opens", "jdk.management/com.sun.management=ALL-UNNAMED",
            "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens", "java.base/java.nio=ALL-UNNAMED",
            "--add-opens", "java.base/java.util.zip=ALL-UNNAMED",
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED");

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1))
            .build();

    private StartupBenchmark() {
    }

    /** A worker started for one run. */
    interface Started {
        boolean isAlive();

        /** The pid of the launched process (for Outrigger the bash script, which execs java). */
        long launchedPid();

        String logTail();

        /** SIGTERM, wait for exit (SIGKILL after the grace time); @return the exit code, or null */
        Integer stop() throws InterruptedException;
    }

    /** Starts one of the two workers for run {@code run}, with its files in {@code runDir}. */
    interface Launcher {
        String key();

        String label();

        String describe();

        /** @return the admin URL once written, and the started process */
        Map.Entry<String, Started> start(int run, Path runDir, long[] launchNanos);
    }

    public static void main(String[] args) {
        int runs = Integer.getInteger("runs", 5);
        int settleSeconds = Integer.getInteger("settleSeconds", 10);
        int warmup = Integer.getInteger("warmup", 1);
        if (runs < 1 || settleSeconds < 0 || warmup < 0) {
            throw new IllegalArgumentException("runs must be >= 1, settleSeconds and warmup >= 0");
        }
        Path dist = Path.of(System.getProperty("outrigger.dist", "target/dist/outrigger-0.1.0-SNAPSHOT"))
                .toAbsolutePath().normalize();
        Path benchDir = Path.of(System.getProperty("bench.dir", "target")).toAbsolutePath().normalize();
        Path script = dist.resolve("bin/outrigger");
        if (!Files.isRegularFile(script)) {
            fail("No Outrigger distribution at " + dist + " (run the build with -Pbench, or set -Doutrigger.dist)");
        }
        Path work = benchDir.resolve("startup-bench");
        int exit = 0;
        LocalPulsarCluster cluster = null;
        try {
            deleteRecursively(work);
            progress("runs=" + runs + ", warmup=" + warmup + ", settle=" + settleSeconds + " s, distribution " + dist);
            cluster = LocalPulsarCluster.start(work.resolve("pulsar-cluster"));
            LocalPulsarCluster stopOnExit = cluster;
            Runtime.getRuntime().addShutdownHook(new Thread(stopOnExit::close, "bench-cluster-stop"));

            Launcher outrigger = outrigger(cluster, dist, defaultJavaOpts(Files.readString(script)));
            Launcher pulsar = pulsar(cluster);
            // Unmeasured: the first functions namespace and topics a fresh broker creates take seconds longer
            // (broker-side class loading and JIT, first ledgers on the bookie), and the first launch of each
            // worker reads its jars from disk. Whoever started first would pay for that.
            for (int w = 0; w < warmup; w++) {
                for (Launcher launcher : List.of(outrigger, pulsar)) {
                    RunResult result = measure(launcher, -1 - w, 0, work.resolve("warmup-" + (w + 1) + "-"
                            + launcher.key()), 0);
                    progress(String.format(Locale.ROOT, "warm-up %d/%d %-12s ready %6.2f s, RSS %4d MiB (not counted)",
                            w + 1, warmup, launcher.label(), result.readyMillis() / 1000.0,
                            mib(result.rssReadyKiB())));
                }
            }
            List<RunResult> outriggerRuns = new ArrayList<>();
            List<RunResult> pulsarRuns = new ArrayList<>();
            for (int run = 0; run < runs; run++) {
                boolean outriggerFirst = run % 2 == 0;
                for (int order = 0; order < 2; order++) {
                    boolean isOutrigger = outriggerFirst == (order == 0);
                    Launcher launcher = isOutrigger ? outrigger : pulsar;
                    RunResult result = measure(launcher, run, order, work.resolve("run-" + (run + 1) + "-"
                            + launcher.key()), settleSeconds);
                    (isOutrigger ? outriggerRuns : pulsarRuns).add(result);
                    progress(String.format(Locale.ROOT,
                            "run %d/%d %-12s ready %6.2f s, RSS %4d MiB, +%d s %4d MiB, stop %5.2f s (exit %s): %s",
                            run + 1, runs, launcher.label(), result.readyMillis() / 1000.0,
                            mib(result.rssReadyKiB()), settleSeconds, mib(result.rssSettledKiB()),
                            result.stopMillis() / 1000.0, result.exitCode(), abbreviate(result.readyBody())));
                }
            }

            Report report = new Report("Worker start-up: Outrigger vs Pulsar 4.0.8's functions worker",
                    notes(runs, warmup, settleSeconds, cluster),
                    settleSeconds,
                    new Report.Worker(outrigger.key(), outrigger.label(), outrigger.describe(), outriggerRuns),
                    new Report.Worker(pulsar.key(), pulsar.label(), pulsar.describe(), pulsarRuns));
            Path md = Files.writeString(benchDir.resolve("startup.md"), report.markdown(), StandardCharsets.UTF_8);
            Path json = Files.writeString(benchDir.resolve("startup.json"), report.json(), StandardCharsets.UTF_8);
            System.out.println();
            System.out.println(report.summaryTable());
            System.out.println(report.runsTable());
            System.out.println("Written: " + md + "\n         " + json);
        } catch (IOException e) {
            System.err.println("[bench] FAILED: " + e);
            exit = 1;
        } catch (RuntimeException e) {
            System.err.println("[bench] FAILED: " + e.getMessage());
            e.printStackTrace();
            exit = 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.err.println("[bench] interrupted");
            exit = 1;
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
        System.exit(exit);
    }

    /** One start: launch, poll until ready, RSS now and after the settle time, then stop. Always stops the worker. */
    static RunResult measure(Launcher launcher, int run, int order, Path runDir, int settleSeconds)
            throws InterruptedException {
        long[] launchNanos = new long[1];
        Map.Entry<String, Started> entry = launcher.start(run, runDir, launchNanos);
        Started worker = entry.getValue();
        boolean stopped = false;
        try {
            Ready ready = awaitReady(launcher.label(), worker, URI.create(entry.getKey() + READY_PATH),
                    launchNanos[0]);
            long jvm = jvmPid(worker.launchedPid());
            long rssReady = rss(jvm);
            long settleEnd = System.nanoTime() + Duration.ofSeconds(settleSeconds).toNanos();
            while (System.nanoTime() - settleEnd < 0) {
                if (!worker.isAlive()) {
                    throw new IllegalStateException(launcher.label() + " died after it was ready:\n"
                            + worker.logTail());
                }
                Thread.sleep(Math.min(500, Math.max(1, (settleEnd - System.nanoTime()) / 1_000_000)));
            }
            long rssSettled = rss(jvm);
            long t0 = System.nanoTime();
            Integer exitCode = worker.stop();
            stopped = true;
            double stopMillis = (System.nanoTime() - t0) / 1e6;
            return new RunResult(run, order, jvm, (ready.nanos() - launchNanos[0]) / 1e6, rssReady, rssSettled,
                    stopMillis, exitCode, ready.body());
        } finally {
            if (!stopped) {
                worker.stop();
            }
        }
    }

    /** When the first 200 came (System.nanoTime()) and what it said. */
    record Ready(long nanos, String body) {
    }

    /** Polls every 50 ms until the first 200. */
    private static Ready awaitReady(String label, Started worker, URI uri, long launchNanos)
            throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build();
        long deadline = launchNanos + READY_DEADLINE.toNanos();
        String last = "no answer yet";
        while (true) {
            if (!worker.isAlive()) {
                throw new IllegalStateException(label + " exited before it was ready (last: " + last + "):\n"
                        + worker.logTail());
            }
            try {
                HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return new Ready(System.nanoTime(), response.body());
                }
                last = "HTTP " + response.statusCode() + " " + abbreviate(response.body());
            } catch (IOException e) {
                last = e.toString();
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(label + " not ready within " + READY_DEADLINE.toSeconds()
                        + " s (last: " + last + "):\n" + worker.logTail());
            }
            Thread.sleep(POLL_INTERVAL.toMillis());
        }
    }

    static Launcher outrigger(LocalPulsarCluster cluster, Path dist, String defaultOpts) {
        return new Launcher() {
            @Override
            public String key() {
                return "outrigger";
            }

            @Override
            public String label() {
                return "Outrigger";
            }

            @Override
            public String describe() {
                return "bin/outrigger --config functions_worker.yml (its default JVM options: " + defaultOpts + ")";
            }

            @Override
            public Map.Entry<String, Started> start(int run, Path runDir, long[] launchNanos) {
                WorkerConfig config = WorkerConfig.forCluster(cluster, "bench-o-" + run, "public/bench-o-" + run)
                        .set("downloadDirectory", runDir.resolve("download").toString());
                Path yml = config.write(runDir.resolve("functions_worker.yml"));
                Path log = runDir.resolve("worker.log");
                // An empty OUTRIGGER_JAVA_OPTS makes the script use its defaults (${OUTRIGGER_JAVA_OPTS:-...}) even
                // if this JVM's environment sets it; JAVA_HOME makes it run the same JDK as Pulsar's worker.
                Map<String, String> env = Map.of("OUTRIGGER_JAVA_OPTS", "",
                        "JAVA_HOME", System.getProperty("java.home"));
                launchNanos[0] = System.nanoTime();
                WorkerProcess process = WorkerProcess.start(dist, yml, log, env);
                return Map.entry(config.adminUrl(), new Started() {
                    @Override
                    public boolean isAlive() {
                        return process.isAlive();
                    }

                    @Override
                    public long launchedPid() {
                        return process.pid();
                    }

                    @Override
                    public String logTail() {
                        return tail(log, 40);
                    }

                    @Override
                    public Integer stop() throws InterruptedException {
                        process.close();
                        return process.waitForExit(Duration.ZERO);
                    }
                });
            }
        };
    }

    static Launcher pulsar(LocalPulsarCluster cluster) {
        Path log4j = cluster.workDir().resolve("conf/log4j2.xml");
        List<String> jvm = new ArrayList<>(PULSAR_HEAP);
        jvm.addAll(JAVA17_OPENS);
        jvm.add("-Dlog4j2.configurationFile=" + log4j);
        List<Path> classpath = PulsarClasspath.jars();
        return new Launcher() {
            @Override
            public String key() {
                return "pulsar";
            }

            @Override
            public String label() {
                return "Pulsar 4.0.8";
            }

            @Override
            public String describe() {
                return "java " + String.join(" ", PULSAR_HEAP) + " <--add-opens of bin/pulsar> -cp <"
                        + classpath.size() + " jars> " + PULSAR_MAIN + " -c functions_worker.yml";
            }

            @Override
            public Map.Entry<String, Started> start(int run, Path runDir, long[] launchNanos) {
                int port = WorkerConfig.freePort();
                Map<String, Object> keys = pulsarWorkerConfig(cluster.brokerServiceUrl(), cluster.webServiceUrl(),
                        cluster.clusterName(), cluster.metadataStoreUrl(), "bench-p-" + run, "public/bench-p-" + run,
                        port, runDir);
                Path yml = writeYaml(runDir.resolve("functions_worker.yml"), keys);
                Path log = runDir.resolve("worker.log");
                launchNanos[0] = System.nanoTime();
                JavaProcess process = JavaProcess.start("pulsar-worker-" + (run + 1), runDir, classpath, jvm,
                        PULSAR_MAIN, List.of("-c", yml.toString()), log, true);
                return Map.entry("http://127.0.0.1:" + port, new Started() {
                    @Override
                    public boolean isAlive() {
                        return process.isAlive();
                    }

                    @Override
                    public long launchedPid() {
                        return process.pid();
                    }

                    @Override
                    public String logTail() {
                        return process.tail(40);
                    }

                    @Override
                    public Integer stop() throws InterruptedException {
                        process.stop(STOP_GRACE);
                        return process.waitFor(Duration.ZERO);
                    }
                });
            }
        };
    }

    /** The keys Pulsar's own worker needs to run standalone against the local cluster, with the thread runtime. */
    static Map<String, Object> pulsarWorkerConfig(String serviceUrl, String webServiceUrl, String clusterName,
                                                  String metadataStoreUrl, String workerId, String namespace,
                                                  int port, Path runDir) {
        Map<String, Object> keys = new LinkedHashMap<>();
        keys.put("workerId", workerId);
        keys.put("workerHostname", "127.0.0.1");
        keys.put("workerPort", port);
        keys.put("pulsarServiceUrl", serviceUrl);
        keys.put("pulsarWebServiceUrl", webServiceUrl);
        keys.put("pulsarFunctionsCluster", clusterName);
        keys.put("pulsarFunctionsNamespace", namespace);
        keys.put("numFunctionPackageReplicas", 1);
        keys.put("configurationMetadataStoreUrl", metadataStoreUrl);
        keys.put("downloadDirectory", runDir.resolve("download").toString());
        keys.put("narExtractionDirectory", runDir.resolve("nar").toString());
        keys.put("functionRuntimeFactoryClassName", "org.apache.pulsar.functions.runtime.thread.ThreadRuntimeFactory");
        // Without a config map the thread runtime fails with an NPE; this is the commented-out example of Pulsar's
        // conf/functions_worker.yml.
        keys.put("functionRuntimeFactoryConfigs", Map.of("threadGroupName", "Thread Function Container Group"));
        // These have no default in Pulsar's WorkerConfig class (null or 0), only in its shipped
        // conf/functions_worker.yml: without them the worker creates topics named "null" and dies with an NPE
        // (schedulerClassName), or schedules checks every 0 ms. Values as shipped.
        keys.put("functionMetadataTopicName", "metadata");
        keys.put("clusterCoordinationTopicName", "coordinate");
        keys.put("functionAssignmentTopicName", "assignments");
        keys.put("schedulerClassName", "org.apache.pulsar.functions.worker.scheduler.RoundRobinScheduler");
        keys.put("failureCheckFreqMs", 30000);
        keys.put("rescheduleTimeoutMs", 60000);
        keys.put("rebalanceCheckFreqSec", -1);
        keys.put("initialBrokerReconnectMaxRetries", 60);
        keys.put("assignmentWriteMaxRetries", 60);
        keys.put("instanceLivenessCheckFreqMs", 30000);
        return keys;
    }

    /** Block YAML: strings double-quoted, maps nested by two spaces. */
    static String yaml(Map<String, ?> keys) {
        StringBuilder out = new StringBuilder();
        appendYaml(out, keys, "");
        return out.toString();
    }

    private static void appendYaml(StringBuilder out, Map<String, ?> keys, String indent) {
        for (Map.Entry<String, ?> e : keys.entrySet()) {
            Object value = e.getValue();
            out.append(indent).append(e.getKey()).append(':');
            if (value instanceof Map<?, ?> map) {
                out.append('\n');
                Map<String, Object> nested = new LinkedHashMap<>();
                map.forEach((k, v) -> nested.put(String.valueOf(k), v));
                appendYaml(out, nested, indent + "  ");
            } else if (value instanceof Number || value instanceof Boolean) {
                out.append(' ').append(value).append('\n');
            } else {
                out.append(" \"").append(String.valueOf(value).replace("\\", "\\\\").replace("\"", "\\\""))
                        .append("\"\n");
            }
        }
    }

    private static Path writeYaml(Path file, Map<String, Object> keys) {
        try {
            Files.createDirectories(file.getParent());
            return Files.writeString(file, yaml(keys), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    /** The default of {@code ${OUTRIGGER_JAVA_OPTS:-...}} in bin/outrigger, or "?" if the script has changed shape. */
    static String defaultJavaOpts(String script) {
        Matcher m = Pattern.compile("\\$\\{OUTRIGGER_JAVA_OPTS:-([^}]*)}").matcher(script);
        return m.find() ? m.group(1).trim() : "?";
    }

    /**
     * The JVM behind the launched process: bin/outrigger execs java, so it is normally that pid itself; otherwise
     * (a wrapper that forks) its one java descendant.
     */
    static long jvmPid(long launched) {
        Optional<String> status = ProcStatus.read(launched);
        if (status.isPresent() && ProcStatus.name(status.get()).equals("java")) {
            return launched;
        }
        return ProcessHandle.of(launched).stream()
                .flatMap(ProcessHandle::descendants)
                .filter(p -> ProcStatus.read(p.pid()).map(ProcStatus::name).orElse("").equals("java"))
                .map(ProcessHandle::pid)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("No java process at or under pid " + launched + " ("
                        + status.map(ProcStatus::name).orElse("gone") + ")"));
    }

    private static long rss(long pid) {
        OptionalLong rss = ProcStatus.rssKiB(pid);
        if (rss.isEmpty()) {
            throw new IllegalStateException("Cannot read VmRSS of pid " + pid + " (not Linux, or the process is gone)");
        }
        return rss.getAsLong();
    }

    private static List<String> notes(int runs, int warmup, int settleSeconds, LocalPulsarCluster cluster) {
        List<String> notes = new ArrayList<>();
        notes.add("Measured " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + " on "
                + Runtime.getRuntime().availableProcessors() + " CPUs, " + memTotal() + ", Java "
                + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.name") + ")");
        notes.add(runs + " runs, each starting both workers in turn (order alternating run by run) against one "
                + "real Pulsar 4.0.8 cluster on loopback (ZooKeeper + standalone broker + one bookie, started once: "
                + cluster.webServiceUrl() + "), after " + warmup + " unmeasured warm-up start(s) of each");
        notes.add("ready = process launch to the first HTTP 200 of GET " + READY_PATH + ", polled every "
                + POLL_INTERVAL.toMillis() + " ms; RSS = VmRSS of the worker's JVM at that moment and "
                + settleSeconds + " s later; stop = SIGTERM to exit");
        notes.add("each start has its own functions namespace (public/bench-o-<i>, public/bench-p-<i>) and run directory");
        return notes;
    }

    private static String memTotal() {
        try {
            String meminfo = Files.readString(Path.of("/proc/meminfo"));
            String value = ProcStatus.field(meminfo, "MemTotal");
            if (value != null && value.endsWith(" kB")) {
                long kib = Long.parseLong(value.substring(0, value.length() - 3).trim());
                return String.format(Locale.ROOT, "%.1f GiB RAM", kib / 1024.0 / 1024.0);
            }
        } catch (IOException | NumberFormatException e) {
            // fall through
        }
        return "? RAM";
    }

    private static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    private static long mib(long kib) {
        return Math.round(kib / 1024.0);
    }

    private static String abbreviate(String s) {
        String one = s.replace('\n', ' ');
        return one.length() > 200 ? one.substring(0, 200) + "..." : one;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void fail(String message) {
        System.err.println("[bench] " + message);
        System.exit(2);
    }

    private static void progress(String message) {
        System.err.println("[bench] " + message);
    }
}
