package dev.outrigger.itests;

import dev.outrigger.launcher.FeatureBundle;
import dev.outrigger.launcher.Features;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The assembled distribution under test, unpacked by the build into {@code target/dist}. */
final class Distribution {

    static final String WORKER_FEATURE = "outrigger-worker";

    private Distribution() {}

    static Path home() {
        String dir = System.getProperty("outrigger.dist");
        if (dir == null) {
            throw new IllegalStateException("System property outrigger.dist is not set: run the tests through Maven");
        }
        Path home = Path.of(dir);
        if (!Files.isDirectory(home.resolve("bundles"))) {
            throw new IllegalStateException("No unpacked distribution at " + home);
        }
        return home;
    }

    static Path featuresFile() {
        return home().resolve("bundles/features.xml");
    }

    static Features features() {
        try {
            return Features.read(featuresFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path jar(FeatureBundle bundle) {
        return home().resolve("bundles").resolve(bundle.repositoryPath());
    }

    static List<FeatureBundle> workerBundles() {
        return features().bundles(WORKER_FEATURE);
    }
}
