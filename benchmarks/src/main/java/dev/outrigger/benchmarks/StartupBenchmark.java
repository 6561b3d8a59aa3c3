package dev.outrigger.benchmarks;

import static dev.outrigger.benchmarks.BenchWorkers.Launcher;
import static dev.outrigger.benchmarks.BenchWorkers.POLL_INTERVAL;
import static dev.outrigger.benchmarks.BenchWorkers.READY_PATH;
import static dev.outrigger.benchmarks.BenchWorkers.Ready;
import static dev.outrigger.benchmarks.BenchWorkers.Started;
import static dev.outrigger.benchmarks.BenchWorkers.abbreviate;
import static dev.outrigger.benchmarks.BenchWorkers.awaitReady;
import static dev.outrigger.benchmarks.BenchWorkers.defaultJavaOpts;
import static dev.outrigger.devcluster.LocalPulsarCluster.deleteRecursively;
import static dev.outrigger.benchmarks.BenchWorkers.jvmPid;
import static dev.outrigger.benchmarks.BenchWorkers.memTotal;
import static dev.outrigger.benchmarks.BenchWorkers.outrigger;
import static dev.outrigger.benchmarks.BenchWorkers.progress;
import static dev.outrigger.benchmarks.BenchWorkers.pulsar;

import dev.outrigger.devcluster.LocalPulsarCluster;
import java.io.IOException;
import java.net.URI;
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
import java.util.OptionalLong;

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

    private StartupBenchmark() {
    }

    public static void main(String[] args) {
        System.exit(run());
    }

    /** Runs the benchmark; @return the process exit code (0 = done, 1 = failed, 2 = nothing to measure) */
    static int run() {
        int runs = Integer.getInteger("runs", 5);
        int settleSeconds = Integer.getInteger("settleSeconds", 10);
        int warmup = Integer.getInteger("warmup", 1);
        if (runs < 1 || settleSeconds < 0 || warmup < 0) {
            throw new IllegalArgumentException("runs must be >= 1, settleSeconds and warmup >= 0");
        }
        Path dist = BenchWorkers.distribution();
        Path benchDir = BenchWorkers.benchDir();
        Path script = BenchWorkers.outriggerScript(dist);
        if (script == null) {
            return 2;
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
                    RunResult result = measure(launcher, "bench-" + launcher.letter() + "-w" + (w + 1), -1 - w, 0, work.resolve("warmup-" + (w + 1) + "-"
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
                    RunResult result = measure(launcher, "bench-" + launcher.letter() + "-" + run, run, order, work.resolve("run-" + (run + 1) + "-"
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
        return exit;
    }

    /** One start: launch, poll until ready, RSS now and after the settle time, then stop. Always stops the worker. */
    static RunResult measure(Launcher launcher, String workerId, int run, int order, Path runDir, int settleSeconds)
            throws InterruptedException {
        long[] launchNanos = new long[1];
        Map.Entry<String, Started> entry = launcher.start(workerId, runDir, launchNanos);
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

    private static long mib(long kib) {
        return Math.round(kib / 1024.0);
    }


}
