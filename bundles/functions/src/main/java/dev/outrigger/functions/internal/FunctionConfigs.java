package dev.outrigger.functions.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outrigger.api.scheduler.Parallelism;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.pulsar.client.api.ConsumerCryptoFailureAction;
import org.apache.pulsar.client.api.ProducerCryptoFailureAction;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.common.functions.ConsumerConfig;
import org.apache.pulsar.common.functions.CryptoConfig;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.apache.pulsar.common.functions.ProducerConfig;
import org.apache.pulsar.common.functions.Resources;
import org.apache.pulsar.common.functions.WindowConfig;
import org.apache.pulsar.common.naming.TopicName;

/**
 * What Pulsar's (4.0.8) functions worker does to a {@link FunctionConfig} on register and update, minus the checks that
 * need the function's classes.
 *
 * <p>The worker validates the submitted config, converts it to a {@code FunctionDetails} protobuf, stores that, and
 * answers {@code GET} by converting the protobuf back. {@link #forCreate} and {@link #forUpdate} return the result of
 * that round trip, i.e. exactly what {@code GET /admin/v3/functions/{t}/{ns}/{fn}} shows afterwards. The round trip
 * drops fields (e.g. {@code inputs}, {@code topicsPattern}, {@code customSerdeInputs}, {@code skipToLatest},
 * {@code maxPendingAsyncRequests}, the {@code consumerProperties} of input specs) and renders {@code userConfig} and
 * {@code secrets} numbers as doubles (they pass through Gson), as Pulsar does.
 *
 * <p>Every invalid input raises {@link IllegalArgumentException} carrying the message Pulsar's worker answers with
 * (HTTP 400). Arguments are never modified.
 */
@SuppressWarnings("deprecation") // autoAck is deprecated in Pulsar's API, and still honoured by its worker
final class FunctionConfigs {

    static final String WINDOW_CONFIG_KEY = "__WINDOWCONFIGS__";

    private static final String BUILTIN = "builtin";

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_AS_NULL, true);

    /**
     * Outrigger's ceiling on {@code parallelism} (Pulsar has none): the leader materialises every instance of every
     * record, so one registration above it could crash-loop the cluster. Static because the validation is; set by
     * {@link ParallelismCeiling} from the worker configuration.
     */
    private static volatile int maxParallelism = Parallelism.DEFAULT_MAX;

    private FunctionConfigs() {
    }

    /** @param ceiling the largest {@code parallelism} register, update and the leader's record check accept */
    static void maxParallelism(int ceiling) {
        maxParallelism = ceiling;
    }

    /** Register with the worker's default {@code forwardSourceMessageProperty: true}. */
    static FunctionConfig forCreate(String tenant, String namespace, String name, FunctionConfig submitted) {
        return forCreate(tenant, namespace, name, submitted, true);
    }

    /**
     * Validates a function to register and returns what Pulsar's {@code GET} would show for it.
     *
     * <p>Not done here (the caller's part, in Pulsar's order): authorization, tenant/namespace existence, "already
     * exists", builtin lookup ({@code jar: builtin://x}, "No Function %s found"), "Function package is not provided",
     * the class checks, and, for a NAR whose {@code FunctionDefinition} names the class, filling {@code className} in.
     *
     * @param forwardSourceMessageProperty the worker's {@code forwardSourceMessageProperty} setting
     */
    static FunctionConfig forCreate(String tenant, String namespace, String name, FunctionConfig submitted,
                                    boolean forwardSourceMessageProperty) {
        checkRequestParams(tenant, namespace, name, submitted);
        return withinCeiling(validateAndStore(tenant, namespace, name, submitted.toBuilder().build(),
                forwardSourceMessageProperty));
    }

    /**
     * What {@code GET} shows for a stored function: the register checks, without the parallelism ceiling, so a
     * function stored before the ceiling was lowered can still be read (and lowered, or deleted).
     */
    static FunctionConfig forView(String tenant, String namespace, String name, FunctionConfig stored) {
        checkRequestParams(tenant, namespace, name, stored);
        return validateAndStore(tenant, namespace, name, stored.toBuilder().build(), true);
    }

    private static FunctionConfig withinCeiling(FunctionConfig config) {
        int ceiling = maxParallelism;
        if (config.getParallelism() != null && config.getParallelism() > ceiling) {
            throw new IllegalArgumentException(String.format("Function parallelism %d exceeds the limit of %d "
                    + "instances (%s)", config.getParallelism(), ceiling, Parallelism.MAX_KEY));
        }
        return config;
    }

    /** Update with the worker's default {@code forwardSourceMessageProperty: true}. */
    static FunctionConfig forUpdate(FunctionConfig existing, FunctionConfig submitted,
                                    String tenant, String namespace, String name) {
        return forUpdate(existing, submitted, tenant, namespace, name, true);
    }

    /**
     * {@link #merge} then the register validation; returns what {@code GET} shows after the update.
     *
     * @param existing what {@code GET} shows now (the result of a previous {@link #forCreate} or {@link #forUpdate})
     */
    static FunctionConfig forUpdate(FunctionConfig existing, FunctionConfig submitted,
                                    String tenant, String namespace, String name,
                                    boolean forwardSourceMessageProperty) {
        FunctionConfig merged = merge(existing, submitted, tenant, namespace, name);
        return withinCeiling(validateAndStore(tenant, namespace, name, merged, forwardSourceMessageProperty));
    }

    /**
     * Pulsar's {@code FunctionConfigUtils.validateUpdate}: the update's request checks, the "cannot be altered" rules
     * and the merge of the submitted fields into the existing config, without validation or defaults. Pulsar decides
     * "Update contains no change" on this merged config (see {@link #sameConfig}), before validating it.
     */
    static FunctionConfig merge(FunctionConfig existing, FunctionConfig submitted,
                                String tenant, String namespace, String name) {
        checkRequestParams(tenant, namespace, name, submitted);
        if (existing == null) {
            throw new IllegalArgumentException(String.format("Function %s doesn't exist", name));
        }
        FunctionConfig update = submitted.toBuilder().build();
        update.setTenant(tenant);
        update.setNamespace(namespace);
        update.setName(name);

        FunctionConfig merged = existing.toBuilder().build();
        if (!Objects.equals(existing.getTenant(), update.getTenant())) {
            throw new IllegalArgumentException("Tenants differ");
        }
        if (!Objects.equals(existing.getNamespace(), update.getNamespace())) {
            throw new IllegalArgumentException("Namespaces differ");
        }
        if (!Objects.equals(existing.getName(), update.getName())) {
            throw new IllegalArgumentException("Function Names differ");
        }
        if (!isEmpty(update.getClassName())) {
            merged.setClassName(update.getClassName());
        }
        if (!isEmpty(update.getJar())) {
            merged.setJar(update.getJar());
        }

        // Every way of naming inputs is folded into input specs; the topics must be the existing ones.
        // (Pulsar adds to the submitted map, or to a new HashMap: the iteration order decides which error comes first.)
        Map<String, ConsumerConfig> updatedSpecs = update.getInputSpecs() instanceof LinkedHashMap
                ? new LinkedHashMap<>(update.getInputSpecs()) : new HashMap<>();
        if (update.getInputSpecs() != null) {
            updatedSpecs.putAll(update.getInputSpecs());
        }
        if (update.getInputs() != null) {
            update.getInputs().forEach(topic -> updatedSpecs.put(topic, plainInput(false)));
        }
        if (!isEmpty(update.getTopicsPattern())) {
            updatedSpecs.put(update.getTopicsPattern(), plainInput(true));
        }
        if (update.getCustomSerdeInputs() != null) {
            update.getCustomSerdeInputs().forEach((topic, serde) -> {
                ConsumerConfig spec = plainInput(false);
                spec.setSerdeClassName(serde);
                updatedSpecs.put(topic, spec);
            });
        }
        if (update.getCustomSchemaInputs() != null) {
            // Pulsar takes the value as the schema type here (on create it parses it as a ConsumerConfig JSON).
            update.getCustomSchemaInputs().forEach((topic, schemaType) -> {
                ConsumerConfig spec = plainInput(false);
                spec.setSchemaType(schemaType);
                updatedSpecs.put(topic, spec);
            });
        }
        Map<String, ConsumerConfig> existingSpecs =
                existing.getInputSpecs() != null ? existing.getInputSpecs() : Map.of();
        Map<String, ConsumerConfig> mergedSpecs = new HashMap<>(existingSpecs);
        updatedSpecs.forEach((topic, spec) -> {
            ConsumerConfig current = existingSpecs.get(topic);
            if (current == null) {
                throw new IllegalArgumentException("Input Topics cannot be altered");
            }
            if (spec.isRegexPattern() != current.isRegexPattern()) {
                throw new IllegalArgumentException(
                        "isRegexPattern for input topic " + topic + " cannot be altered");
            }
            mergedSpecs.put(topic, spec);
        });
        merged.setInputSpecs(mergedSpecs);

        if (!isEmpty(update.getOutputSerdeClassName())
                && !update.getOutputSerdeClassName().equals(existing.getOutputSerdeClassName())) {
            throw new IllegalArgumentException("Output Serde mismatch");
        }
        if (!isEmpty(update.getOutputSchemaType())
                && !update.getOutputSchemaType().equals(existing.getOutputSchemaType())) {
            throw new IllegalArgumentException("Output Schema mismatch");
        }
        if (!isEmpty(update.getLogTopic())) {
            merged.setLogTopic(update.getLogTopic());
        }
        if (update.getProcessingGuarantees() != null
                && update.getProcessingGuarantees() != existing.getProcessingGuarantees()) {
            throw new IllegalArgumentException("Processing Guarantees cannot be altered");
        }
        if (update.getRetainOrdering() != null
                && !update.getRetainOrdering().equals(existing.getRetainOrdering())) {
            throw new IllegalArgumentException("Retain Ordering cannot be altered");
        }
        if (update.getRetainKeyOrdering() != null
                && !update.getRetainKeyOrdering().equals(existing.getRetainKeyOrdering())) {
            throw new IllegalArgumentException("Retain Key Ordering cannot be altered");
        }
        if (!isEmpty(update.getOutput())) {
            merged.setOutput(update.getOutput());
        }
        if (update.getUserConfig() != null) {
            merged.setUserConfig(update.getUserConfig());
        }
        if (update.getSecrets() != null) {
            merged.setSecrets(update.getSecrets());
        }
        if (update.getRuntime() != null && update.getRuntime() != existing.getRuntime()) {
            throw new IllegalArgumentException("Runtime cannot be altered");
        }
        if (update.getAutoAck() != null && !update.getAutoAck().equals(existing.getAutoAck())) {
            throw new IllegalArgumentException("AutoAck cannot be altered");
        }
        if (update.getMaxMessageRetries() != null) {
            merged.setMaxMessageRetries(update.getMaxMessageRetries());
        }
        if (!isEmpty(update.getDeadLetterTopic())) {
            merged.setDeadLetterTopic(update.getDeadLetterTopic());
        }
        if (!isEmpty(update.getSubName()) && !update.getSubName().equals(existing.getSubName())) {
            throw new IllegalArgumentException("Subscription Name cannot be altered");
        }
        if (update.getParallelism() != null) {
            merged.setParallelism(update.getParallelism());
        }
        if (update.getResources() != null) {
            merged.setResources(mergeResources(existing.getResources(), update.getResources()));
        }
        if (update.getWindowConfig() != null) {
            merged.setWindowConfig(update.getWindowConfig());
        }
        if (update.getTimeoutMs() != null) {
            merged.setTimeoutMs(update.getTimeoutMs());
        }
        if (update.getCleanupSubscription() != null) {
            merged.setCleanupSubscription(update.getCleanupSubscription());
        }
        if (!isEmpty(update.getRuntimeFlags())) {
            merged.setRuntimeFlags(update.getRuntimeFlags());
        }
        if (!isEmpty(update.getCustomRuntimeOptions())) {
            merged.setCustomRuntimeOptions(update.getCustomRuntimeOptions());
        }
        if (update.getProducerConfig() != null) {
            merged.setProducerConfig(update.getProducerConfig());
        }
        return merged;
    }

    /**
     * Pulsar's "Update contains no change" test ({@code existing.equals(merged)}; FunctionConfig is a Lombok
     * {@code @Data} class), to be applied to {@code existing} and the {@link #merge} result when the update brings no
     * package. Pulsar's merged config shares the existing {@code inputSpecs} map (shallow {@code toBuilder()} copy),
     * so input spec changes never count as a change there; this reproduces that.
     */
    static boolean sameConfig(FunctionConfig existing, FunctionConfig merged) {
        if (existing == null || merged == null) {
            return existing == merged;
        }
        if (existing.getInputSpecs() != null) {
            merged = merged.toBuilder().inputSpecs(existing.getInputSpecs()).build();
        }
        return existing.equals(merged);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Request parameters

    private static void checkRequestParams(String tenant, String namespace, String name, FunctionConfig config) {
        if (tenant == null) {
            throw new IllegalArgumentException("Tenant is not provided");
        }
        if (namespace == null) {
            throw new IllegalArgumentException("Namespace is not provided");
        }
        if (name == null) {
            throw new IllegalArgumentException("Function name is not provided");
        }
        // Pulsar's worker checks nothing more here (its HTTP layer keeps '/' and dot segments out of path params);
        // these values become storage keys, so refuse what could escape them.
        checkPathSegment(tenant);
        checkPathSegment(namespace);
        checkPathSegment(name);
        if (config == null) {
            throw new IllegalArgumentException("Function config is not provided");
        }
        checkNoNullEntries(config);
    }

    /**
     * JSON {@code null} inside the input collections ({@code "inputs": [null]}, {@code "inputSpecs": {"t": null}})
     * would fail every later check with a NullPointerException, a 500 (Pulsar's worker answers its message with a
     * 400): refused here with a reason naming the entry. Found by issue 11's REST fuzz test.
     */
    static void checkNoNullEntries(FunctionConfig config) {
        if (config.getInputs() != null && config.getInputs().stream().anyMatch(Objects::isNull)) {
            throw new IllegalArgumentException("Invalid function config: inputs contains a null topic");
        }
        nullValue("inputSpecs", config.getInputSpecs());
        nullValue("customSerdeInputs", config.getCustomSerdeInputs());
        nullValue("customSchemaInputs", config.getCustomSchemaInputs());
    }

    private static void nullValue(String field, Map<String, ?> map) {
        if (map == null) {
            return;
        }
        map.forEach((topic, value) -> {
            if (topic == null || value == null) {
                throw new IllegalArgumentException(
                        "Invalid function config: " + field + " has no value for topic " + topic);
            }
        });
    }

    private static void checkPathSegment(String value) {
        if (value.indexOf('/') >= 0 || value.equals(".") || value.equals("..")) {
            throw new IllegalArgumentException("Invalid named entity: " + value);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Validation (FunctionsImpl.validateUpdateRequestParams with FunctionConfigUtils' checks)

    private static FunctionConfig validateAndStore(String tenant, String namespace, String name, FunctionConfig config,
                                                   boolean forwardSourceMessageProperty) {
        config.setTenant(tenant);
        config.setNamespace(namespace);
        config.setName(name);
        inferMissingArguments(config, forwardSourceMessageProperty);
        String className;
        if (config.getRuntime() == FunctionConfig.Runtime.JAVA) {
            commonChecks(config);
            className = javaChecks(config);
        } else {
            commonChecks(config);
            nonJavaChecks(config);
            className = config.getClassName();
        }
        return stored(config, className);
    }

    /** {@code FunctionConfigUtils.inferMissingArguments}; {@code config} is a private copy (its window is copied). */
    private static void inferMissingArguments(FunctionConfig config, boolean forwardSourceMessageProperty) {
        if (isEmpty(config.getName()) && !isEmpty(config.getClassName())) {
            String[] parts = config.getClassName().split("\\.");
            config.setName(parts.length == 0 ? config.getClassName() : parts[parts.length - 1]);
        }
        if (isEmpty(config.getTenant())) {
            config.setTenant("public");
        }
        if (isEmpty(config.getNamespace())) {
            config.setNamespace("default");
        }
        if (config.getParallelism() == null) {
            config.setParallelism(1);
        }
        if (config.getMaxPendingAsyncRequests() == null) {
            config.setMaxPendingAsyncRequests(1000);
        }
        if (forwardSourceMessageProperty) {
            if (config.getForwardSourceMessageProperty() == null) {
                config.setForwardSourceMessageProperty(Boolean.TRUE);
            }
        } else {
            config.setForwardSourceMessageProperty(null);
        }
        if (config.getJar() != null) {
            config.setRuntime(FunctionConfig.Runtime.JAVA);
        } else if (config.getPy() != null) {
            config.setRuntime(FunctionConfig.Runtime.PYTHON);
        } else if (config.getGo() != null) {
            config.setRuntime(FunctionConfig.Runtime.GO);
        }
        if (config.getWindowConfig() != null) {
            WindowConfig window = copy(config.getWindowConfig());
            if (window.getWindowLengthDurationMs() != null && window.getSlidingIntervalDurationMs() == null) {
                window.setSlidingIntervalDurationMs(window.getWindowLengthDurationMs());
            }
            if (window.getWindowLengthCount() != null && window.getSlidingIntervalCount() == null) {
                window.setSlidingIntervalCount(window.getWindowLengthCount());
            }
            if (window.getTimestampExtractorClassName() != null) {
                if (window.getMaxLagMs() == null) {
                    window.setMaxLagMs(0L);
                }
                if (window.getWatermarkEmitIntervalMs() == null) {
                    window.setWatermarkEmitIntervalMs(1000L);
                }
            }
            config.setWindowConfig(window);
            config.setAutoAck(false);
        }
    }

    /** {@code FunctionConfigUtils.doCommonChecks}. */
    private static void commonChecks(FunctionConfig config) {
        if (isEmpty(config.getTenant())) {
            throw new IllegalArgumentException("Function tenant cannot be null");
        }
        if (isEmpty(config.getNamespace())) {
            throw new IllegalArgumentException("Function namespace cannot be null");
        }
        if (isEmpty(config.getName())) {
            throw new IllegalArgumentException("Function name cannot be null");
        }
        if (config.getRuntime() == FunctionConfig.Runtime.PYTHON && isEmpty(config.getClassName())) {
            throw new IllegalArgumentException("Function classname cannot be null");
        }

        List<String> inputTopics = allInputTopics(config);
        if (inputTopics.isEmpty()) {
            throw new IllegalArgumentException("No input topic(s) specified for the function");
        }
        for (String topic : inputTopics) {
            if (!TopicName.isValid(topic)) {
                throw new IllegalArgumentException(String.format("Input topic %s is invalid", topic));
            }
        }
        if (!isEmpty(config.getOutput()) && !TopicName.isValid(config.getOutput())) {
            throw new IllegalArgumentException(String.format("Output topic %s is invalid", config.getOutput()));
        }
        if (!isEmpty(config.getLogTopic()) && !TopicName.isValid(config.getLogTopic())) {
            throw new IllegalArgumentException(String.format("LogTopic topic %s is invalid", config.getLogTopic()));
        }
        if (!isEmpty(config.getDeadLetterTopic()) && !TopicName.isValid(config.getDeadLetterTopic())) {
            throw new IllegalArgumentException(
                    String.format("DeadLetter topic %s is invalid", config.getDeadLetterTopic()));
        }
        if (config.getParallelism() != null && config.getParallelism() <= 0) {
            throw new IllegalArgumentException("Function parallelism must be a positive number");
        }
        if (inputTopics.contains(config.getOutput())) {
            throw new IllegalArgumentException(String.format(
                    "Output topic %s is also being used as an input topic (topics must be one or the other)",
                    config.getOutput()));
        }

        WindowConfig window = config.getWindowConfig();
        if (window != null) {
            if (Boolean.TRUE.equals(config.getAutoAck())) {
                throw new IllegalArgumentException("Cannot enable auto ack when using windowing functionality");
            }
            checkWindow(window);
        }

        Resources resources = config.getResources();
        if (resources != null) {
            if (resources.getCpu() != null && !(resources.getCpu() > 0.0)) {
                throw new IllegalArgumentException("The cpu allocation for the function must be positive");
            }
            if (resources.getRam() != null && resources.getRam() <= 0L) {
                throw new IllegalArgumentException("The ram allocation for the function must be positive");
            }
            if (resources.getDisk() != null && resources.getDisk() <= 0L) {
                throw new IllegalArgumentException("The disk allocation for the function must be positive");
            }
        }

        FunctionConfig.ProcessingGuarantees guarantees = config.getProcessingGuarantees();
        if (config.getTimeoutMs() != null && config.getTimeoutMs() <= 0) {
            throw new IllegalArgumentException("Function timeout must be a positive number");
        }
        if (config.getTimeoutMs() != null && guarantees != null
                && guarantees != FunctionConfig.ProcessingGuarantees.ATLEAST_ONCE) {
            throw new IllegalArgumentException(
                    "Message timeout can only be specified with processing guarantee is ATLEAST_ONCE");
        }
        boolean retries = config.getMaxMessageRetries() != null && config.getMaxMessageRetries() >= 0;
        if (retries && guarantees == FunctionConfig.ProcessingGuarantees.EFFECTIVELY_ONCE) {
            throw new IllegalArgumentException("MaxMessageRetries and Effectively once don't gel well");
        }
        if (!retries && !isEmpty(config.getDeadLetterTopic())) {
            throw new IllegalArgumentException("Dead Letter Topic specified, however max retries is set to infinity");
        }
        if (Boolean.TRUE.equals(config.getRetainKeyOrdering())
                && guarantees == FunctionConfig.ProcessingGuarantees.EFFECTIVELY_ONCE) {
            throw new IllegalArgumentException(
                    "When effectively once processing guarantee is specified, retain Key ordering cannot be set");
        }
        if (Boolean.TRUE.equals(config.getRetainKeyOrdering()) && Boolean.TRUE.equals(config.getRetainOrdering())) {
            throw new IllegalArgumentException("Only one of retain ordering or retain key ordering can be set");
        }

        // Pulsar looks for a "builtin..." python/go file on the worker's disk: such a file never exists.
        checkBuiltinFile(config.getPy(), "The supplied python file does not exist");
        checkBuiltinFile(config.getGo(), "The supplied go file does not exist");

        if (config.getInputSpecs() != null) {
            config.getInputSpecs().forEach((topic, spec) -> {
                if (spec.getReceiverQueueSize() != null && spec.getReceiverQueueSize() < 0) {
                    throw new IllegalArgumentException("Receiver queue size should be >= zero");
                }
                if (spec.getCryptoConfig() != null && isBlank(spec.getCryptoConfig().getCryptoKeyReaderClassName())) {
                    throw new IllegalArgumentException("CryptoKeyReader class name required");
                }
            });
        }
        ProducerConfig producer = config.getProducerConfig();
        if (producer != null && producer.getCryptoConfig() != null) {
            if (isBlank(producer.getCryptoConfig().getCryptoKeyReaderClassName())) {
                throw new IllegalArgumentException("CryptoKeyReader class name required");
            }
            String[] keys = producer.getCryptoConfig().getEncryptionKeys();
            if (keys == null || keys.length == 0) {
                throw new IllegalArgumentException("Must provide encryption key name for crypto key reader");
            }
        }
    }

    private static void checkBuiltinFile(String file, String missing) {
        if (!isEmpty(file) && file.startsWith(BUILTIN)) {
            if (file.contains("..")) {
                throw new IllegalArgumentException("Invalid filename: " + file);
            }
            throw new IllegalArgumentException(missing);
        }
    }

    /** {@code WindowConfigUtils.validate}. */
    private static void checkWindow(WindowConfig window) {
        if (window.getWindowLengthDurationMs() == null && window.getWindowLengthCount() == null) {
            throw new IllegalArgumentException("Window length is not specified");
        }
        if (window.getWindowLengthDurationMs() != null && window.getWindowLengthCount() != null) {
            throw new IllegalArgumentException(
                    "Window length for time and count are set! Please set one or the other.");
        }
        if (window.getWindowLengthCount() != null && window.getWindowLengthCount() <= 0) {
            throw new IllegalArgumentException("Window length must be positive [" + window.getWindowLengthCount() + "]");
        }
        if (window.getWindowLengthDurationMs() != null && window.getWindowLengthDurationMs() <= 0) {
            throw new IllegalArgumentException(
                    "Window length must be positive [" + window.getWindowLengthDurationMs() + "]");
        }
        if (window.getSlidingIntervalCount() != null && window.getSlidingIntervalCount() <= 0) {
            throw new IllegalArgumentException(
                    "Sliding interval must be positive [" + window.getSlidingIntervalCount() + "]");
        }
        if (window.getSlidingIntervalDurationMs() != null && window.getSlidingIntervalDurationMs() <= 0) {
            throw new IllegalArgumentException(
                    "Sliding interval must be positive [" + window.getSlidingIntervalDurationMs() + "]");
        }
        if (window.getTimestampExtractorClassName() != null) {
            if (window.getMaxLagMs() != null && window.getMaxLagMs() < 0) {
                throw new IllegalArgumentException("Lag duration must be positive [" + window.getMaxLagMs() + "]");
            }
            if (window.getWatermarkEmitIntervalMs() != null && window.getWatermarkEmitIntervalMs() <= 0) {
                throw new IllegalArgumentException(
                        "Watermark interval must be positive [" + window.getWatermarkEmitIntervalMs() + "]");
            }
        }
    }

    /**
     * The parts of {@code FunctionConfigUtils.doJavaChecks} that do not need the function's classes.
     *
     * @return the class name the worker stores
     */
    private static String javaChecks(FunctionConfig config) {
        String className = config.getClassName() == null ? null : config.getClassName().trim();
        if (className == null || className.isEmpty()) {
            // Pulsar first looks for the class in the package's FunctionDefinition (NARs, builtins).
            throw new IllegalArgumentException("Function class name is not provided.");
        }
        if (config.getCustomSchemaInputs() != null) {
            config.getCustomSchemaInputs().forEach((topic, conf) -> {
                if (parseConsumerConfig(conf) == null) {
                    throw new IllegalArgumentException(String.format("Topic %s has an incorrect schema Info", topic));
                }
            });
        }
        if (config.getInputSpecs() != null) {
            config.getInputSpecs().forEach((topic, spec) -> {
                if (!isEmpty(spec.getSchemaType()) && !isEmpty(spec.getSerdeClassName())) {
                    throw new IllegalArgumentException(
                            "Only one of schemaType or serdeClassName should be set in inputSpec");
                }
            });
        }
        return className;
    }

    /** {@code FunctionConfigUtils.validateNonJavaFunction} after the common checks. */
    private static void nonJavaChecks(FunctionConfig config) {
        boolean retries = config.getMaxMessageRetries() != null && config.getMaxMessageRetries() >= 0;
        boolean effectivelyOnce =
                config.getProcessingGuarantees() == FunctionConfig.ProcessingGuarantees.EFFECTIVELY_ONCE;
        if (config.getRuntime() == FunctionConfig.Runtime.GO) {
            if (effectivelyOnce) {
                throw new IllegalArgumentException(
                        "Effectively-once processing guarantees not yet supported in Go function");
            }
            if (config.getWindowConfig() != null) {
                throw new IllegalArgumentException("Windowing is not supported in Go function yet");
            }
            if (retries) {
                throw new IllegalArgumentException("Message retries not yet supported in Go function");
            }
            if (Boolean.TRUE.equals(config.getRetainKeyOrdering())) {
                throw new IllegalArgumentException("Retain Key Orderering not yet supported in Go function");
            }
        } else if (config.getRuntime() == FunctionConfig.Runtime.PYTHON) {
            if (effectivelyOnce) {
                throw new IllegalArgumentException("Effectively-once processing guarantees not yet supported in Python");
            }
            if (config.getWindowConfig() != null) {
                throw new IllegalArgumentException("There is currently no support windowing in python");
            }
            if (retries) {
                throw new IllegalArgumentException("Message retries not yet supported in python");
            }
        } else {
            throw new IllegalArgumentException("Function language runtime is either not set or cannot be determined");
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // FunctionConfigUtils.convert then convertFromDetails: what GET returns

    private static FunctionConfig stored(FunctionConfig config, String className) {
        FunctionConfig.ProcessingGuarantees guarantees = config.getProcessingGuarantees() != null
                ? config.getProcessingGuarantees() : FunctionConfig.ProcessingGuarantees.ATLEAST_ONCE;
        boolean autoAck = config.getAutoAck() == null || config.getAutoAck();

        FunctionConfig out = new FunctionConfig();
        out.setTenant(config.getTenant());
        out.setNamespace(config.getNamespace());
        out.setName(config.getName());
        out.setParallelism(config.getParallelism() != null ? config.getParallelism() : 1);
        out.setProcessingGuarantees(guarantees);
        out.setInputSpecs(storedInputs(config));
        if (!isBlank(config.getSubName())) {
            out.setSubName(config.getSubName());
        }
        out.setRetainOrdering(Boolean.TRUE.equals(config.getRetainOrdering()));
        out.setRetainKeyOrdering(Boolean.TRUE.equals(config.getRetainKeyOrdering()));
        out.setCleanupSubscription(config.getCleanupSubscription() == null || config.getCleanupSubscription());
        out.setAutoAck(autoAck);
        out.setSubscriptionPosition(config.getSubscriptionPosition() == SubscriptionInitialPosition.Earliest
                ? SubscriptionInitialPosition.Earliest : SubscriptionInitialPosition.Latest);
        if (config.getTimeoutMs() != null && config.getTimeoutMs() != 0) {
            out.setTimeoutMs(config.getTimeoutMs());
        }
        if (!isEmpty(config.getOutput())) {
            out.setOutput(config.getOutput());
        }
        if (!isBlank(config.getOutputSerdeClassName())) {
            out.setOutputSerdeClassName(config.getOutputSerdeClassName());
        }
        if (!isBlank(config.getOutputSchemaType())) {
            out.setOutputSchemaType(config.getOutputSchemaType());
        }
        if (config.getCustomSchemaOutputs() != null && config.getOutput() != null) {
            String conf = config.getCustomSchemaOutputs().get(config.getOutput());
            if (!isEmpty(conf) && parseConsumerConfig(conf) == null) {
                throw new IllegalArgumentException(
                        String.format("Incorrect custom schema outputs,Topic %s ", config.getOutput()));
            }
        }
        out.setProducerConfig(storedProducer(config.getProducerConfig(), config.getBatchBuilder()));
        if (!isEmpty(config.getLogTopic())) {
            out.setLogTopic(config.getLogTopic());
        }
        if (config.getForwardSourceMessageProperty() == Boolean.TRUE) {
            out.setForwardSourceMessageProperty(Boolean.TRUE);
        }
        out.setRuntime(config.getRuntime() != null ? config.getRuntime() : FunctionConfig.Runtime.JAVA);
        if (config.getMaxMessageRetries() != null && config.getMaxMessageRetries() >= 0) {
            out.setMaxMessageRetries(config.getMaxMessageRetries());
            if (!isEmpty(config.getDeadLetterTopic())) {
                out.setDeadLetterTopic(config.getDeadLetterTopic());
            }
        }

        Map<String, Object> userConfig = config.getUserConfig() != null
                ? asGsonMap(config.getUserConfig()) : new LinkedHashMap<>();
        userConfig.remove(WINDOW_CONFIG_KEY);
        WindowConfig window = config.getWindowConfig();
        if (window != null) {
            if (guarantees == FunctionConfig.ProcessingGuarantees.EFFECTIVELY_ONCE
                    || guarantees == FunctionConfig.ProcessingGuarantees.MANUAL) {
                throw new IllegalArgumentException(
                        "Windows Function not support " + guarantees + " delivery semantics.");
            }
            // The worker runs a window executor (as MANUAL) and keeps the window, its guarantees and the
            // user's class in the user config; GET reads them back from there.
            WindowConfig storedWindow = copy(window);
            storedWindow.setProcessingGuarantees(WindowConfig.ProcessingGuarantees.valueOf(guarantees.name()));
            storedWindow.setActualWindowFunctionClassName(className);
            out.setWindowConfig(storedWindow);
            out.setClassName(className);
        } else {
            checkAutoAck(autoAck, guarantees);
            out.setClassName(className != null ? className : "");
        }
        out.setUserConfig(userConfig);
        if (config.getSecrets() != null && !config.getSecrets().isEmpty()) {
            out.setSecrets(asGsonMap(config.getSecrets()));
        }
        out.setResources(mergeResources(Resources.getDefaultResources(), config.getResources()));
        if (!isEmpty(config.getRuntimeFlags())) {
            out.setRuntimeFlags(config.getRuntimeFlags());
        }
        if (!isEmpty(config.getCustomRuntimeOptions())) {
            out.setCustomRuntimeOptions(config.getCustomRuntimeOptions());
        }
        return out;
    }

    /** {@code FunctionConfigUtils.validateFunctionDetails}. */
    private static void checkAutoAck(boolean autoAck, FunctionConfig.ProcessingGuarantees guarantees) {
        if (!autoAck && guarantees == FunctionConfig.ProcessingGuarantees.ATMOST_ONCE) {
            throw new IllegalArgumentException("When Guarantees == ATMOST_ONCE, autoAck must be equal to true."
                    + " This is a contradictory configuration, autoAck will be removed later."
                    + " Please refer to PIP: https://github.com/apache/pulsar/issues/15560");
        }
    }

    /** All the ways of naming inputs, folded into the input specs the worker stores, as GET shows them. */
    private static Map<String, ConsumerConfig> storedInputs(FunctionConfig config) {
        Map<String, ConsumerConfig> specs = new LinkedHashMap<>();
        if (config.getInputs() != null) {
            config.getInputs().forEach(topic -> specs.put(topic, plainInput(false)));
        }
        if (!isEmpty(config.getTopicsPattern())) {
            specs.put(config.getTopicsPattern(), plainInput(true));
        }
        if (config.getCustomSerdeInputs() != null) {
            config.getCustomSerdeInputs().forEach((topic, serde) -> {
                ConsumerConfig spec = plainInput(false);
                if (!isEmpty(serde)) {
                    spec.setSerdeClassName(serde);
                }
                specs.put(topic, spec);
            });
        }
        if (config.getCustomSchemaInputs() != null) {
            config.getCustomSchemaInputs().forEach((topic, conf) -> {
                ConsumerConfig parsed = parseConsumerConfig(conf);
                // Pulsar also fails (a NullPointerException, answered as a 400 without a reason) when the schema
                // type or a property map is missing.
                if (parsed == null || parsed.getSchemaType() == null || parsed.getSchemaProperties() == null
                        || parsed.getConsumerProperties() == null) {
                    throw new IllegalArgumentException(
                            String.format("Incorrect custom schema inputs,Topic %s ", topic));
                }
                ConsumerConfig spec = plainInput(false);
                if (!parsed.getSchemaType().isEmpty()) {
                    spec.setSchemaType(parsed.getSchemaType());
                }
                spec.setSchemaProperties(new HashMap<>(parsed.getSchemaProperties()));
                specs.put(topic, spec);
            });
        }
        if (config.getInputSpecs() != null) {
            config.getInputSpecs().forEach((topic, conf) -> {
                ConsumerConfig spec = plainInput(conf.isRegexPattern());
                if (!isBlank(conf.getSchemaType())) {
                    spec.setSchemaType(conf.getSchemaType());
                } else if (!isBlank(conf.getSerdeClassName())) {
                    spec.setSerdeClassName(conf.getSerdeClassName());
                }
                spec.setReceiverQueueSize(conf.getReceiverQueueSize());
                if (conf.getSchemaProperties() != null) {
                    spec.setSchemaProperties(new HashMap<>(conf.getSchemaProperties()));
                }
                if (conf.getCryptoConfig() != null) {
                    spec.setCryptoConfig(storedCrypto(conf.getCryptoConfig()));
                }
                spec.setPoolMessages(conf.isPoolMessages());
                specs.put(topic, spec);
            });
        }
        return new HashMap<>(specs);
    }

    private static ConsumerConfig plainInput(boolean regexPattern) {
        ConsumerConfig spec = new ConsumerConfig();
        spec.setRegexPattern(regexPattern);
        spec.setSchemaProperties(new HashMap<>());
        spec.setConsumerProperties(new HashMap<>());
        return spec;
    }

    private static ProducerConfig storedProducer(ProducerConfig producer, String batchBuilder) {
        ProducerConfig out = new ProducerConfig();
        String storedBatchBuilder = "";
        if (producer != null) {
            if (producer.getMaxPendingMessages() != null && producer.getMaxPendingMessages() != 0) {
                out.setMaxPendingMessages(producer.getMaxPendingMessages());
            }
            if (producer.getMaxPendingMessagesAcrossPartitions() != null
                    && producer.getMaxPendingMessagesAcrossPartitions() != 0) {
                out.setMaxPendingMessagesAcrossPartitions(producer.getMaxPendingMessagesAcrossPartitions());
            }
            if (producer.getCryptoConfig() != null) {
                out.setCryptoConfig(storedCrypto(producer.getCryptoConfig()));
            }
            if (producer.getBatchBuilder() != null) {
                storedBatchBuilder = producer.getBatchBuilder();
            }
        }
        if (batchBuilder != null) {
            storedBatchBuilder = batchBuilder;
        }
        out.setBatchBuilder(storedBatchBuilder);
        out.setUseThreadLocalProducers(producer != null && Boolean.TRUE.equals(producer.getUseThreadLocalProducers()));
        out.setCompressionType(producer != null && producer.getCompressionType() != null
                ? producer.getCompressionType() : org.apache.pulsar.client.api.CompressionType.LZ4);
        return out;
    }

    /** {@code CryptoUtils.convert} then {@code convertFromSpec}: failure actions default to FAIL, keys to none. */
    private static CryptoConfig storedCrypto(CryptoConfig crypto) {
        CryptoConfig out = new CryptoConfig();
        out.setCryptoKeyReaderClassName(crypto.getCryptoKeyReaderClassName());
        if (crypto.getCryptoKeyReaderConfig() != null) {
            out.setCryptoKeyReaderConfig(asGsonMap(crypto.getCryptoKeyReaderConfig()));
        }
        out.setEncryptionKeys(crypto.getEncryptionKeys() != null
                ? crypto.getEncryptionKeys().clone() : new String[0]);
        out.setProducerCryptoFailureAction(crypto.getProducerCryptoFailureAction() == ProducerCryptoFailureAction.SEND
                ? ProducerCryptoFailureAction.SEND : ProducerCryptoFailureAction.FAIL);
        out.setConsumerCryptoFailureAction(crypto.getConsumerCryptoFailureAction() != null
                ? crypto.getConsumerCryptoFailureAction() : ConsumerCryptoFailureAction.FAIL);
        return out;
    }

    /** {@code ResourceConfigUtils.merge}: the update's set fields over the existing ones. */
    private static Resources mergeResources(Resources base, Resources update) {
        Resources out = new Resources();
        out.setCpu(base != null ? base.getCpu() : null);
        out.setRam(base != null ? base.getRam() : null);
        out.setDisk(base != null ? base.getDisk() : null);
        if (update != null) {
            if (update.getCpu() != null) {
                out.setCpu(update.getCpu());
            }
            if (update.getRam() != null) {
                out.setRam(update.getRam());
            }
            if (update.getDisk() != null) {
                out.setDisk(update.getDisk());
            }
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Helpers

    private static List<String> allInputTopics(FunctionConfig config) {
        List<String> topics = new ArrayList<>();
        if (config.getInputs() != null) {
            topics.addAll(config.getInputs());
        }
        if (config.getTopicsPattern() != null) {
            topics.add(config.getTopicsPattern());
        }
        if (config.getCustomSerdeInputs() != null) {
            topics.addAll(config.getCustomSerdeInputs().keySet());
        }
        if (config.getCustomSchemaInputs() != null) {
            topics.addAll(config.getCustomSchemaInputs().keySet());
        }
        if (config.getInputSpecs() != null) {
            topics.addAll(config.getInputSpecs().keySet());
        }
        return topics;
    }

    /** A custom schema input/output value is a ConsumerConfig in JSON; null when it is not. */
    private static ConsumerConfig parseConsumerConfig(String json) {
        if (json == null) {
            return null;
        }
        try {
            return MAPPER.readValue(json, ConsumerConfig.class);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /**
     * What a {@code Map<String, Object>} becomes through the worker's Gson to-JSON-and-back: numbers turn into
     * doubles, null map values disappear (null list elements stay), nested maps and lists are copied.
     */
    private static Map<String, Object> asGsonMap(Map<?, ?> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((key, value) -> {
            if (value != null) {
                out.put(String.valueOf(key), asGsonValue(value));
            }
        });
        return out;
    }

    private static Object asGsonValue(Object value) {
        if (value == null || value instanceof String || value instanceof Boolean) {
            return value;
        }
        if (value instanceof Number) {
            return ((Number) value).doubleValue();
        }
        if (value instanceof Character) {
            return value.toString();
        }
        if (value instanceof Map) {
            return asGsonMap((Map<?, ?>) value);
        }
        if (value instanceof Collection) {
            List<Object> out = new ArrayList<>();
            ((Collection<?>) value).forEach(element -> out.add(asGsonValue(element)));
            return out;
        }
        if (value.getClass().isArray()) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < Array.getLength(value); i++) {
                out.add(asGsonValue(Array.get(value, i)));
            }
            return out;
        }
        if (value instanceof Enum) {
            return ((Enum<?>) value).name();
        }
        return value;
    }

    private static WindowConfig copy(WindowConfig window) {
        WindowConfig out = new WindowConfig();
        out.setWindowLengthCount(window.getWindowLengthCount());
        out.setWindowLengthDurationMs(window.getWindowLengthDurationMs());
        out.setSlidingIntervalCount(window.getSlidingIntervalCount());
        out.setSlidingIntervalDurationMs(window.getSlidingIntervalDurationMs());
        out.setLateDataTopic(window.getLateDataTopic());
        out.setMaxLagMs(window.getMaxLagMs());
        out.setWatermarkEmitIntervalMs(window.getWatermarkEmitIntervalMs());
        out.setTimestampExtractorClassName(window.getTimestampExtractorClassName());
        out.setActualWindowFunctionClassName(window.getActualWindowFunctionClassName());
        out.setProcessingGuarantees(window.getProcessingGuarantees());
        return out;
    }

    private static boolean isEmpty(String s) {
        return s == null || s.isEmpty();
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
