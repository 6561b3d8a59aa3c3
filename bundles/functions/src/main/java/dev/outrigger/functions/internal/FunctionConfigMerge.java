package dev.outrigger.functions.internal;

import static dev.outrigger.functions.internal.FunctionConfigChecks.*;
import static dev.outrigger.functions.internal.FunctionConfigRoundTrip.*;
import static dev.outrigger.functions.internal.FunctionConfigs.*;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.pulsar.common.functions.ConsumerConfig;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.apache.pulsar.common.functions.Resources;

/**
 * Pulsar's update of a function: the submitted config's set fields over the stored ones
 * ({@code FunctionConfigUtils.validateUpdate}), and whether anything changed ("Update contains no change"). Split from
 * {@link FunctionConfigs}, which validates and stores the result.
 */
@SuppressWarnings("deprecation") // autoAck is deprecated in Pulsar's API, and still honoured by its worker
final class FunctionConfigMerge {

    private FunctionConfigMerge() {
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

    /** {@code ResourceConfigUtils.merge}: the update's set fields over the existing ones. */
    static Resources mergeResources(Resources base, Resources update) {
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
}
