package dev.outrigger.devcluster;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM with its output in a file. Small on purpose: start, pid, stop (SIGTERM, grace, SIGKILL).
 */
public final class JavaProcess {

    private final String name;
    private final Process process;
    private final Path output;

    private JavaProcess(String name, Process process, Path output) {
        this.name = name;
        this.process = process;
        this.output = output;
    }

    /**
     * Starts {@code java <jvmArgs> -cp <classpath> <mainClass> <args>} in {@code directory} (where relative paths and
     * Pulsar's relative defaults such as {@code data/} then land), with stdout and stderr appended to {@code log}.
     * The whole command goes into {@code <log>.args} and is passed as a java @argument file: 320 jar paths are too long
     * for a readable command line, and {@code java @<log>.args} reruns the child by hand.
     *
     * @param exitWithParent if true the child exits when this JVM dies, even by SIGKILL, instead of leaking a
     *                       broker that holds ports and half a gigabyte (see {@link ParentWatch})
     */
    public static JavaProcess start(String name, Path directory, List<Path> classpath, List<String> jvmArgs,
                                    String mainClass, List<String> args, Path log, boolean exitWithParent) {
        return start(name, directory, classpath, jvmArgs, mainClass, args, log, null, exitWithParent);
    }

    /** As above, with stderr in its own file when {@code errors} is not null. */
    static JavaProcess start(String name, Path directory, List<Path> classpath, List<String> jvmArgs,
                             String mainClass, List<String> args, Path log, Path errors, boolean exitWithParent) {
        List<Path> cp = new ArrayList<>(classpath);
        List<String> command = new ArrayList<>(jvmArgs);
        if (exitWithParent) {
            cp.add(ownLocation());
            command.add("-cp");
            command.add(join(cp));
            command.add(ParentWatch.class.getName());
        } else {
            command.add("-cp");
            command.add(join(cp));
        }
        command.add(mainClass);
        command.addAll(args);
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            Path argFile = log.resolveSibling(log.getFileName() + ".args");
            Files.write(argFile, command.stream().map(JavaProcess::quote).toList(), StandardCharsets.UTF_8);
            ProcessBuilder builder = new ProcessBuilder(javaExecutable(), "@" + argFile.toAbsolutePath())
                    .directory(directory.toFile())
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            if (errors == null) {
                builder.redirectErrorStream(true);
            } else {
                builder.redirectError(ProcessBuilder.Redirect.appendTo(errors.toFile()));
            }
            Process process = builder.start();
            if (!exitWithParent) {
                // Nothing is ever typed in; an immediate EOF beats a child blocking on a read.
                process.getOutputStream().close();
            }
            return new JavaProcess(name, process, log);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name, e);
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return output;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** @return the exit code, or null if still running after {@code timeout} */
    public Integer waitFor(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
    }

    /** Only for tests: what the death of this JVM does to the child's stdin. */
    void closeStdin() throws IOException {
        process.getOutputStream().close();
    }

    /**
     * SIGTERM to the child and its descendants, up to {@code grace} for them to exit, then SIGKILL.
     * Pulsar's shutdown hooks do the clean stop (closing ledgers, deregistering the bookie) on SIGTERM.
     */
    public void stop(Duration grace) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        descendants.forEach(ProcessHandle::destroy);
        boolean interrupted = false;
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                System.err.println("[dev-cluster] " + name + " (pid " + pid() + ") ignored SIGTERM for "
                        + grace.toSeconds() + " s, killing it");
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        process.destroyForcibly();
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * SIGKILL to the child and its descendants, no grace: a crash, as a test of faults wants it (no shutdown hook
     * runs, registrations in ZooKeeper stay until their session expires). Returns once it is gone.
     */
    public void kill() {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last {@code lines} lines of the log, for exception messages. Reads at most the last 64 KiB. */
    public String tail(int lines) {
        return tail(output, lines);
    }

    static String tail(Path file, int lines) {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            int size = (int) Math.min(length, 64 * 1024);
            byte[] bytes = new byte[size];
            raf.seek(length - size);
            raf.readFully(bytes);
            String[] all = new String(bytes, StandardCharsets.UTF_8).split("\r?\n");
            return String.join("\n", Arrays.asList(all).subList(Math.max(0, all.length - lines), all.length));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + pid() + ", log " + output + ")";
    }

    static String javaExecutable() {
        // The JDK running this code, so children match it (Pulsar 4 needs 17+).
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        if (Files.isExecutable(java)) {
            return java.toString();
        }
        return ProcessHandle.current().info().command().orElse("java");
    }

    private static Path ownLocation() {
        try {
            return Path.of(JavaProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String join(List<Path> classpath) {
        return String.join(File.pathSeparator, classpath.stream().map(Path::toString).toList());
    }

    /** Argument-file quoting: inside double quotes the java launcher unescapes backslash sequences. */
    private static String quote(String arg) {
        if (arg.indexOf('\n') >= 0 || arg.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("Line breaks cannot be passed in a java argument file: " + arg);
        }
        return '"' + arg.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
