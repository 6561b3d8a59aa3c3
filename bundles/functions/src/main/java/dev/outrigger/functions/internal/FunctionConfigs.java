package dev.outrigger.functions.internal;

import static dev.outrigger.functions.internal.FunctionConfigChecks.*;
import static dev.outrigger.functions.internal.FunctionConfigMerge.*;
import static dev.outrigger.functions.internal.FunctionConfigRoundTrip.*;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outrigger.api.scheduler.Parallelism;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pulsar.common.functions.ConsumerConfig;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.apache.pulsar.common.functions.WindowConfig;

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

    static final String BUILTIN = "builtin";

    static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_AS_NULL, true);

    /**
     * Outrigger's ceiling on {@code parallelism} (Pulsar has none): the leader materialises every instance of every
     * record, so one registration above it could crash-loop the cluster. Static because the validation is; set by
     * {@link ParallelismCeiling} from the worker configuration.
     */
    static volatile int maxParallelism = Parallelism.DEFAULT_MAX;

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

    static FunctionConfig withinCeiling(FunctionConfig config) {
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

    // ---------------------------------------------------------------------------------------------------------------
    // Validation (FunctionsImpl.validateUpdateRequestParams with FunctionConfigUtils' checks)

    static FunctionConfig validateAndStore(String tenant, String namespace, String name, FunctionConfig config,
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
    static void inferMissingArguments(FunctionConfig config, boolean forwardSourceMessageProperty) {
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

    // ---------------------------------------------------------------------------------------------------------------
    // Helpers

    static List<String> allInputTopics(FunctionConfig config) {
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
    static ConsumerConfig parseConsumerConfig(String json) {
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
    static Map<String, Object> asGsonMap(Map<?, ?> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((key, value) -> {
            if (value != null) {
                out.put(String.valueOf(key), asGsonValue(value));
            }
        });
        return out;
    }

    static Object asGsonValue(Object value) {
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

    static WindowConfig copy(WindowConfig window) {
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

    static boolean isEmpty(String s) {
        return s == null || s.isEmpty();
    }

    static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
