package dev.outrigger.runtime.internal;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.CompressionType;
import org.apache.pulsar.client.api.ConsumerBuilder;
import org.apache.pulsar.client.api.HashingScheme;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.ProducerBuilder;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.TypedMessageBuilder;
import org.apache.pulsar.common.functions.CryptoConfig;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.apache.pulsar.common.functions.ProducerConfig;
import org.apache.pulsar.functions.api.Context;
import org.apache.pulsar.functions.api.Record;
import org.apache.pulsar.functions.api.utils.FunctionRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Pulsar's Functions API Context of one run of an instance: identity, configuration, publishing, metrics. */
final class InstanceContext implements Context {

    static final String NO_STATE = "State storage is not available in this worker (the thread runtime has no state store)";

    private final FunctionConfig config;
    private final String functionId;
    private final String functionVersion;
    private final int instanceId;
    private final List<String> inputTopics;
    private final PulsarClient client;
    private final InstanceStats stats;
    private final ClassLoader functionLoader;
    private final Logger logger;
    private final Map<String, Producer<?>> producers = new ConcurrentHashMap<>();
    private final FunctionInstance.FatalHandler fatal;
    private final PulsarAdmin admin;
    private final Producer<byte[]> logTopicProducer;
    private volatile Record<?> currentRecord;

    private static final long CLOSE_WAIT_SECONDS = 10;

    /**
     * @param admin the admin client functions may use ({@code exposeAdminClientEnabled}), or null
     * @throws PulsarClientException if the {@code logTopic} producer cannot be created
     */
    InstanceContext(FunctionConfig config, String functionId, String functionVersion, int instanceId,
            List<String> inputTopics, PulsarClient client, PulsarAdmin admin, InstanceStats stats,
            ClassLoader functionLoader, FunctionInstance.FatalHandler fatal) throws PulsarClientException {
        this.config = config;
        this.functionId = functionId;
        this.functionVersion = functionVersion;
        this.instanceId = instanceId;
        this.inputTopics = List.copyOf(inputTopics);
        this.client = client;
        this.stats = stats;
        this.functionLoader = functionLoader;
        this.fatal = fatal;
        this.admin = admin;
        // Pulsar's JavaInstanceRunnable names the instance's logger this way.
        Logger functionLogger = LoggerFactory.getLogger("function-" + config.getName());
        String logTopic = config.getLogTopic();
        if (logTopic == null || logTopic.isBlank()) {
            this.logTopicProducer = null;
            this.logger = functionLogger;
        } else {
            String fqfn = config.getTenant() + "/" + config.getNamespace() + "/" + config.getName();
            // Pulsar's LogAppender: batched, never blocking the function when the queue is full
            this.logTopicProducer = client.newProducer()
                    .topic(logTopic)
                    .blockIfQueueFull(false)
                    .enableBatching(true)
                    .compressionType(CompressionType.LZ4)
                    .batchingMaxPublishDelay(100, TimeUnit.MILLISECONDS)
                    .property("function", fqfn)
                    .create();
            this.logger = new LogTopicLogger(functionLogger, logTopicProducer, fqfn, String.valueOf(instanceId));
        }
    }

    void setCurrentRecord(Record<?> record) {
        currentRecord = record;
    }

    /** @return a producer for {@code Context.publish} and {@code newOutputMessage}, kept for this run */
    <X> Producer<X> producer(String topic, Schema<X> schema) throws PulsarClientException {
        return producer(topic, schema, false, null);
    }

    /**
     * @param producerName null, or the name that makes the broker deduplicate by sequence id (effectively once)
     * @return a producer for the function's results, with the function's {@code producerConfig} (crypto included), as
     *     Pulsar's sink of a function has
     */
    <X> Producer<X> outputProducer(String topic, Schema<X> schema, String producerName) throws PulsarClientException {
        return producer(topic, schema, true, producerName);
    }

    @SuppressWarnings("unchecked")
    private <X> Producer<X> producer(String topic, Schema<X> schema, boolean output, String producerName)
            throws PulsarClientException {
        String schemaKey = schemaKey(schema);
        String key = topic + "\u0000" + schemaKey + "\u0000" + output + "\u0000" + producerName;
        Producer<?> existing = producers.get(key);
        if (existing != null) {
            return (Producer<X>) existing;
        }
        synchronized (producers) {
            existing = producers.get(key);
            if (existing != null) {
                return (Producer<X>) existing;
            }
            ProducerBuilder<X> builder = client.newProducer(schema)
                    .topic(topic)
                    .blockIfQueueFull(true)
                    .enableBatching(true)
                    .batchingMaxPublishDelay(10, TimeUnit.MILLISECONDS)
                    .compressionType(CompressionType.LZ4)
                    .hashingScheme(HashingScheme.Murmur3_32Hash)
                    // Pulsar's: an infinite send timeout, so a blocked consumer cannot deadlock with its producer
                    .sendTimeout(0, TimeUnit.SECONDS)
                    .properties(Map.of(
                            "application", "pulsar-function",
                            "id", config.getTenant() + "/" + config.getNamespace() + "/" + config.getName(),
                            "instance_id", String.valueOf(instanceId)));
            if (producerName != null) {
                // Effectively once: the broker must judge each result on its own sequence id. It judges a batch by its
                // first one only, so a batch opening with a result the previous run had sent is dropped whole, the new
                // results in it too, and the client reports success (apache/pulsar#6273). Found by the soak: 294
                // results lost over 30 kills, no error anywhere.
                builder.producerName(producerName).enableBatching(false);
            }
            ProducerConfig producerConfig = config.getProducerConfig();
            if (producerConfig != null) {
                if (producerConfig.getMaxPendingMessages() != null && producerConfig.getMaxPendingMessages() > 0) {
                    builder.maxPendingMessages(producerConfig.getMaxPendingMessages());
                }
                if (producerConfig.getMaxPendingMessagesAcrossPartitions() != null
                        && producerConfig.getMaxPendingMessagesAcrossPartitions() > 0) {
                    builder.maxPendingMessagesAcrossPartitions(producerConfig.getMaxPendingMessagesAcrossPartitions());
                }
                if ("KEY_BASED".equalsIgnoreCase(producerConfig.getBatchBuilder())) {
                    builder.batcherBuilder(org.apache.pulsar.client.api.BatcherBuilder.KEY_BASED);
                }
                if (output && producerConfig.getCompressionType() != null) {
                    builder.compressionType(producerConfig.getCompressionType());
                }
                CryptoConfig crypto = producerConfig.getCryptoConfig();
                if (output && crypto != null) {
                    builder.cryptoKeyReader(CryptoKeyReaders.create(crypto, functionLoader));
                    if (crypto.getEncryptionKeys() != null) {
                        for (String encryptionKey : crypto.getEncryptionKeys()) {
                            builder.addEncryptionKey(encryptionKey);
                        }
                    }
                    if (crypto.getProducerCryptoFailureAction() != null) {
                        builder.cryptoFailureAction(crypto.getProducerCryptoFailureAction());
                    }
                }
            }
            Producer<X> producer = builder.create();
            producers.put(key, producer);
            return producer;
        }
    }

    /** Tells schemas apart without asking AUTO_PRODUCE_BYTES for its info, which it has only once a producer set it. */
    private static String schemaKey(Schema<?> schema) {
        if (schema instanceof SerDeSchema<?> serDe) {
            return "serde:" + serDe.serDeClassName();
        }
        try {
            return schema.getSchemaInfo().getType() + "\u0000" + schema.getSchemaInfo().getName();
        } catch (RuntimeException notYetKnown) {
            return "class:" + schema.getClass().getName();
        }
    }

    /**
     * Closes the producers named {@code producerName} (effectively once): the partition they were named after went to
     * another consumer, whose instance must be able to take the name.
     */
    void closeOutputProducersNamed(String producerName) {
        synchronized (producers) {
            producers.entrySet().removeIf(entry -> {
                if (producerName.equals(entry.getValue().getProducerName())) {
                    entry.getValue().closeAsync();
                    return true;
                }
                return false;
            });
        }
    }

    /** Closes the producers of this run, after flushing what they hold. */
    void closeProducers() {
        List<CompletableFuture<Void>> closed = new java.util.ArrayList<>();
        synchronized (producers) {
            for (Producer<?> producer : producers.values()) {
                try {
                    producer.flush();
                } catch (PulsarClientException e) {
                    // closing anyway
                }
                closed.add(producer.closeAsync());
            }
            producers.clear();
        }
        if (logTopicProducer != null) {
            closed.add(logTopicProducer.closeAsync());
        }
        // waited for: the next run of this instance may take the same producer names (effectively once)
        try {
            CompletableFuture.allOf(closed.toArray(new CompletableFuture<?>[0])).get(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            org.slf4j.LoggerFactory.getLogger(InstanceContext.class)
                    .debug("Closing the producers of {} did not finish: {}", config.getName(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // --- BaseContext

    @Override
    public String getTenant() {
        return config.getTenant();
    }

    @Override
    public String getNamespace() {
        return config.getNamespace();
    }

    @Override
    public int getInstanceId() {
        return instanceId;
    }

    @Override
    public int getNumInstances() {
        return config.getParallelism() == null ? 1 : config.getParallelism();
    }

    @Override
    public Logger getLogger() {
        return logger;
    }

    /** Secrets are read from the environment: the variable named by the secret's value in {@code secrets}. */
    @Override
    public String getSecret(String secretName) {
        Map<String, Object> secrets = config.getSecrets();
        if (secrets == null || !secrets.containsKey(secretName)) {
            return null;
        }
        Object path = secrets.get(secretName);
        return path == null ? null : System.getenv(path.toString());
    }

    @Override
    public void putState(String key, ByteBuffer value) {
        throw new UnsupportedOperationException(NO_STATE);
    }

    @Override
    public CompletableFuture<Void> putStateAsync(String key, ByteBuffer value) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException(NO_STATE));
    }

    @Override
    public ByteBuffer getState(String key) {
        throw new UnsupportedOperationException(NO_STATE);
    }

    @Override
    public CompletableFuture<ByteBuffer> getStateAsync(String key) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException(NO_STATE));
    }

    @Override
    public void deleteState(String key) {
        throw new UnsupportedOperationException(NO_STATE);
    }

    @Override
    public CompletableFuture<Void> deleteStateAsync(String key) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException(NO_STATE));
    }

    @Override
    public void incrCounter(String key, long amount) {
        throw new UnsupportedOperationException(NO_STATE);
    }

    @Override
    public CompletableFuture<Void> incrCounterAsync(String key, long amount) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException(NO_STATE));
    }

    @Override
    public long getCounter(String key) {
        throw new UnsupportedOperationException(NO_STATE);
    }

    @Override
    public CompletableFuture<Long> getCounterAsync(String key) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException(NO_STATE));
    }

    @Override
    public <X extends org.apache.pulsar.functions.api.StateStore> X getStateStore(String name) {
        throw new UnsupportedOperationException(NO_STATE);
    }

    @Override
    public <X extends org.apache.pulsar.functions.api.StateStore> X getStateStore(
            String tenant, String ns, String name) {
        throw new UnsupportedOperationException(NO_STATE);
    }

    @Override
    public void recordMetric(String metricName, double value) {
        stats.recordMetric(metricName, value);
    }

    /**
     * The worker's client behind a view whose {@code close()}, {@code closeAsync()} and {@code shutdown()} do nothing
     * and which cannot be pointed elsewhere: membership, metadata and every other function share that client.
     */
    @Override
    public PulsarClient getPulsarClient() {
        PulsarClient view = clientView;
        if (view == null) {
            view = unclosable(client);
            clientView = view;
        }
        return view;
    }

    private volatile PulsarClient clientView;

    static PulsarClient unclosable(PulsarClient client) {
        return (PulsarClient) java.lang.reflect.Proxy.newProxyInstance(PulsarClient.class.getClassLoader(),
                new Class<?>[] {PulsarClient.class}, (proxy, method, arguments) -> {
                    switch (method.getName()) {
                        case "close":
                        case "shutdown":
                            return null;
                        case "closeAsync":
                            return java.util.concurrent.CompletableFuture.completedFuture(null);
                        case "updateServiceUrl":
                            throw new UnsupportedOperationException("The worker's client cannot be reconfigured");
                        case "equals":
                            return proxy == arguments[0];
                        case "hashCode":
                            return System.identityHashCode(proxy);
                        case "toString":
                            return "PulsarClient of the worker (close() does nothing)";
                        default:
                            try {
                                return method.invoke(client, arguments);
                            } catch (java.lang.reflect.InvocationTargetException e) {
                                throw e.getCause();
                            }
                    }
                });
    }

    @Override
    public void fatal(Throwable t) {
        fatal.fatal(t);
    }

    // --- Context

    @Override
    public Collection<String> getInputTopics() {
        return inputTopics;
    }

    @Override
    public String getOutputTopic() {
        return config.getOutput();
    }

    @Override
    public Record<?> getCurrentRecord() {
        return currentRecord;
    }

    @Override
    public String getOutputSchemaType() {
        String schemaType = config.getOutputSchemaType();
        return schemaType == null || schemaType.isEmpty() ? config.getOutputSerdeClassName() : schemaType;
    }

    @Override
    public String getFunctionName() {
        return config.getName();
    }

    @Override
    public String getFunctionId() {
        return functionId;
    }

    @Override
    public String getFunctionVersion() {
        return functionVersion;
    }

    @Override
    public Map<String, Object> getUserConfigMap() {
        return config.getUserConfig() == null ? Map.of() : config.getUserConfig();
    }

    /** As Pulsar's: a string value starting with {@code $} names an environment variable. */
    @Override
    public Optional<Object> getUserConfigValue(String key) {
        Object value = getUserConfigMap().get(key);
        if (value instanceof String text && text.startsWith("$")) {
            return Optional.ofNullable(System.getenv(text.substring(1)));
        }
        return Optional.ofNullable(value);
    }

    @Override
    public Object getUserConfigValueOrDefault(String key, Object defaultValue) {
        return getUserConfigValue(key).orElse(defaultValue);
    }

    @Override
    public PulsarAdmin getPulsarAdmin() {
        if (admin == null) {
            // Pulsar's words, when the worker's exposeAdminClientEnabled is false
            throw new IllegalStateException("PulsarAdmin is not enabled in function worker");
        }
        return admin;
    }

    @Override
    public <X> CompletableFuture<Void> publish(String topicName, X object, String schemaOrSerdeClassName) {
        if (object == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("Cannot publish a null object"));
        }
        try {
            @SuppressWarnings("unchecked")
            Schema<X> schema = (Schema<X>) FunctionTypes.schema(object.getClass(), schemaOrSerdeClassName,
                    functionLoader, false);
            return producer(topicName, schema).newMessage().value(object).sendAsync().thenApply(id -> null);
        } catch (PulsarClientException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public <X> CompletableFuture<Void> publish(String topicName, X object) {
        return publish(topicName, object, "");
    }

    @Override
    public <X> TypedMessageBuilder<X> newOutputMessage(String topicName, Schema<X> schema)
            throws PulsarClientException {
        return producer(topicName, schema).newMessage();
    }

    @Override
    public <X> ConsumerBuilder<X> newConsumerBuilder(Schema<X> schema) throws PulsarClientException {
        return client.newConsumer(schema);
    }

    @Override
    public <X> FunctionRecord.FunctionRecordBuilder<X> newOutputRecordBuilder(Schema<X> schema) {
        return FunctionRecord.from(this, schema);
    }
}
