package dev.outrigger.devcluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An Outrigger worker run from an unpacked distribution exactly as an operator runs it, {@code bin/outrigger --config
 * file}, with stdout and stderr in one log file. A JVM shutdown hook stops it, so a test run that ends, even by
 * Ctrl-C, leaves no worker behind.
 */
public final class WorkerProcess implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final Thread stopOnExit;

    private WorkerProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.stopOnExit = new Thread(() -> stop(Duration.ofSeconds(10)), "outrigger-worker-stop-" + process.pid());
        Runtime.getRuntime().addShutdownHook(stopOnExit);
    }

    /**
     * @param distribution the unpacked distribution (holds {@code bin/outrigger})
     * @param config the {@code functions_worker.yml} to run with
     * @param log where its output goes (appended), or null to share this process's stdout and stderr
     * @param environment extra environment variables, e.g. {@code OUTRIGGER_JAVA_OPTS}
     */
    public static WorkerProcess start(Path distribution, Path config, Path log, Map<String, String> environment) {
        Path script = distribution.resolve("bin/outrigger");
        if (!Files.isRegularFile(script)) {
            throw new IllegalArgumentException("No Outrigger distribution at " + distribution + " (no bin/outrigger)");
        }
        try {
            ProcessBuilder builder = new ProcessBuilder(List.of("bash", script.toString(), "--config", config.toString()))
                    .directory(distribution.toFile());
            if (log == null) {
                builder.inheritIO();
            } else {
                Files.createDirectories(log.toAbsolutePath().getParent());
                builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            }
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (log != null) {
                process.getOutputStream().close();
            }
            return new WorkerProcess(process, log);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the worker from " + distribution, e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path logFile() {
        return log;
    }

    /** @return the whole log so far */
    public String log() {
        if (log == null) {
            return "(output went to the console)";
        }
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** @return the exit code, or null if it is still running after {@code timeout} */
    public Integer waitForExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
    }

    /** SIGTERM, then up to {@code grace} for a clean stop, then SIGKILL. */
    public void stop(Duration grace) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    /** Stops the worker the way Ctrl-C would and forgets the shutdown hook. */
    @Override
    public void close() {
        stop(Duration.ofSeconds(30));
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down: the hook runs, and finds the worker stopped.
        }
    }
}
