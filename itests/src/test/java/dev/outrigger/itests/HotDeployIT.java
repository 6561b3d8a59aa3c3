package dev.outrigger.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.devcluster.SharedPulsarCluster;
import dev.outrigger.devcluster.WorkerConfig;
import dev.outrigger.devcluster.WorkerProcess;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;

/** A bundle dropped into deploy/ while the worker runs is installed and started; removing it uninstalls it. */
class HotDeployIT {

    @Test
    void bundlesComeAndGoWhileTheWorkerRuns() throws Exception {
        WorkerConfig config = WorkerConfig.forCluster(SharedPulsarCluster.get(), "hot-deploy",
                "public/hot-" + UUID.randomUUID().toString().substring(0, 8));
        Path dropped = Distribution.home().resolve("deploy/hot-deploy-test.jar");
        try (WorkerProcess worker = Workers.start("hot-deploy", config)) {
            Workers.awaitReady(worker, config);
            writeBundle(dropped, "test.hotdeploy", "1.0.0");
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> worker.log().contains("Started bundle: file:" + dropped));
            assertTrue(worker.log().contains("Installing bundle test.hotdeploy / 1.0.0"), worker::log);

            Files.delete(dropped);
            await().atMost(Duration.ofSeconds(30)).until(() -> worker.log().contains("(test.hotdeploy)")
                    && worker.log().lines().anyMatch(line -> line.startsWith("Uninstalling bundle")));
            assertTrue(worker.isAlive(), worker::log);
        } finally {
            Files.deleteIfExists(dropped);
        }
    }

    private static void writeBundle(Path file, String symbolicName, String version) throws Exception {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", version);
        // Written outside deploy/ and moved in, so the watcher never sees half a jar.
        Path partial = Workers.workDir("hot-deploy").resolve(file.getFileName());
        Files.createDirectories(partial.getParent());
        try (OutputStream out = Files.newOutputStream(partial); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.flush();
        }
        Files.move(partial, file);
    }
}
