package dev.outrigger.devcluster;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The jars of Pulsar 4.0.8 (broker, bookie, ZooKeeper, pulsar-admin, Pulsar's own functions worker, log4j), as resolved
 * by Maven when this module was built. The list travels inside this jar as absolute paths into the local Maven
 * repository, so this module needs no Pulsar jar on its own classpath: the child JVMs get them instead.
 */
public final class PulsarClasspath {

    /** Written by maven-dependency-plugin:build-classpath, entries separated by the platform path separator. */
    static final String RESOURCE = "pulsar.classpath";

    private static volatile List<Path> jars;

    private PulsarClasspath() {
    }

    /**
     * @return the jars, in Maven's resolution order
     * @throws IllegalStateException if the list is missing or names a file that no longer exists
     */
    public static List<Path> jars() {
        List<Path> result = jars;
        if (result == null) {
            result = parse(readResource(), PulsarClasspath.class.getResource(RESOURCE) + "");
            jars = result;
        }
        return result;
    }

    private static String readResource() {
        try (InputStream in = PulsarClasspath.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("Resource dev/outrigger/devcluster/" + RESOURCE + " not found: "
                        + "outrigger-dev-cluster was not built by Maven (run ./mvnw -B install -DskipTests)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + RESOURCE, e);
        }
    }

    /** Checks every entry up front: a missing jar otherwise surfaces as a NoClassDefFoundError deep in a child's log. */
    static List<Path> parse(String content, String source) {
        List<Path> result = new ArrayList<>();
        List<Path> missing = new ArrayList<>();
        for (String entry : content.split("[" + File.pathSeparator + "\\r\\n]")) {
            String trimmed = entry.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            Path jar = Path.of(trimmed);
            result.add(jar);
            if (!Files.isRegularFile(jar)) {
                missing.add(jar);
            }
        }
        if (result.isEmpty()) {
            throw new IllegalStateException("The Pulsar classpath in " + source + " is empty");
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("Pulsar jar missing: " + missing.get(0)
                    + (missing.size() > 1 ? " (and " + (missing.size() - 1) + " more of " + result.size() + ")" : "")
                    + ". The list in " + source + " was resolved when outrigger-dev-cluster was built;"
                    + " the local Maven repository has changed since (cleaned?)."
                    + " Resolve it again: run ./mvnw -B install -DskipTests");
        }
        return List.copyOf(result);
    }
}
