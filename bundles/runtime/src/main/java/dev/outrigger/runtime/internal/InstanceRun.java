package dev.outrigger.runtime.internal;

import dev.outrigger.runtime.internal.window.WindowEngine;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
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
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.client.api.TypedMessageBuilder;
import org.apache.pulsar.common.functions.ConsumerConfig;
import org.apache.pulsar.common.functions.FunctionConfig.ProcessingGuarantees;
import org.apache.pulsar.common.functions.WindowConfig;
import org.apache.pulsar.common.naming.TopicName;
import org.apache.pulsar.functions.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a {@link FunctionInstance}: a thread with its consumers, producers, context and function object. Split
 * from the instance, which starts, stops, restarts and gives up runs; a run only asks it what to run.
 */
final class InstanceRun implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(InstanceRun.class);

    private final FunctionInstance instance;

    final Thread thread;
    volatile boolean stopping;
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

    InstanceRun(FunctionInstance instance) {
        this.instance = instance;
        this.thread = new Thread(this, "outrigger-function-" + instance.id.fullyQualifiedName());
        thread.setDaemon(true);
        thread.setContextClassLoader(FunctionInstance.PULSAR_LOADER);
        // Pulsar's worker takes the worker's setting; the function's own is LocalRunner's
        asyncPermits = new Semaphore(instance.settings.maxPendingAsyncRequests());
    }

    /**
     * Loads the function class in a new class loader unless the instance holds one, and makes the function
     * object; both run user code, so here on the run's thread.
     */
    private Object prepare() {
        boolean loaded;
        synchronized (instance) {
            loaded = instance.loader != null;
        }
        if (!loaded) {
            FunctionClassLoader fresh;
            try {
                fresh = FunctionClassLoader.of(instance.packageFile);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("Cannot open the function package " + instance.packageFile + ": "
                        + e.getMessage(), e);
            }
            Class<?> type;
            FunctionTypes kinds;
            try {
                type = instance.loadClass(fresh);
                kinds = FunctionTypes.of(type, instance.config.getWindowConfig() != null);
            } catch (RuntimeException | Error e) {
                FunctionInstance.closeQuietly(fresh);
                throw e;
            }
            synchronized (instance) {
                if (stopping || instance.run != this) {
                    FunctionInstance.closeQuietly(fresh);
                    throw new IllegalStateException("The run was given up while loading the function class");
                }
                instance.loader = fresh;
                instance.functionClass = type;
                instance.types = kinds;
            }
        }
        Object created = instance.newFunction();
        prepared = true;
        return created;
    }

    /** @return whether the run's thread ended; false if it is still in user code after the waits */
    boolean stopAndJoin() {
        stopping = true;
        try {
            thread.join(FunctionInstance.STOP_WAIT_MILLIS);
            if (thread.isAlive()) {
                LOG.warn("Function instance {} did not stop within {} ms; interrupting it", instance.id, FunctionInstance.STOP_WAIT_MILLIS);
                thread.interrupt();
                thread.join(FunctionInstance.STOP_WAIT_MILLIS);
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
            context = new InstanceContext(instance.config, instance.functionId, String.valueOf(instance.metadata.version()), instance.id.instanceId(),
                    instance.inputTopicNames(), instance.client, instance.settings.exposedAdmin(), instance.stats, instance.loader, t -> {
                        fatal = t;
                    });
            String output = instance.config.getOutput();
            if (output != null && !output.isBlank() && !instance.types.voidOutput()) {
                String outputSchemaType = instance.config.getOutputSchemaType();
                if (outputSchemaType == null || outputSchemaType.isBlank()) {
                    outputSchemaType = instance.config.getOutputSerdeClassName();
                }
                if ((outputSchemaType == null || outputSchemaType.isBlank())
                        && RegisteredSchemas.appliesTo(instance.types.output)) {
                    outputSchemaType = new RegisteredSchemas(instance.settings.admin()).typeOf(output).orElse(null);
                }
                outputSchema = FunctionTypes.schema(instance.types.output, outputSchemaType, instance.loader, false);
                if (instance.guarantees != ProcessingGuarantees.EFFECTIVELY_ONCE) {
                    // created up front as Pulsar's sink does; effectively once names one per input partition
                    context.outputProducer(output, outputSchema, null);
                }
            }
            if (instance.config.getWindowConfig() != null) {
                startWindows();
            }
            subscribe();
            if (instance.types.kind == FunctionTypes.Kind.PULSAR) {
                org.apache.pulsar.functions.api.Function<?, ?> pulsarFunction =
                        (org.apache.pulsar.functions.api.Function<?, ?>) function;
                instance.callUser(() -> {
                    pulsarFunction.initialize(context);
                    return null;
                });
            }
            if (!stopping) {
                instance.stats.running(true, "");
                LOG.info("Function instance {} running (version {})", instance.id, instance.metadata.version());
            }
            loop();
        } catch (Throwable t) {
            failure = t;
        } finally {
            if (failure == null && fatal != null) {
                failure = fatal;
            }
            if (!abandoned) {
                instance.stats.running(false, failure == null ? "" : InstanceStats.describe(failure));
            }
            try {
                cleanUp();
            } catch (Throwable t) {
                LOG.warn("Function instance {}: cleaning up the run failed", instance.id, t);
            }
        }
        if (failure != null && !stopping) {
            instance.failed(this, failure);
        }
    }

    /**
     * Window functions: the records go to the window engine, which hands each window to the function on this
     * thread (count windows) or its timer (durations, event time), and acks a window's records once its result is
     * sent. As in Pulsar, the function's processing guarantee is the window's.
     */
    private void startWindows() {
        WindowConfig windowConfig = ThreadRuntime.JSON.convertValue(instance.config.getWindowConfig(), WindowConfig.class);
        if (windowConfig.getProcessingGuarantees() == null) {
            windowConfig.setProcessingGuarantees(instance.guarantees == ProcessingGuarantees.ATMOST_ONCE
                    ? WindowConfig.ProcessingGuarantees.ATMOST_ONCE : WindowConfig.ProcessingGuarantees.ATLEAST_ONCE);
        }
        windowTimer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread timer = new Thread(runnable, "outrigger-window-" + instance.id.fullyQualifiedName());
            timer.setDaemon(true);
            timer.setContextClassLoader(FunctionInstance.PULSAR_LOADER);
            return timer;
        });
        InstanceWindowContext windowContext = new InstanceWindowContext(context);
        window = WindowEngine.start(instance.id.fullyQualifiedName(), windowConfig, instance.inputTopicNames(), instance.loader, windowTimer,
                (records, newRecords, expired, startTimestamp, endTimestamp) ->
                        processWindow(records, windowContext),
                this::publishLate);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private CompletableFuture<?> processWindow(List<Record<Object>> records, InstanceWindowContext windowContext) {
        Object result;
        try {
            if (instance.types.kind == FunctionTypes.Kind.WINDOW) {
                org.apache.pulsar.functions.api.WindowFunction windowFunction =
                        (org.apache.pulsar.functions.api.WindowFunction) function;
                result = instance.callUser(() -> windowFunction.process(records, windowContext));
            } else {
                List<Object> values = new ArrayList<>(records.size());
                records.forEach(record -> values.add(record.getValue()));
                java.util.function.Function javaFunction = (java.util.function.Function) function;
                result = instance.callUser(() -> javaFunction.apply(values));
            }
        } catch (Exception e) {
            // the window's records stay unacknowledged, to be redelivered, as in Pulsar
            instance.stats.userException(e);
            LOG.debug("Window function instance {} threw an exception", instance.id, e);
            return CompletableFuture.failedFuture(e);
        }
        String output = instance.config.getOutput();
        if (result == null || outputSchema == null || output == null || output.isBlank()) {
            return null;
        }
        try {
            return ((Producer) context.outputProducer(output, outputSchema, null)).newMessage().value(result)
                    .sendAsync().whenComplete((messageId, error) -> {
                        if (error != null) {
                            instance.stats.systemException((Throwable) error);
                        }
                    });
        } catch (PulsarClientException | RuntimeException e) {
            instance.stats.systemException(e);
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
                            instance.stats.systemException((Throwable) error);
                        }
                    });
        } catch (PulsarClientException | RuntimeException e) {
            instance.stats.systemException(e);
        }
    }

    /**
     * Inputs whose spec names no schema take the one registered on their topics, as Pulsar's do; topics with
     * different ones get consumers of their own.
     */
    private List<FunctionInstance.Input> withRegisteredSchemas(List<FunctionInstance.Input> inputs) {
        if (!RegisteredSchemas.appliesTo(instance.types.input)) {
            return inputs;
        }
        RegisteredSchemas registered = new RegisteredSchemas(instance.settings.admin());
        List<FunctionInstance.Input> resolved = new ArrayList<>();
        for (FunctionInstance.Input input : inputs) {
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
                resolved.add(new FunctionInstance.Input(topics, null, typed));
            });
        }
        return resolved;
    }

    private void subscribe() throws PulsarClientException {
        for (FunctionInstance.Input input : withRegisteredSchemas(instance.inputs())) {
            ConsumerConfig spec = input.spec();
            Schema<?> schema = FunctionTypes.inputSchema(instance.types.input, spec, instance.loader);
            ConsumerBuilder<?> builder = instance.client.newConsumer(schema)
                    .subscriptionName(instance.subscriptionName())
                    .subscriptionType(instance.subscriptionType())
                    .subscriptionInitialPosition(instance.config.getSubscriptionPosition() == null
                            ? SubscriptionInitialPosition.Latest : instance.config.getSubscriptionPosition())
                    .properties(Map.of(
                            "application", "pulsar-function",
                            "id", instance.id.function().fullyQualifiedName(),
                            "instance_id", String.valueOf(instance.id.instanceId())));
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
                builder.cryptoKeyReader(CryptoKeyReaders.create(spec.getCryptoConfig(), instance.loader));
                if (spec.getCryptoConfig().getConsumerCryptoFailureAction() != null) {
                    builder.cryptoFailureAction(spec.getCryptoConfig().getConsumerCryptoFailureAction());
                }
            }
            if (instance.guarantees == ProcessingGuarantees.EFFECTIVELY_ONCE) {
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
            if (instance.config.getTimeoutMs() != null && instance.config.getTimeoutMs() > 0) {
                builder.ackTimeout(instance.config.getTimeoutMs(), TimeUnit.MILLISECONDS);
            }
            if (instance.config.getMaxMessageRetries() != null && instance.config.getMaxMessageRetries() >= 0) {
                DeadLetterPolicy.DeadLetterPolicyBuilder policy = DeadLetterPolicy.builder()
                        .maxRedeliverCount(instance.config.getMaxMessageRetries());
                if (instance.config.getDeadLetterTopic() != null && !instance.config.getDeadLetterTopic().isBlank()) {
                    policy.deadLetterTopic(instance.config.getDeadLetterTopic());
                }
                builder.deadLetterPolicy(policy.build());
            }
            Consumer<?> consumer = builder.subscribe();
            consumers.put(consumer, schema);
            if (Boolean.TRUE.equals(instance.config.getSkipToLatest())) {
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
                            .get(FunctionInstance.POLL_MILLIS, TimeUnit.MILLISECONDS);
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
        instance.stats.received();
        MessageRecord<?> record = new MessageRecord(message, consumer, consumers.get(consumer));
        if (window != null) {
            addToWindow(record);
            return;
        }
        if (instance.guarantees == ProcessingGuarantees.ATMOST_ONCE) {
            consumer.acknowledgeAsync(message);
        }
        Object input;
        try {
            input = message.getValue();
        } catch (RuntimeException e) {
            // the input does not decode with the function's schema: Pulsar counts this against the instance
            instance.stats.systemException(e);
            failRecord(record);
            return;
        }
        context.setCurrentRecord(record);
        long start = System.nanoTime();
        instance.stats.invoked(System.currentTimeMillis());
        Object result;
        try {
            if (instance.types.kind == FunctionTypes.Kind.PULSAR) {
                org.apache.pulsar.functions.api.Function pulsarFunction =
                        (org.apache.pulsar.functions.api.Function) function;
                result = instance.callUser(() -> pulsarFunction.process(input, context));
            } else {
                java.util.function.Function javaFunction = (java.util.function.Function) function;
                result = instance.callUser(() -> javaFunction.apply(input));
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
            instance.stats.systemException(e);
            record.fail();
            return;
        }
        context.setCurrentRecord(record);
        long start = System.nanoTime();
        instance.stats.invoked(System.currentTimeMillis());
        try {
            window.add((Record) record);
        } catch (Exception e) {
            // a count window fired on this record and its handling failed; it was counted there
            LOG.debug("Window of {} failed", instance.id, e);
        }
        processed(start);
    }

    private void processed(long startNanos) {
        instance.stats.processed(System.nanoTime() - startNanos);
        processedAny = true;
    }

    private void userException(Record<?> record, Throwable e) {
        instance.stats.userException(e);
        LOG.debug("Function instance {} threw an exception", instance.id, e);
        failRecord(record);
    }

    private boolean autoAck() {
        return instance.guarantees == ProcessingGuarantees.ATLEAST_ONCE
                || instance.guarantees == ProcessingGuarantees.EFFECTIVELY_ONCE;
    }

    private void ackRecord(Record<?> record) {
        if (autoAck()) {
            record.ack();
        }
    }

    private void failRecord(Record<?> record) {
        if (instance.guarantees == ProcessingGuarantees.EFFECTIVELY_ONCE) {
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
        String topic = outputSchema == null ? null : instance.config.getOutput();
        Schema schema = outputSchema;
        Object payload = value;
        String key = input.getKey().orElse(null);
        Long eventTime = input.getEventTime().orElse(null);
        Map<String, String> properties = Boolean.FALSE.equals(instance.config.getForwardSourceMessageProperty())
                ? Map.of() : input.getProperties();
        if (value instanceof Record<?> output) {
            topic = output.getDestinationTopic().orElse(instance.config.getOutput());
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
            if (instance.guarantees == ProcessingGuarantees.EFFECTIVELY_ONCE) {
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
            input.getTopicName().ifPresent(inputTopic -> builder.property(FunctionInstance.INPUT_TOPIC_PROPERTY, inputTopic));
            input.getMessage().ifPresent(message -> builder.property(FunctionInstance.INPUT_MESSAGE_ID_PROPERTY,
                    Base64.getEncoder().encodeToString(message.getMessageId().toByteArray())));
            builder.sendAsync().whenComplete((messageId, error) -> {
                if (error != null) {
                    instance.stats.systemException((Throwable) error);
                    failRecord(input);
                } else {
                    ackRecord(input);
                }
            });
        } catch (PulsarClientException | RuntimeException e) {
            instance.stats.systemException(e);
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
        if (function instanceof org.apache.pulsar.functions.api.Function<?, ?> pulsarFunction && instance.loader != null) {
            try {
                instance.callUser(() -> {
                    pulsarFunction.close();
                    return null;
                });
            } catch (Throwable e) {
                // Errors too: whatever close() throws, the producers and consumers below are closed
                LOG.warn("Function instance {}: close() threw", instance.id, e);
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
                LOG.warn("Function instance {}: closing its producers failed", instance.id, e);
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
                LOG.debug("Closing a consumer of {}", instance.id, e);
            }
        }
    }
}
