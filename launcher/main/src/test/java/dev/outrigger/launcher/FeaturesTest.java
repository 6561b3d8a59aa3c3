package dev.outrigger.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeaturesTest {

    @TempDir
    Path dir;

    private Features features(String xml) throws IOException {
        return Features.read(Files.writeString(dir.resolve("features.xml"), xml));
    }

    @Test
    void includedFeaturesComeFirstAndBundlesOnce() throws IOException {
        Features features = features("""
                <features name="x" xmlns="http://karaf.apache.org/xmlns/features/v1.6.0">
                  <feature name="logging">
                    <bundle start-level="1">mvn:org.slf4j/slf4j-api/2.0.17</bundle>
                  </feature>
                  <feature name="app">
                    <feature>logging</feature>
                    <bundle>mvn:dev.outrigger/dev.outrigger.api/1.0</bundle>
                    <bundle start-level="1">mvn:org.slf4j/slf4j-api/2.0.17</bundle>
                  </feature>
                  <feature name="all">
                    <feature>app</feature>
                    <feature>logging</feature>
                  </feature>
                </features>
                """);
        assertEquals(List.of("logging", "app", "all"), features.names());
        assertEquals(List.of(
                        new FeatureBundle("mvn:org.slf4j/slf4j-api/2.0.17", 1),
                        new FeatureBundle("mvn:dev.outrigger/dev.outrigger.api/1.0", 0)),
                features.bundles("all"));
    }

    @Test
    void unknownFeatureIsNamed() throws IOException {
        Features features = features("<features><feature name=\"a\"><feature>b</feature></feature></features>");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> features.bundles("a"));
        assertTrue(e.getMessage().contains("'b'"), e.getMessage());
    }

    @Test
    void doctypesAreRefused() {
        assertThrows(IOException.class, () -> features(
                "<?xml version=\"1.0\"?><!DOCTYPE f [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><features>&e;</features>"));
    }

    @Test
    void mavenLocationsMapToRepositoryPaths() {
        assertEquals("org/slf4j/slf4j-api/2.0.17/slf4j-api-2.0.17.jar",
                new FeatureBundle("mvn:org.slf4j/slf4j-api/2.0.17", 0).repositoryPath());
        assertEquals("org/x/a/1/a-1-linux.zip", new FeatureBundle("mvn:org.x/a/1/zip/linux", 0).repositoryPath());
        assertThrows(IllegalArgumentException.class, () -> new FeatureBundle("file:/a.jar", 0).repositoryPath());
        assertThrows(IllegalArgumentException.class, () -> new FeatureBundle("mvn:org.x/a", 0).repositoryPath());
    }
}
