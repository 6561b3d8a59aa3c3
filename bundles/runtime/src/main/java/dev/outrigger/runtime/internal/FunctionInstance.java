package dev.outrigger.runtime.internal;

import dev.outrigger.api.metadata.FunctionMetadata;
import dev.outrigger.api.scheduler.InstanceId;
import dev.outrigger.runtime.internal.window.WindowEngine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.TimeoutException;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.ConsumerBuilder;
import org.apache.pulsar.client.api.ConsumerEventListener;
import org.apache.pulsar.client.api.DeadLetterPolicy;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.client.api.SubscriptionType;
import org.apache.pulsar.client.api.TypedMessageBuilder;
import org.apache.pulsar.common.functions.ConsumerConfig;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.apache.pulsar.common.functions.FunctionConfig.ProcessingGuarantees;
import org.apache.pulsar.common.functions.WindowConfig;
import org.apache.pulsar.common.naming.TopicName;
import org.apache.pulsar.functions.api.Record;
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
    private static final long POLL_MILLIS = 100;
    private static final long STOP_WAIT_MILLIS = 10_000;

    /** {@code Context.fatal}: the run ends and counts as failed. */
    interface FatalHandler {
        void fatal(Throwable t);
    }

    final InstanceId id;
    final FunctionMetadata metadata;
    final Path packageFile;
    private final FunctionConfig config;
    private final PulsarClient client;
    private final RuntimeSettings settings;
    private final ScheduledExecutorService scheduler;
    private final Duration loadDeadline;
    final InstanceStats stats = new InstanceStats();
    private final ProcessingGuarantees guarantees;
    private final String functionId;

    private FunctionClassLoader loader;
    private Class<?> functionClass;
    private FunctionTypes types;
    private Run run;
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
    private Class<?> loadClass(FunctionClassLoader fresh) {
        String className = config.getClassName();
        try {
            return callUser(fresh, () -> Class.forName(className, true, fresh));
        } catch (ClassNotFoundException | NoClassDefFoundError e) {
            throw new IllegalArgumentException("User class " + className + " not found in the function package: " + e, e);
        } catch (Throwable e) {
            throw new IllegalArgumentException("Cannot load the user class " + className + ": " + e, e);
        }
    }

    private Object newFunction() {
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
        Run launched = new Run();
        run = launched;
        launched.thread.start();
        // The reconciler does not wait on user code; this deadline frees the instance from one that never returns.
        scheduler.schedule(() -> prepareTimedOut(launched), loadDeadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The run is still in the function's static initializer or constructor: give it up and try again later. */
    private synchronized void prepareTimedOut(Run late) {
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
        Run current;
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
        Run current;
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
    private synchronized void failed(Run failedRun, Throwable failure) {
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
    private <T> T callUser(Callable<T> call) throws Exception {
        return callUser(loader, call);
    }

    private static <T> T callUser(ClassLoader userLoader, Callable<T> call) throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(userLoader);
        try {
            return call.call();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static void closeQuietly(FunctionClassLoader fresh) {
        try {
            fresh.close();
        } catch (IOException e) {
            LOG.debug("Closing a class loader of {}", fresh, e);
        }
    }

    private String subscriptionName() {
        String subName = config.getSubName();
        return subName == null || subName.isBlank()
                ? config.getTenant() + "/" + config.getNamespace() + "/" + config.getName()
                : subName;
    }

    private SubscriptionType subscriptionType() {
        if (Boolean.TRUE.equals(config.getRetainOrdering()) || guarantees == ProcessingGuarantees.EFFECTIVELY_ONCE) {
            return SubscriptionType.Failover;
        }
        if (Boolean.TRUE.equals(config.getRetainKeyOrdering())) {
            return SubscriptionType.Key_Shared;
        }
        return SubscriptionType.Shared;
    }

    /** The input topics and patterns, grouped into one consumer per distinct consumer setting. */
    private record Input(List<String> topics, String pattern, ConsumerConfig spec) {
    }

    /**
     * Every input as Pulsar's FunctionConfigUtils merges them: {@code inputs}, {@code topicsPattern}, {@code
     * customSerdeInputs}, {@code customSchemaInputs} (a ConsumerConfig as JSON, or a schema type), then {@code
     * inputSpecs}, later ones overriding earlier ones for the same topic; topics with equal settings share a consumer.
     */
    private List<Input> inputs() {
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

    private List<String> inputTopicNames() {
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

    /** One run: a thread with its consumers, producers, context and function object. */
    private final class Run implements Runnable {

        final Thread thread;
        private volatile boolean stopping;
        /** The function class is loaded and the function object made: the load deadline no longer applies. */
        volatile boolean prepared;
        /** Given up past the load deadline: whatever it does later no longer speaks for the instance. */
        volatile boolean abandoned;
        private volatile Throwable fatal;
        volatile boolean processedAny;
        private Object function;
        private volatile InstanceContext context;
        private Schema<?> outputSchema;
        // synchronized: a stuck run's consumers are closed from the stopping thread (isolate)
        private final Map<Consumer<?>, Schema<?>> consumers = Collections.synchronizedMap(new LinkedHashMap<>());
        /** Set by whoever closes the run's producers and consumers first: its own thread, or {@link #isolate}. */
        private final AtomicBoolean handlesClosed = new AtomicBoolean();
        private final Semaphore asyncPermits;
        private WindowEngine<Object> window;
        private volatile ScheduledExecutorService windowTimer;

        Run() {
            this.thread = new Thread(this, "outrigger-function-" + id.fullyQualifiedName());
            thread.setDaemon(true);
            thread.setContextClassLoader(PULSAR_LOADER);
            // Pulsar's worker takes the worker's setting; the function's own is LocalRunner's
            asyncPermits = new Semaphore(settings.maxPendingAsyncRequests());
        }

        /**
         * Loads the function class in a new class loader unless the instance holds one, and makes the function
         * object; both run user code, so here on the run's thread.
         */
        private Object prepare() {
            boolean loaded;
            synchronized (FunctionInstance.this) {
                loaded = loader != null;
            }
            if (!loaded) {
                FunctionClassLoader fresh;
                try {
                    fresh = FunctionClassLoader.of(packageFile);
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("Cannot open the function package " + packageFile + ": "
                            + e.getMessage(), e);
                }
                Class<?> type;
                FunctionTypes kinds;
                try {
                    type = loadClass(fresh);
                    kinds = FunctionTypes.of(type, config.getWindowConfig() != null);
                } catch (RuntimeException | Error e) {
                    closeQuietly(fresh);
                    throw e;
                }
                synchronized (FunctionInstance.this) {
                    if (stopping || run != this) {
                        closeQuietly(fresh);
                        throw new IllegalStateException("The run was given up while loading the function class");
                    }
                    loader = fresh;
                    functionClass = type;
                    types = kinds;
                }
            }
            Object created = newFunction();
            prepared = true;
            return created;
        }

        /** @return whether the run's thread ended; false if it is still in user code after the waits */
        boolean stopAndJoin() {
            stopping = true;
            try {
                thread.join(STOP_WAIT_MILLIS);
                if (thread.isAlive()) {
                    LOG.warn("Function instance {} did not stop within {} ms; interrupting it", id, STOP_WAIT_MILLIS);
                    thread.interrupt();
                    thread.join(STOP_WAIT_MILLIS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return !thread.isAlive();
        }

        @Override
        public void run() {
            Throwable failure = null;
            try {
                function = prepare();
                if (stopping) {
                    // stopped or given up while in user code: this run must not subscribe any more
                    throw new IllegalStateException("The run was given up while creating the function object");
                }
                context = new InstanceContext(config, functionId, String.valueOf(metadata.version()), id.instanceId(),
                        inputTopicNames(), client, settings.exposedAdmin(), stats, loader, t -> {
                            fatal = t;
                        });
                String output = config.getOutput();
                if (output != null && !output.isBlank() && !types.voidOutput()) {
                    String outputSchemaType = config.getOutputSchemaType();
                    if (outputSchemaType == null || outputSchemaType.isBlank()) {
                        outputSchemaType = config.getOutputSerdeClassName();
                    }
                    if ((outputSchemaType == null || outputSchemaType.isBlank())
                            && RegisteredSchemas.appliesTo(types.output)) {
                        outputSchemaType = new RegisteredSchemas(settings.admin()).typeOf(output).orElse(null);
                    }
                    outputSchema = FunctionTypes.schema(types.output, outputSchemaType, loader, false);
                    if (guarantees != ProcessingGuarantees.EFFECTIVELY_ONCE) {
                        // created up front as Pulsar's sink does; effectively once names one per input partition
                        context.outputProducer(output, outputSchema, null);
                    }
                }
                if (config.getWindowConfig() != null) {
                    startWindows();
                }
                subscribe();
                if (types.kind == FunctionTypes.Kind.PULSAR) {
                    org.apache.pulsar.functions.api.Function<?, ?> pulsarFunction =
                            (org.apache.pulsar.functions.api.Function<?, ?>) function;
                    callUser(() -> {
                        pulsarFunction.initialize(context);
                        return null;
                    });
                }
                if (!stopping) {
                    stats.running(true, "");
                    LOG.info("Function instance {} running (version {})", id, metadata.version());
                }
                loop();
            } catch (Throwable t) {
                failure = t;
            } finally {
                if (failure == null && fatal != null) {
                    failure = fatal;
                }
                if (!abandoned) {
                    stats.running(false, failure == null ? "" : InstanceStats.describe(failure));
                }
                try {
                    cleanUp();
                } catch (Throwable t) {
                    LOG.warn("Function instance {}: cleaning up the run failed", id, t);
                }
            }
            if (failure != null && !stopping) {
                failed(this, failure);
            }
        }

        /**
         * Window functions: the records go to the window engine, which hands each window to the function on this
         * thread (count windows) or its timer (durations, event time), and acks a window's records once its result is
         * sent. As in Pulsar, the function's processing guarantee is the window's.
         */
        private void startWindows() {
            WindowConfig windowConfig = ThreadRuntime.JSON.convertValue(config.getWindowConfig(), WindowConfig.class);
            if (windowConfig.getProcessingGuarantees() == null) {
                windowConfig.setProcessingGuarantees(guarantees == ProcessingGuarantees.ATMOST_ONCE
                        ? WindowConfig.ProcessingGuarantees.ATMOST_ONCE : WindowConfig.ProcessingGuarantees.ATLEAST_ONCE);
            }
            windowTimer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread timer = new Thread(runnable, "outrigger-window-" + id.fullyQualifiedName());
                timer.setDaemon(true);
                timer.setContextClassLoader(PULSAR_LOADER);
                return timer;
            });
            InstanceWindowContext windowContext = new InstanceWindowContext(context);
            window = WindowEngine.start(id.fullyQualifiedName(), windowConfig, inputTopicNames(), loader, windowTimer,
                    (records, newRecords, expired, startTimestamp, endTimestamp) ->
                            processWindow(records, windowContext),
                    this::publishLate);
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private CompletableFuture<?> processWindow(List<Record<Object>> records, InstanceWindowContext windowContext) {
            Object result;
            try {
                if (types.kind == FunctionTypes.Kind.WINDOW) {
                    org.apache.pulsar.functions.api.WindowFunction windowFunction =
                            (org.apache.pulsar.functions.api.WindowFunction) function;
                    result = callUser(() -> windowFunction.process(records, windowContext));
                } else {
                    List<Object> values = new ArrayList<>(records.size());
                    records.forEach(record -> values.add(record.getValue()));
                    java.util.function.Function javaFunction = (java.util.function.Function) function;
                    result = callUser(() -> javaFunction.apply(values));
                }
            } catch (Exception e) {
                // the window's records stay unacknowledged, to be redelivered, as in Pulsar
                stats.userException(e);
                LOG.debug("Window function instance {} threw an exception", id, e);
                return CompletableFuture.failedFuture(e);
            }
            String output = config.getOutput();
            if (result == null || outputSchema == null || output == null || output.isBlank()) {
                return null;
            }
            try {
                return ((Producer) context.outputProducer(output, outputSchema, null)).newMessage().value(result)
                        .sendAsync().whenComplete((messageId, error) -> {
                            if (error != null) {
                                stats.systemException((Throwable) error);
                            }
                        });
            } catch (PulsarClientException | RuntimeException e) {
                stats.systemException(e);
                return CompletableFuture.failedFuture(e);
            }
        }

        /** Pulsar's windowing sends late records' values, as they came, to {@code lateDataTopic}. */
        @SuppressWarnings({"unchecked", "rawtypes"})
        private void publishLate(String lateDataTopic, Record<Object> record) {
            Schema schema = record.getSchema() != null ? record.getSchema() : Schema.BYTES;
            try {
                ((Producer) context.producer(lateDataTopic, schema)).newMessage().value(record.getValue()).sendAsync()
                        .whenComplete((messageId, error) -> {
                            if (error != null) {
                                stats.systemException((Throwable) error);
                            }
                        });
            } catch (PulsarClientException | RuntimeException e) {
                stats.systemException(e);
            }
        }

        /**
         * Inputs whose spec names no schema take the one registered on their topics, as Pulsar's do; topics with
         * different ones get consumers of their own.
         */
        private List<Input> withRegisteredSchemas(List<Input> inputs) {
            if (!RegisteredSchemas.appliesTo(types.input)) {
                return inputs;
            }
            RegisteredSchemas registered = new RegisteredSchemas(settings.admin());
            List<Input> resolved = new ArrayList<>();
            for (Input input : inputs) {
                ConsumerConfig spec = input.spec();
                boolean named = (spec.getSchemaType() != null && !spec.getSchemaType().isBlank())
                        || (spec.getSerdeClassName() != null && !spec.getSerdeClassName().isBlank());
                if (input.pattern() != null || named) {
                    resolved.add(input);
                    continue;
                }
                Map<String, List<String>> topicsByType = new LinkedHashMap<>();
                for (String topic : input.topics()) {
                    topicsByType.computeIfAbsent(registered.typeOf(topic).orElse(""), k -> new ArrayList<>()).add(topic);
                }
                topicsByType.forEach((type, topics) -> {
                    ConsumerConfig typed = ThreadRuntime.JSON.convertValue(spec, ConsumerConfig.class);
                    typed.setSchemaType(type.isEmpty() ? null : type);
                    resolved.add(new Input(topics, null, typed));
                });
            }
            return resolved;
        }

        private void subscribe() throws PulsarClientException {
            for (Input input : withRegisteredSchemas(inputs())) {
                ConsumerConfig spec = input.spec();
                Schema<?> schema = FunctionTypes.inputSchema(types.input, spec, loader);
                ConsumerBuilder<?> builder = client.newConsumer(schema)
                        .subscriptionName(subscriptionName())
                        .subscriptionType(subscriptionType())
                        .subscriptionInitialPosition(config.getSubscriptionPosition() == null
                                ? SubscriptionInitialPosition.Latest : config.getSubscriptionPosition())
                        .properties(Map.of(
                                "application", "pulsar-function",
                                "id", id.function().fullyQualifiedName(),
                                "instance_id", String.valueOf(id.instanceId())));
                if (input.pattern() != null) {
                    builder.topicsPattern(input.pattern());
                } else {
                    builder.topics(input.topics());
                }
                if (spec.getReceiverQueueSize() != null) {
                    builder.receiverQueueSize(spec.getReceiverQueueSize());
                }
                if (spec.getConsumerProperties() != null && !spec.getConsumerProperties().isEmpty()) {
                    builder.properties(spec.getConsumerProperties());
                }
                if (spec.getCryptoConfig() != null) {
                    builder.cryptoKeyReader(CryptoKeyReaders.create(spec.getCryptoConfig(), loader));
                    if (spec.getCryptoConfig().getConsumerCryptoFailureAction() != null) {
                        builder.cryptoFailureAction(spec.getCryptoConfig().getConsumerCryptoFailureAction());
                    }
                }
                if (guarantees == ProcessingGuarantees.EFFECTIVELY_ONCE) {
                    builder.consumerEventListener(new ConsumerEventListener() {
                        @Override
                        public void becameActive(Consumer<?> consumer, int partitionId) {
                            // the producers are created when the first result of that partition is sent
                        }

                        @Override
                        public void becameInactive(Consumer<?> consumer, int partitionId) {
                            // as Pulsar's sink: give the partition's producer name up for the consumer taking over
                            InstanceContext current = context;
                            if (current != null) {
                                current.closeOutputProducersNamed(consumer.getTopic());
                                current.closeOutputProducersNamed(TopicName.get(consumer.getTopic())
                                        .getPartition(partitionId).toString());
                            }
                        }
                    });
                }
                if (config.getTimeoutMs() != null && config.getTimeoutMs() > 0) {
                    builder.ackTimeout(config.getTimeoutMs(), TimeUnit.MILLISECONDS);
                }
                if (config.getMaxMessageRetries() != null && config.getMaxMessageRetries() >= 0) {
                    DeadLetterPolicy.DeadLetterPolicyBuilder policy = DeadLetterPolicy.builder()
                            .maxRedeliverCount(config.getMaxMessageRetries());
                    if (config.getDeadLetterTopic() != null && !config.getDeadLetterTopic().isBlank()) {
                        policy.deadLetterTopic(config.getDeadLetterTopic());
                    }
                    builder.deadLetterPolicy(policy.build());
                }
                Consumer<?> consumer = builder.subscribe();
                consumers.put(consumer, schema);
                if (Boolean.TRUE.equals(config.getSkipToLatest())) {
                    consumer.seek(MessageId.latest);
                }
            }
            if (consumers.isEmpty()) {
                throw new IllegalArgumentException("The function has no input topics");
            }
        }

        private void loop() throws Throwable {
            Map<Consumer<?>, CompletableFuture<? extends Message<?>>> pending = new LinkedHashMap<>();
            try {
                while (!stopping && fatal == null) {
                    for (Consumer<?> consumer : consumers.keySet()) {
                        pending.computeIfAbsent(consumer, c -> c.receiveAsync());
                    }
                    try {
                        CompletableFuture.anyOf(pending.values().toArray(new CompletableFuture<?>[0]))
                                .get(POLL_MILLIS, TimeUnit.MILLISECONDS);
                    } catch (TimeoutException e) {
                        continue;
                    } catch (ExecutionException e) {
                        throw e.getCause();
                    }
                    for (Consumer<?> consumer : consumers.keySet()) {
                        CompletableFuture<? extends Message<?>> received = pending.get(consumer);
                        if (received != null && received.isDone()) {
                            pending.remove(consumer);
                            Message<?> message;
                            try {
                                message = received.join();
                            } catch (CompletionException e) {
                                throw e.getCause();
                            }
                            handle(consumer, message);
                        }
                    }
                }
            } finally {
                pending.values().forEach(future -> future.cancel(false));
            }
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private void handle(Consumer<?> consumer, Message<?> message) throws Exception {
            stats.received();
            MessageRecord<?> record = new MessageRecord(message, consumer, consumers.get(consumer));
            if (window != null) {
                addToWindow(record);
                return;
            }
            if (guarantees == ProcessingGuarantees.ATMOST_ONCE) {
                consumer.acknowledgeAsync(message);
            }
            Object input;
            try {
                input = message.getValue();
            } catch (RuntimeException e) {
                // the input does not decode with the function's schema: Pulsar counts this against the instance
                stats.systemException(e);
                failRecord(record);
                return;
            }
            context.setCurrentRecord(record);
            long start = System.nanoTime();
            stats.invoked(System.currentTimeMillis());
            Object result;
            try {
                if (types.kind == FunctionTypes.Kind.PULSAR) {
                    org.apache.pulsar.functions.api.Function pulsarFunction =
                            (org.apache.pulsar.functions.api.Function) function;
                    result = callUser(() -> pulsarFunction.process(input, context));
                } else {
                    java.util.function.Function javaFunction = (java.util.function.Function) function;
                    result = callUser(() -> javaFunction.apply(input));
                }
            } catch (Exception e) {
                userException(record, e);
                return;
            }
            if (result instanceof CompletableFuture<?> future) {
                asyncPermits.acquire();
                future.whenComplete((value, error) -> {
                    asyncPermits.release();
                    if (error != null) {
                        userException(record, error instanceof CompletionException && error.getCause() != null
                                ? error.getCause() : error);
                    } else {
                        processed(start);
                        emit(value, record);
                    }
                });
            } else {
                processed(start);
                emit(result, record);
            }
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private void addToWindow(MessageRecord<?> record) {
            try {
                // decoded here, as for other functions: an input the schema cannot read is the instance's failure
                record.getValue();
            } catch (RuntimeException e) {
                stats.systemException(e);
                record.fail();
                return;
            }
            context.setCurrentRecord(record);
            long start = System.nanoTime();
            stats.invoked(System.currentTimeMillis());
            try {
                window.add((Record) record);
            } catch (Exception e) {
                // a count window fired on this record and its handling failed; it was counted there
                LOG.debug("Window of {} failed", id, e);
            }
            processed(start);
        }

        private void processed(long startNanos) {
            stats.processed(System.nanoTime() - startNanos);
            processedAny = true;
        }

        private void userException(Record<?> record, Throwable e) {
            stats.userException(e);
            LOG.debug("Function instance {} threw an exception", id, e);
            failRecord(record);
        }

        private boolean autoAck() {
            return guarantees == ProcessingGuarantees.ATLEAST_ONCE
                    || guarantees == ProcessingGuarantees.EFFECTIVELY_ONCE;
        }

        private void ackRecord(Record<?> record) {
            if (autoAck()) {
                record.ack();
            }
        }

        private void failRecord(Record<?> record) {
            if (guarantees == ProcessingGuarantees.EFFECTIVELY_ONCE) {
                // As Pulsar's: no redelivery out of order under effectively once; the run ends and the next one
                // resumes from the last acknowledged input.
                fatal = new IllegalStateException("Failed to process message: "
                        + record.getMessage().map(message -> message.getMessageId().toString()).orElse("?"));
            } else if (autoAck()) {
                record.fail();
            }
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private void emit(Object value, MessageRecord<?> input) {
            if (value == null) {
                ackRecord(input);
                return;
            }
            String topic = outputSchema == null ? null : config.getOutput();
            Schema schema = outputSchema;
            Object payload = value;
            String key = input.getKey().orElse(null);
            Long eventTime = input.getEventTime().orElse(null);
            Map<String, String> properties = Boolean.FALSE.equals(config.getForwardSourceMessageProperty())
                    ? Map.of() : input.getProperties();
            if (value instanceof Record<?> output) {
                topic = output.getDestinationTopic().orElse(config.getOutput());
                schema = output.getSchema() != null ? output.getSchema() : outputSchema;
                payload = output.getValue();
                key = output.getKey().orElse(null);
                eventTime = output.getEventTime().orElse(null);
                properties = output.getProperties();
            }
            if (topic == null || topic.isBlank() || payload == null) {
                ackRecord(input);
                return;
            }
            if (schema == null) {
                schema = FunctionTypes.defaultSchema(payload.getClass(), false);
            }
            try {
                TypedMessageBuilder builder;
                if (guarantees == ProcessingGuarantees.EFFECTIVELY_ONCE) {
                    // Pulsar's effectively-once sink: one producer per input partition, named after it, and the input's
                    // position as the sequence id, so the broker's deduplication drops what a replay sends again
                    String partition = input.getPartitionId().orElseThrow(() -> new IllegalStateException(
                            "PartitionId needs to be specified for every record while in Effectively-once mode"));
                    long sequence = input.getRecordSequence().orElseThrow(() -> new IllegalStateException(
                            "RecordSequence needs to be specified for every record while in Effectively-once mode"));
                    builder = context.outputProducer(topic, schema, partition).newMessage().value(payload)
                            .sequenceId(sequence);
                } else {
                    builder = context.outputProducer(topic, schema, null).newMessage().value(payload);
                }
                if (key != null) {
                    builder.key(key);
                }
                if (eventTime != null) {
                    builder.eventTime(eventTime);
                }
                if (properties != null && !properties.isEmpty()) {
                    builder.properties(properties);
                }
                // Pulsar's instances name the input message on every output; trigger finds its answer by them.
                input.getTopicName().ifPresent(inputTopic -> builder.property(INPUT_TOPIC_PROPERTY, inputTopic));
                input.getMessage().ifPresent(message -> builder.property(INPUT_MESSAGE_ID_PROPERTY,
                        Base64.getEncoder().encodeToString(message.getMessageId().toByteArray())));
                builder.sendAsync().whenComplete((messageId, error) -> {
                    if (error != null) {
                        stats.systemException((Throwable) error);
                        failRecord(input);
                    } else {
                        ackRecord(input);
                    }
                });
            } catch (PulsarClientException | RuntimeException e) {
                stats.systemException(e);
                failRecord(input);
            }
        }

        private void cleanUp() {
            if (window != null) {
                window.close();
                window = null;
            }
            if (windowTimer != null) {
                windowTimer.shutdownNow();
                windowTimer = null;
            }
            if (function instanceof org.apache.pulsar.functions.api.Function<?, ?> pulsarFunction && loader != null) {
                try {
                    callUser(() -> {
                        pulsarFunction.close();
                        return null;
                    });
                } catch (Throwable e) {
                    // Errors too: whatever close() throws, the producers and consumers below are closed
                    LOG.warn("Function instance {}: close() threw", id, e);
                }
            }
            closeHandles();
        }

        /**
         * The run's thread is still in user code past the stop wait (issue 11 finding 4): its producers and consumers
         * are closed from here, so it can neither take nor send anything more and its unacknowledged messages go to
         * the next run; the thread itself is left to end, and nothing it does later speaks for the instance.
         */
        void isolate() {
            abandoned = true;
            ScheduledExecutorService timer = windowTimer;
            if (timer != null) {
                timer.shutdownNow();
            }
            closeHandles();
        }

        private void closeHandles() {
            if (!handlesClosed.compareAndSet(false, true)) {
                return;
            }
            InstanceContext current = context;
            if (current != null) {
                // flushing first lets the acks that wait on sends happen before the consumers go
                try {
                    current.closeProducers();
                } catch (RuntimeException e) {
                    LOG.warn("Function instance {}: closing its producers failed", id, e);
                }
            }
            Collection<Consumer<?>> toClose;
            synchronized (consumers) {
                toClose = new ArrayList<>(consumers.keySet());
            }
            for (Consumer<?> consumer : toClose) {
                try {
                    consumer.close();
                } catch (PulsarClientException e) {
                    LOG.debug("Closing a consumer of {}", id, e);
                }
            }
        }
    }
}
