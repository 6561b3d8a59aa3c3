package dev.outrigger.devcluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The real {@code pulsar-admin} CLI of Pulsar 4.0.8, each call in a fresh JVM, as a user would run it. Used to check
 * that our worker answers the CLI the way Pulsar's own worker does. Costs a JVM start (a few seconds) per call.
 */
public final class PulsarAdminCli {

    static final Duration TIMEOUT = Duration.ofSeconds(120);

    /** Small and quick to start: C1 only and class data sharing, since each JVM runs one short command. */
    private static final List<String> JVM_ARGS = List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
            "-Dio.netty.tryReflectionSetAccessible=true",
            // Only warnings, and on stderr (see log4j2-child.xml), so stdout is just the command's output.
            "-Doutrigger.devcluster.logLevel=WARN");

    private PulsarAdminCli() {
    }

    public record Result(int exitCode, String stdout, String stderr) {
    }

    /**
     * Client authentication, as {@code pulsar-admin --auth-plugin <plugin> --auth-params <params>} takes it; written to
     * the client.conf ({@code authPlugin}, {@code authParams}) rather than the command line, so it shows in no process
     * listing and no {@code .args} file.
     */
    public record Auth(String plugin, String params) {

        public Auth {
            Objects.requireNonNull(plugin, "plugin");
            Objects.requireNonNull(params, "params");
        }

        /** Pulsar's token plugin with {@code token:<token>}. */
        public static Auth token(String token) {
            return new Auth(LocalPulsarCluster.TOKEN_AUTH_PLUGIN, "token:" + Objects.requireNonNull(token, "token"));
        }

        /** Without the parameters: they are credentials. */
        @Override
        public String toString() {
            return "Auth[" + plugin + "]";
        }
    }

    /**
     * Runs {@code pulsar-admin <args>} against {@code adminUrl} (e.g. {@link LocalPulsarCluster#webServiceUrl()}).
     *
     * @param workDir where the client.conf, argument and output files go while the command runs
     * @throws IllegalStateException if the command runs longer than 120 s (it is killed)
     */
    public static Result run(Path workDir, String adminUrl, String... args) {
        return run(workDir, adminUrl, null, args);
    }

    /**
     * As {@link #run(Path, String, String...)}, authenticating with {@code auth} (none when null), e.g.
     * {@code Auth.token(cluster.adminToken())}.
     */
    public static Result run(Path workDir, String adminUrl, Auth auth, String... args) {
        Path dir = workDir.toAbsolutePath().resolve("pulsar-admin");
        Path clientConf = null;
        Path stdout = null;
        Path stderr = null;
        Path log4j = null;
        try {
            Files.createDirectories(dir);
            // Unique names: tests may run several commands at once against the same cluster.
            clientConf = Files.createTempFile(dir, "client-", ".conf");
            String base = clientConf.getFileName().toString().replace(".conf", "");
            stdout = dir.resolve(base + ".out");
            stderr = dir.resolve(base + ".err");
            log4j = dir.resolve(base + "-log4j2.xml");
            // PulsarAdminTool reads only webServiceUrl (and authPlugin/authParams, the defaults of --auth-plugin and
            // --auth-params); brokerServiceUrl matters to pulsar-client, not here. createTempFile made it owner-only.
            String conf = "webServiceUrl=" + adminUrl + "\n";
            if (auth != null) {
                // .properties syntax: a backslash (e.g. in JSON parameters) would start an escape.
                conf += "authPlugin=" + auth.plugin() + "\nauthParams=" + auth.params().replace("\\", "\\\\") + "\n";
            }
            Files.writeString(clientConf, conf);
            try (var in = PulsarAdminCli.class.getResourceAsStream("log4j2-child.xml")) {
                Files.write(log4j, in.readAllBytes());
            }
            List<String> jvm = new ArrayList<>(JVM_ARGS);
            jvm.add("-Dlog4j2.configurationFile=" + log4j);
            List<String> cliArgs = new ArrayList<>();
            cliArgs.add(clientConf.toString());
            cliArgs.addAll(List.of(args));
            JavaProcess process = JavaProcess.start("pulsar-admin", dir, PulsarClasspath.jars(), jvm,
                    "org.apache.pulsar.admin.cli.PulsarAdminTool", cliArgs, stdout, stderr, false);
            Integer exit;
            try {
                exit = process.waitFor(TIMEOUT);
            } catch (InterruptedException e) {
                process.stop(Duration.ZERO);
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while running pulsar-admin " + String.join(" ", args), e);
            }
            if (exit == null) {
                process.stop(Duration.ofSeconds(5));
                throw new IllegalStateException("pulsar-admin " + String.join(" ", args) + " did not finish within "
                        + TIMEOUT.toSeconds() + " s.\n--- stdout ---\n" + JavaProcess.tail(stdout, 30)
                        + "\n--- stderr ---\n" + JavaProcess.tail(stderr, 30));
            }
            return new Result(exit, Files.readString(stdout, StandardCharsets.UTF_8),
                    Files.readString(stderr, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run pulsar-admin in " + dir, e);
        } finally {
            for (Path file : new Path[] {clientConf, stdout, stderr, log4j}) {
                deleteQuietly(file);
            }
            if (stdout != null) {
                deleteQuietly(stdout.resolveSibling(stdout.getFileName() + ".args"));
            }
        }
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // leftovers in a work directory are harmless
        }
    }
}
