package dev.outrigger.functions.internal;

import static dev.outrigger.functions.internal.FunctionConfigs.*;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.apache.pulsar.common.functions.ProducerConfig;
import org.apache.pulsar.common.functions.Resources;
import org.apache.pulsar.common.functions.WindowConfig;
import org.apache.pulsar.common.naming.TopicName;

/**
 * Pulsar's checks of a function config ({@code FunctionConfigUtils.doCommonChecks}, {@code doJavaChecks} without the
 * class checks that need the package, {@code WindowConfigUtils.validate}, and the request parameters of
 * {@code FunctionsImpl}), each failure an {@link IllegalArgumentException} with Pulsar's message. Split from
 * {@link FunctionConfigs}, which infers the missing arguments and stores the result.
 */
@SuppressWarnings("deprecation") // autoAck is deprecated in Pulsar's API, and still honoured by its worker
final class FunctionConfigChecks {

    private FunctionConfigChecks() {
    }

    static void checkRequestParams(String tenant, String namespace, String name, FunctionConfig config) {
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

    static void nullValue(String field, Map<String, ?> map) {
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

    static void checkPathSegment(String value) {
        if (value.indexOf('/') >= 0 || value.equals(".") || value.equals("..")) {
            throw new IllegalArgumentException("Invalid named entity: " + value);
        }
    }

    /** {@code FunctionConfigUtils.doCommonChecks}. */
    static void commonChecks(FunctionConfig config) {
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

    static void checkBuiltinFile(String file, String missing) {
        if (!isEmpty(file) && file.startsWith(BUILTIN)) {
            if (file.contains("..")) {
                throw new IllegalArgumentException("Invalid filename: " + file);
            }
            throw new IllegalArgumentException(missing);
        }
    }

    /** {@code WindowConfigUtils.validate}. */
    static void checkWindow(WindowConfig window) {
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
    static String javaChecks(FunctionConfig config) {
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
    static void nonJavaChecks(FunctionConfig config) {
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

    /** {@code FunctionConfigUtils.validateFunctionDetails}. */
    static void checkAutoAck(boolean autoAck, FunctionConfig.ProcessingGuarantees guarantees) {
        if (!autoAck && guarantees == FunctionConfig.ProcessingGuarantees.ATMOST_ONCE) {
            throw new IllegalArgumentException("When Guarantees == ATMOST_ONCE, autoAck must be equal to true."
                    + " This is a contradictory configuration, autoAck will be removed later."
                    + " Please refer to PIP: https://github.com/apache/pulsar/issues/15560");
        }
    }
}
