package dev.outrigger.devcluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Pulsar's own token tool ({@code bin/pulsar tokens}, {@code TokensCliUtils} of pulsar-broker 4.0.8), each call in a
 * fresh JVM on {@link PulsarClasspath#jars()}: keys and tokens are then exactly what an operator's Pulsar makes.
 * About half a second per call.
 */
final class PulsarTokens {

    static final String MAIN_CLASS = "org.apache.pulsar.utils.auth.tokens.TokensCliUtils";
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** header.payload.signature, base64url without padding. */
    private static final Pattern JWT = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
    private static final List<String> JVM_ARGS = List.of("-Xmx64m", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
            "-Doutrigger.devcluster.logLevel=WARN");

    private PulsarTokens() {
    }

    /**
     * {@code tokens create-secret-key --output <file>}: a random HS256 key, raw bytes (not {@code --base64}), which is
     * what {@code tokenSecretKey=file://...} reads.
     */
    static void createSecretKey(Path workDir, Path keyFile) {
        run(workDir, List.of("create-secret-key", "--output", keyFile.toAbsolutePath().toString()));
        if (!Files.isRegularFile(keyFile)) {
            throw new IllegalStateException(MAIN_CLASS + " create-secret-key wrote no " + keyFile);
        }
    }

    /**
     * {@code tokens create --secret-key file:///<key> --subject <role> [--expiry-time <n>s]}.
     *
     * @param expiry null for a token that never expires; else rounded up to whole seconds (the tool's finest unit)
     */
    static String createToken(Path workDir, Path keyFile, String subject, Duration expiry) {
        if (subject == null || subject.isBlank()) {
            throw new IllegalArgumentException("A token needs a subject (role)");
        }
        List<String> args = new ArrayList<>(List.of("create", "--secret-key", secretKeyUrl(keyFile),
                "--subject", subject));
        if (expiry != null) {
            if (expiry.isNegative()) {
                throw new IllegalArgumentException("Negative expiry: " + expiry);
            }
            long seconds = expiry.plusNanos(999_999_999L).getSeconds();
            args.addAll(List.of("--expiry-time", seconds + "s"));
        }
        String token = run(workDir, args).trim();
        if (!JWT.matcher(token).matches()) {
            // Never print what came out: it may be a token after all, with something else around it.
            throw new IllegalStateException(MAIN_CLASS + " create printed no token (" + token.length()
                    + " characters on stdout)");
        }
        return token;
    }

    /** The key file as a {@code file:} URL, the form Pulsar's {@code tokenSecretKey} and the tool's flags take. */
    static String secretKeyUrl(Path keyFile) {
        return keyFile.toAbsolutePath().normalize().toUri().toString();
    }

    /** @return the tool's stdout */
    private static String run(Path workDir, List<String> args) {
        Path dir = workDir.toAbsolutePath().resolve("tokens");
        Path stdout = null;
        Path stderr = null;
        try {
            Files.createDirectories(dir);
            Path log4j = dir.resolve("log4j2.xml");
            if (!Files.exists(log4j)) {
                try (InputStream in = PulsarTokens.class.getResourceAsStream("log4j2-child.xml")) {
                    Files.write(log4j, in.readAllBytes());
                }
            }
            // Unique names: tokens for several roles may be made at once.
            stdout = Files.createTempFile(dir, "tokens-", ".out");
            stderr = stdout.resolveSibling(stdout.getFileName().toString().replace(".out", ".err"));
            List<String> jvm = new ArrayList<>(JVM_ARGS);
            jvm.add("-Dlog4j2.configurationFile=" + log4j);
            JavaProcess process = JavaProcess.start("tokens", dir, PulsarClasspath.jars(), jvm, MAIN_CLASS, args,
                    stdout, stderr, false);
            Integer exit;
            try {
                exit = process.waitFor(TIMEOUT);
            } catch (InterruptedException e) {
                process.stop(Duration.ZERO);
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while running " + MAIN_CLASS + " " + args.get(0), e);
            }
            if (exit == null) {
                process.stop(Duration.ofSeconds(5));
                throw new IllegalStateException(MAIN_CLASS + " " + args.get(0) + " did not finish within "
                        + TIMEOUT.toSeconds() + " s.\n--- stderr ---\n" + JavaProcess.tail(stderr, 30));
            }
            if (exit != 0) {
                throw new IllegalStateException(MAIN_CLASS + " " + args.get(0) + " exited with code " + exit
                        + ".\n--- stderr ---\n" + JavaProcess.tail(stderr, 30));
            }
            return Files.readString(stdout, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + MAIN_CLASS + " in " + dir, e);
        } finally {
            // The output holds a token: leave no copy lying around.
            for (Path file : new Path[] {stdout, stderr,
                    stdout == null ? null : stdout.resolveSibling(stdout.getFileName() + ".args")}) {
                if (file != null) {
                    try {
                        Files.deleteIfExists(file);
                    } catch (IOException ignored) {
                        // leftovers in a work directory are harmless
                    }
                }
            }
        }
    }
}
