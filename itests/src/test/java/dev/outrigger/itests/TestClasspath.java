package dev.outrigger.itests;

import java.io.File;
import java.nio.file.Path;

/** Finds jars of the test classpath by their Maven repository path, to hand them to the OSGi framework as bundles. */
final class TestClasspath {

    private TestClasspath() {}

    static Path jar(String repositoryPathPart) {
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.replace(File.separatorChar, '/').contains(repositoryPathPart) && entry.endsWith(".jar")) {
                return Path.of(entry);
            }
        }
        throw new IllegalStateException("No jar under " + repositoryPathPart + " on the test classpath");
    }
}
