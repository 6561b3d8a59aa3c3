package dev.outrigger.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.logging.LogManager;
import org.apache.felix.framework.FrameworkFactory;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.startlevel.BundleStartLevel;

/**
 * {@code bin/outrigger}: starts Felix with the bundles of one feature and runs until SIGTERM, Ctrl-C or a fatal
 * start-up error reported by a bundle. Layout below {@code outrigger.home}: {@code conf/} (functions_worker.yml,
 * framework.properties, logging.properties), {@code bundles/} (a Maven repository layout plus features.xml),
 * {@code deploy/} (watched for bundles and configurations), {@code data/} (framework cache).
 */
public final class Main {

    /** Framework property naming the feature to start. */
    static final String FEATURE_PROPERTY = "outrigger.feature";
    static final String DEFAULT_FEATURE = "outrigger-worker";
    /** Bundles a feature gives no start level start here, after logging (1) and the framework services. */
    static final int DEFAULT_START_LEVEL = 20;
    // Duplicated from dev.outrigger.api.lifecycle.Lifecycle: the launcher sits outside the framework.
    static final String CONFIG_FILE_PROPERTY = "outrigger.config.file";
    static final String FATAL_ERROR_PROPERTY = "outrigger.fatal";

    private final Path home;
    private final Path dataDir;
    private final Path configFile;
    private final PrintStream err;
    private final AtomicReference<String> fatalError = new AtomicReference<>();
    private final AtomicBoolean shuttingDown = new AtomicBoolean();
    /** The feature's bundles to start (fragments aside), and Felix's error for any that failed to. */
    private final List<Bundle> featureBundles = new ArrayList<>();
    private final Map<String, String> startErrors = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile Consumer<String> fatalHandler;
    /** Held, never closed, for the life of the process. */
    private FileChannel dataDirLock;

    Main(Path home, Path dataDir, Path configFile, PrintStream err) {
        this.home = home;
        this.dataDir = dataDir;
        this.configFile = configFile;
        this.err = err;
    }

    public static void main(String[] args) {
        Path home = Path.of(System.getProperty("outrigger.home", ".")).toAbsolutePath().normalize();
        Path configFile = home.resolve("conf/functions_worker.yml");
        for (int i = 0; i < args.length; i++) {
            if (("--config".equals(args[i]) || "-c".equals(args[i])) && i + 1 < args.length) {
                configFile = Path.of(args[++i]);
            } else if ("--help".equals(args[i]) || "-h".equals(args[i])) {
                System.out.println("Usage: outrigger [--config path/to/functions_worker.yml]");
                return;
            } else {
                System.err.println("outrigger: unknown argument '" + args[i] + "' (try --help)");
                System.exit(2);
            }
        }
        Path dataDir = Path.of(System.getProperty("outrigger.data", home.resolve("data").toString()))
                .toAbsolutePath().normalize();
        int exitCode = new Main(home, dataDir, configFile.toAbsolutePath().normalize(), System.err).run();
        if (exitCode != 0) {
            System.exit(exitCode);
        }
    }

    int run() {
        if (!Files.isRegularFile(configFile)) {
            err.println("outrigger: configuration file " + configFile + " does not exist");
            return 2;
        }
        Framework framework;
        try {
            dataDirLock = lockDataDir();
        } catch (IOException e) {
            err.println("outrigger: cannot use the data directory " + dataDir + ": " + e.getMessage());
            return 1;
        }
        if (dataDirLock == null) {
            err.println("outrigger: another Outrigger worker is running with the data directory " + dataDir
                    + "; give each worker its own (OUTRIGGER_DATA)");
            return 1;
        }
        try {
            loadLoggingProperties();
            framework = new FrameworkFactory().newFramework(frameworkProperties());
            framework.init();
            registerFatalErrorHandler(framework);
            installFeature(framework);
        } catch (IOException | BundleException | RuntimeException e) {
            err.println("outrigger: cannot start: " + e.getMessage());
            return 1;
        }
        Thread shutdownHook = new Thread(() -> {
            shuttingDown.set(true);
            stop(framework);
        }, "outrigger-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try {
            framework.start();
            framework.waitForStop(0);
        } catch (BundleException e) {
            err.println("outrigger: cannot start the framework: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!shuttingDown.get()) {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        }
        return fatalError.get() == null ? 0 : 1;
    }

    private void stop(Framework framework) {
        try {
            framework.stop();
            FrameworkEvent event = framework.waitForStop(30_000);
            if (event.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
                err.println("outrigger: the framework did not stop within 30 s");
            }
        } catch (BundleException e) {
            err.println("outrigger: stopping failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    Map<String, String> frameworkProperties() throws IOException {
        Properties file = new Properties();
        try (InputStream in = Files.newInputStream(home.resolve("conf/framework.properties"))) {
            file.load(in);
        }
        Map<String, String> properties = new HashMap<>();
        for (String name : file.stringPropertyNames()) {
            properties.put(name, file.getProperty(name).replace("${outrigger.home}", home.toString()));
        }
        properties.put(CONFIG_FILE_PROPERTY, configFile.toString());
        properties.putIfAbsent(Constants.FRAMEWORK_STORAGE, dataDir.resolve("felix-cache").toString());
        // Bundles are installed by reference each start, so a clean cache costs nothing and never holds stale bundles.
        properties.putIfAbsent(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        return properties;
    }

    /**
     * The framework cache is wiped at every start, which would pull native libraries from under a running worker:
     * one worker per data directory, held by a file lock for the life of the process.
     *
     * @return the locked channel, never closed; or null if another process holds the lock
     */
    private FileChannel lockDataDir() throws IOException {
        Files.createDirectories(dataDir);
        FileChannel channel = FileChannel.open(dataDir.resolve(".lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        if (channel.tryLock() == null) {
            channel.close();
            return null;
        }
        return channel;
    }

    /**
     * slf4j-simple reads its settings from system properties; they live in conf/logging.properties. Jersey and SPI Fly
     * log through java.util.logging, set up from conf/jul.properties.
     */
    private void loadLoggingProperties() throws IOException {
        Path jul = home.resolve("conf/jul.properties");
        if (Files.isRegularFile(jul) && System.getProperty("java.util.logging.config.file") == null) {
            try (InputStream in = Files.newInputStream(jul)) {
                LogManager.getLogManager().readConfiguration(in);
            }
        }
        Path file = home.resolve("conf/logging.properties");
        if (!Files.isRegularFile(file)) {
            return;
        }
        Properties logging = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            logging.load(in);
        }
        for (String name : logging.stringPropertyNames()) {
            if (System.getProperty(name) == null) {
                System.setProperty(name, logging.getProperty(name).replace("${outrigger.home}", home.toString()));
            }
        }
    }

    private void registerFatalErrorHandler(Framework framework) {
        Consumer<String> handler = reason -> {
            if (fatalError.compareAndSet(null, reason)) {
                err.println("outrigger: " + reason);
                // Stopping from the reporting thread would deadlock if it is a framework callback.
                new Thread(() -> stop(framework), "outrigger-fatal-stop").start();
            }
        };
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(FATAL_ERROR_PROPERTY, "true");
        framework.getBundleContext().registerService(Consumer.class, handler, properties);
        fatalHandler = handler;
    }

    private void installFeature(Framework framework) throws IOException, BundleException {
        Path repository = home.resolve("bundles");
        String feature = framework.getBundleContext().getProperty(FEATURE_PROPERTY);
        List<FeatureBundle> bundles =
                Features.read(repository.resolve("features.xml")).bundles(feature == null ? DEFAULT_FEATURE : feature);
        BundleContext context = framework.getBundleContext();
        for (FeatureBundle featureBundle : bundles) {
            Path jar = repository.resolve(featureBundle.repositoryPath());
            if (!Files.isRegularFile(jar)) {
                throw new IOException("Bundle " + featureBundle.location() + " is missing: expected " + jar);
            }
            Bundle bundle = context.installBundle("reference:" + jar.toUri());
            bundle.adapt(BundleStartLevel.class)
                    .setStartLevel(featureBundle.startLevel() > 0 ? featureBundle.startLevel() : DEFAULT_START_LEVEL);
            if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                bundle.start();
                featureBundles.add(bundle);
            }
        }
        context.addFrameworkListener(this::checkStarted);
    }

    /**
     * Every bundle of the feature must be active once the framework has started: one that did not resolve or start
     * (a missing or mismatched package) leaves a worker that looks ready and lacks a capability, so it stops start-up
     * with one line naming the bundle and why (Felix's own error for it).
     */
    private void checkStarted(FrameworkEvent event) {
        if (event.getType() == FrameworkEvent.ERROR && event.getBundle() != null && event.getThrowable() != null
                && featureBundles.contains(event.getBundle())) {
            startErrors.putIfAbsent(event.getBundle().getSymbolicName(), event.getThrowable().getMessage());
            return;
        }
        if (event.getType() != FrameworkEvent.STARTED) {
            return;
        }
        List<String> notStarted = new ArrayList<>();
        for (Bundle bundle : featureBundles) {
            if (bundle.getState() != Bundle.ACTIVE && bundle.getState() != Bundle.STARTING) {
                String why = startErrors.get(bundle.getSymbolicName());
                notStarted.add(bundle.getSymbolicName() + (why == null ? " is not active" : ": " + why));
            }
        }
        if (!notStarted.isEmpty()) {
            Consumer<String> handler = fatalHandler;
            if (handler != null) {
                handler.accept("a bundle of the worker did not start: " + String.join("; ", notStarted));
            }
        }
    }
}
