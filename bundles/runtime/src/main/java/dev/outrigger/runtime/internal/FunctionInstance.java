package dev.outrigger.runtime.internal;

import dev.outrigger.api.metadata.FunctionMetadata;
import dev.outrigger.api.scheduler.InstanceId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.SubscriptionType;
import org.apache.pulsar.common.functions.ConsumerConfig;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.apache.pulsar.common.functions.FunctionConfig.ProcessingGuarantees;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance of a function in this worker: its class loader, and one run at a time (a thread with the consumers, the
 * producers and the function object). User code (static initializer, constructor, callbacks) runs only on the run's
 * thread, never on the caller's: the class is loaded and instantiated there, within a deadline. A run that dies of
 * anything, a failed class load included, is started again after a backoff of 1, 2, 4, ... up to 60 s.
 */
final class FunctionInstance {

    static final String INPUT_TOPIC_PROPERTY = "__pfn_input_topic__";
    static final String INPUT_MESSAGE_ID_PROPERTY = "__pfn_input_msg_id__";

    private static final Logger LOG = LoggerFactory.getLogger(FunctionInstance.class);
    /** The Pulsar bundle's loader: the context loader of our threads whenever they are not in user code. */
    static final ClassLoader PULSAR_LOADER = PulsarClient.class.getClassLoader();
    static final long MAX_BACKOFF_SECONDS = 60;
    /** How long a run may take to load and instantiate the function class before it is abandoned and retried. */
    static final Duration DEFAULT_LOAD_DEADLINE = Duration.ofSeconds(60);
    static final long POLL_MILLIS = 100;
    static final long STOP_WAIT_MILLIS = 10_000;

    /** {@code Context.fatal}: the run ends and counts as failed. */
    interface FatalHandler {
        void fatal(Throwable t);
    }

    final InstanceId id;
    final FunctionMetadata metadata;
    final Path packageFile;
    final FunctionConfig config;
    final PulsarClient client;
    final RuntimeSettings settings;
    private final ScheduledExecutorService scheduler;
    private final Duration loadDeadline;
    final InstanceStats stats = new InstanceStats();
    final ProcessingGuarantees guarantees;
    final String functionId;

    FunctionClassLoader loader;
    Class<?> functionClass;
    FunctionTypes types;
    InstanceRun run;
    private ScheduledFuture<?> pendingRestart;
    private int consecutiveFailures;
    private boolean stopped;

    FunctionInstance(InstanceId id, FunctionMetadata metadata, FunctionConfig config, Path packageFile,
            PulsarClient client, RuntimeSettings settings, ScheduledExecutorService scheduler, Duration loadDeadline) {
        this.id = id;
        this.metadata = metadata;
        this.config = config;
        this.packageFile = packageFile;
        this.client = client;
        this.settings = settings;
        this.scheduler = scheduler;
        this.loadDeadline = loadDeadline;
        this.guarantees = config.getProcessingGuarantees() == null
                ? ProcessingGuarantees.ATLEAST_ONCE : config.getProcessingGuarantees();
        this.functionId = UUID.nameUUIDFromBytes((id.function().fullyQualifiedName() + "@" + metadata.createTime())
                .getBytes(StandardCharsets.UTF_8)).toString();
    }

    /**
     * Starts the first run, which loads the function class on its own thread: the caller never waits on user code.
     *
     * @throws IllegalArgumentException if the config names no class or the package file is missing; the instance then
     *     stays held, not running, with the error in its status
     */
    void start() {
        synchronized (this) {
            if (stopped) {
                return;
            }
            try {
                check();
            } catch (IllegalArgumentException e) {
                stats.systemException(e);
                stats.running(false, e.getMessage());
                throw e;
            }
            launch();
        }
    }

    /** What can be checked without running user code. */
    private void check() {
        String className = config.getClassName();
        if (className == null || className.isBlank()) {
            throw new IllegalArgumentException("Function classname cannot be null");
        }
        if (packageFile == null || !Files.isRegularFile(packageFile)) {
            throw new IllegalArgumentException("Function package " + packageFile + " does not exist");
        }
    }

    /** Loads the class in a new class loader; on the run's thread, as its static initializer is user code. */
    Class<?> loadClass(FunctionClassLoader fresh) {
        String className = config.getClassName();
        try {
            return callUser(fresh, () -> Class.forName(className, true, fresh));
        } catch (ClassNotFoundException | NoClassDefFoundError e) {
            throw new IllegalArgumentException("User class " + className + " not found in the function package: " + e, e);
        } catch (Throwable e) {
            throw new IllegalArgumentException("Cannot load the user class " + className + ": " + e, e);
        }
    }

    Object newFunction() {
        try {
            return callUser(loader, () -> functionClass.getDeclaredConstructor().newInstance());
        } catch (Throwable e) {
            Throwable cause = e instanceof java.lang.reflect.InvocationTargetException && e.getCause() != null
                    ? e.getCause() : e;
            throw new IllegalArgumentException("Cannot create an instance of the user class " + config.getClassName()
                    + ": " + cause, cause);
        }
    }

    /** Starts a new run; the caller holds the lock. */
    private void launch() {
        InstanceRun launched = new InstanceRun(this);
        run = launched;
        launched.thread.start();
        // The reconciler does not wait on user code; this deadline frees the instance from one that never returns.
        scheduler.schedule(() -> prepareTimedOut(launched), loadDeadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The run is still in the function's static initializer or constructor: give it up and try again later. */
    private synchronized void prepareTimedOut(InstanceRun late) {
        if (stopped || run != late || late.prepared) {
            return;
        }
        late.abandoned = true;
        late.stopping = true;
        late.thread.interrupt();
        LOG.warn("Function instance {} did not load and instantiate its class within {} ms", id, loadDeadline.toMillis());
        failed(late, new TimeoutException("The function class " + config.getClassName()
                + " did not load and instantiate within " + loadDeadline.toMillis() + " ms"));
    }

    /** Stops the run and closes the class loader; the instance cannot start again. */
    void stop() {
        InstanceRun current;
        synchronized (this) {
            stopped = true;
            cancelPendingRestart();
            current = run;
            run = null;
        }
        boolean stuck = current != null && !current.stopAndJoin();
        if (stuck) {
            current.isolate();
        }
        synchronized (this) {
            stats.running(false, "");
            if (stuck) {
                closeLoaderWhenEnded(current.thread);
            } else {
                closeLoader();
            }
        }
    }

    /** Stops the run and starts a new one; counts as a restart. */
    void restart() {
        InstanceRun current;
        synchronized (this) {
            if (stopped) {
                return;
            }
            cancelPendingRestart();
            current = run;
            run = null;
        }
        if (current != null && !current.stopAndJoin()) {
            current.isolate();
        }
        synchronized (this) {
            if (stopped) {
                return;
            }
            stats.restarted();
            launch();
        }
    }

    private void cancelPendingRestart() {
        if (pendingRestart != null) {
            pendingRestart.cancel(false);
            pendingRestart = null;
        }
    }

    /**
     * A run that would not stop still executes the function's classes: its loader is closed once its thread ends,
     * not under it (issue 11 finding 4). The caller holds the lock.
     */
    private void closeLoaderWhenEnded(Thread stuck) {
        FunctionClassLoader held = loader;
        loader = null;
        functionClass = null;
        types = null;
        LOG.warn("Function instance {}: thread {} is still in user code after the stop; its consumers and producers "
                + "are closed, its class loader will be once the thread ends", id, stuck.getName());
        Thread watcher = new Thread(() -> {
            try {
                stuck.join();
            } catch (InterruptedException e) {
                return; // the worker is stopping: the JVM goes, and the loader with it
            }
            if (held != null) {
                closeQuietly(held);
            }
            LOG.info("Function instance {}: the abandoned thread {} ended; its class loader is closed", id,
                    stuck.getName());
        }, "outrigger-abandoned-" + id.fullyQualifiedName());
        watcher.setDaemon(true);
        watcher.start();
    }

    private void closeLoader() {
        if (loader != null) {
            try {
                loader.close();
            } catch (IOException e) {
                LOG.debug("Closing the class loader of {}", id, e);
            }
            loader = null;
        }
        functionClass = null;
        types = null;
    }

    /** A run died of a system exception: count it and start another after the backoff. */
    synchronized void failed(InstanceRun failedRun, Throwable failure) {
        if (stopped || run != failedRun) {
            return;
        }
        run = null;
        stats.systemException(failure);
        stats.running(false, InstanceStats.describe(failure));
        if (!failedRun.prepared) {
            // a class whose initializer failed stays failed in its loader: the retry needs a fresh one
            closeLoader();
        }
        consecutiveFailures = failedRun.processedAny ? 1 : consecutiveFailures + 1;
        long delay = Math.min(MAX_BACKOFF_SECONDS, 1L << Math.min(consecutiveFailures - 1, 6));
        LOG.warn("Function instance {} failed; restarting in {} s: {}", id, delay, failure.toString());
        pendingRestart = scheduler.schedule(this::restartAfterFailure, delay, TimeUnit.SECONDS);
    }

    private synchronized void restartAfterFailure() {
        pendingRestart = null;
        if (stopped || run != null) {
            return;
        }
        stats.restarted();
        launch();
    }

    /** Calls user code with the function's loader as the context loader. */
    <T> T callUser(Callable<T> call) throws Exception {
        return callUser(loader, call);
    }

    static <T> T callUser(ClassLoader userLoader, Callable<T> call) throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(userLoader);
        try {
            return call.call();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    static void closeQuietly(FunctionClassLoader fresh) {
        try {
            fresh.close();
        } catch (IOException e) {
            LOG.debug("Closing a class loader of {}", fresh, e);
        }
    }

    String subscriptionName() {
        String subName = config.getSubName();
        return subName == null || subName.isBlank()
                ? config.getTenant() + "/" + config.getNamespace() + "/" + config.getName()
                : subName;
    }

    SubscriptionType subscriptionType() {
        if (Boolean.TRUE.equals(config.getRetainOrdering()) || guarantees == ProcessingGuarantees.EFFECTIVELY_ONCE) {
            return SubscriptionType.Failover;
        }
        if (Boolean.TRUE.equals(config.getRetainKeyOrdering())) {
            return SubscriptionType.Key_Shared;
        }
        return SubscriptionType.Shared;
    }

    /** The input topics and patterns, grouped into one consumer per distinct consumer setting. */
    record Input(List<String> topics, String pattern, ConsumerConfig spec) {
    }

    /**
     * Every input as Pulsar's FunctionConfigUtils merges them: {@code inputs}, {@code topicsPattern}, {@code
     * customSerdeInputs}, {@code customSchemaInputs} (a ConsumerConfig as JSON, or a schema type), then {@code
     * inputSpecs}, later ones overriding earlier ones for the same topic; topics with equal settings share a consumer.
     */
    List<Input> inputs() {
        Map<String, ConsumerConfig> specs = new LinkedHashMap<>();
        if (config.getInputs() != null) {
            config.getInputs().forEach(topic -> specs.put(topic, new ConsumerConfig()));
        }
        String pattern = config.getTopicsPattern() == null || config.getTopicsPattern().isBlank()
                ? null : config.getTopicsPattern();
        if (pattern != null) {
            specs.put(pattern, new ConsumerConfig());
        }
        if (config.getCustomSerdeInputs() != null) {
            config.getCustomSerdeInputs().forEach((topic, serde) -> {
                ConsumerConfig spec = new ConsumerConfig();
                spec.setSerdeClassName(serde);
                specs.put(topic, spec);
            });
        }
        if (config.getCustomSchemaInputs() != null) {
            config.getCustomSchemaInputs().forEach((topic, schema) -> specs.put(topic, customSchemaSpec(schema)));
        }
        if (config.getInputSpecs() != null) {
            config.getInputSpecs().forEach((topic, spec) -> specs.put(topic, spec == null ? new ConsumerConfig() : spec));
        }
        List<Input> inputs = new ArrayList<>();
        Map<ConsumerConfig, List<String>> topicsBySpec = new LinkedHashMap<>();
        specs.forEach((topic, spec) -> {
            if (spec.isRegexPattern() || topic.equals(pattern)) {
                inputs.add(new Input(List.of(), topic, spec));
            } else {
                topicsBySpec.computeIfAbsent(spec, k -> new ArrayList<>()).add(topic);
            }
        });
        List<Input> byTopics = new ArrayList<>();
        topicsBySpec.forEach((spec, topics) -> byTopics.add(new Input(topics, null, spec)));
        byTopics.addAll(inputs);
        return byTopics;
    }

    private static ConsumerConfig customSchemaSpec(String value) {
        if (value != null && value.trim().startsWith("{")) {
            try {
                return ThreadRuntime.JSON.readValue(value, ConsumerConfig.class);
            } catch (java.io.IOException e) {
                // not a ConsumerConfig: a schema type or class name, as below
            }
        }
        ConsumerConfig spec = new ConsumerConfig();
        spec.setSchemaType(value);
        return spec;
    }

    List<String> inputTopicNames() {
        List<String> names = new ArrayList<>();
        for (Input input : inputs()) {
            if (input.pattern() != null) {
                names.add(input.pattern());
            } else {
                names.addAll(input.topics());
            }
        }
        return names;
    }

}
