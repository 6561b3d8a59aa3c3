package dev.outrigger.functions.internal;

import static dev.outrigger.functions.internal.FunctionConfigChecks.*;
import static dev.outrigger.functions.internal.FunctionConfigMerge.*;
import static dev.outrigger.functions.internal.FunctionConfigs.*;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.pulsar.client.api.ConsumerCryptoFailureAction;
import org.apache.pulsar.client.api.ProducerCryptoFailureAction;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.common.functions.ConsumerConfig;
import org.apache.pulsar.common.functions.CryptoConfig;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.apache.pulsar.common.functions.ProducerConfig;
import org.apache.pulsar.common.functions.Resources;
import org.apache.pulsar.common.functions.WindowConfig;

/**
 * What Pulsar's worker stores of a validated function config and shows on {@code GET}: its
 * {@code FunctionConfigUtils.convert} to {@code FunctionDetails} and {@code convertFromDetails} back, with the fields
 * the round trip drops or fills in. Split from {@link FunctionConfigs}, which validates before.
 */
@SuppressWarnings("deprecation") // autoAck is deprecated in Pulsar's API, and still honoured by its worker
final class FunctionConfigRoundTrip {

    private FunctionConfigRoundTrip() {
    }

    static FunctionConfig stored(FunctionConfig config, String className) {
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

    /** All the ways of naming inputs, folded into the input specs the worker stores, as GET shows them. */
    static Map<String, ConsumerConfig> storedInputs(FunctionConfig config) {
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

    static ConsumerConfig plainInput(boolean regexPattern) {
        ConsumerConfig spec = new ConsumerConfig();
        spec.setRegexPattern(regexPattern);
        spec.setSchemaProperties(new HashMap<>());
        spec.setConsumerProperties(new HashMap<>());
        return spec;
    }

    static ProducerConfig storedProducer(ProducerConfig producer, String batchBuilder) {
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
    static CryptoConfig storedCrypto(CryptoConfig crypto) {
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
}
