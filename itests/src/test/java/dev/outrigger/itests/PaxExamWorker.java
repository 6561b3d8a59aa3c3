package dev.outrigger.itests;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.frameworkStartLevel;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.CoreOptions.workingDirectory;

import dev.outrigger.api.lifecycle.Lifecycle;
import dev.outrigger.devcluster.WorkerConfig;
import dev.outrigger.launcher.FeatureBundle;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.ops4j.pax.exam.Option;

/**
 * The whole worker in Pax Exam's Felix as the launcher starts it: the distribution's framework properties and the
 * worker feature's bundles in their start levels, reading a {@code functions_worker.yml}, with the test's bundles.
 */
final class PaxExamWorker {

    private PaxExamWorker() {}

    /**
     * @param name the work directory's name beside the distribution (its deploy/ folder and framework files)
     * @param config the worker's configuration, written there
     * @param extra more options (system properties the test reads, ...)
     */
    static Option[] options(String name, WorkerConfig config, Option... extra) throws IOException {
        Path home = Distribution.home();
        Path work = home.getParent().resolveSibling(name);
        Path yaml = config.write(work.resolve("functions_worker.yml"));
        Files.createDirectories(work.resolve("deploy"));

        List<Option> options = new ArrayList<>();
        Properties framework = new Properties();
        try (InputStream in = Files.newInputStream(home.resolve("conf/framework.properties"))) {
            framework.load(in);
        }
        for (String property : framework.stringPropertyNames()) {
            options.add(frameworkProperty(property).value(framework.getProperty(property)
                    .replace("${outrigger.home}", work.toString())));
        }
        options.add(frameworkProperty(Lifecycle.CONFIG_FILE_PROPERTY).value(yaml.toString()));
        options.add(frameworkStartLevel(30));
        for (FeatureBundle bundle : Distribution.workerBundles()) {
            options.add(bundle(Distribution.jar(bundle).toUri().toString())
                    .startLevel(bundle.startLevel() > 0 ? bundle.startLevel() : 20));
        }
        options.add(junitBundles());
        options.add(bundle(TestClasspath.jar("/org/hamcrest/hamcrest/").toUri().toString()));
        options.add(bundle(TestClasspath.jar("/org/awaitility/awaitility/").toUri().toString()));
        options.add(systemProperty("org.slf4j.simpleLogger.log.org.apache.pulsar").value("warn"));
        options.add(workingDirectory(work.resolve("exam").toString()));
        options.add(cleanCaches(true));
        options.addAll(List.of(extra));
        return options.toArray(Option[]::new);
    }
}
