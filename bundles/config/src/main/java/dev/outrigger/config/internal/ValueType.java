package dev.outrigger.config.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a YAML value becomes a ConfigAdmin property value (String, Integer, Long, Double, Boolean, String[]). Lenient
 * where Pulsar's Jackson binding of {@code WorkerConfig} is lenient (quoted numbers and booleans), strict elsewhere.
 */
enum ValueType {
    STRING("a single value") {
        @Override
        Object convert(JsonNode node) {
            return node.isValueNode() ? node.asText() : null;
        }
    },
    INT("a whole number") {
        @Override
        Object convert(JsonNode node) {
            Long value = wholeNumber(node);
            return value != null && value == value.intValue() ? Integer.valueOf(value.intValue()) : null;
        }
    },
    LONG("a whole number") {
        @Override
        Object convert(JsonNode node) {
            return wholeNumber(node);
        }
    },
    DOUBLE("a number") {
        @Override
        Object convert(JsonNode node) {
            if (node.isNumber()) {
                return node.doubleValue();
            }
            if (node.isTextual()) {
                try {
                    return Double.valueOf(node.asText().trim());
                } catch (NumberFormatException e) {
                    return null;
                }
            }
            return null;
        }
    },
    BOOLEAN("true or false") {
        @Override
        Object convert(JsonNode node) {
            if (node.isBoolean()) {
                return node.booleanValue();
            }
            String text = node.isTextual() ? node.asText().trim() : "";
            if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
                return Boolean.valueOf(text);
            }
            return null;
        }
    },
    /** Pulsar's {@code List<String>} and {@code Set<String>} keys; a plain string counts as a comma-separated list. */
    LIST("a list of single values") {
        @Override
        Object convert(JsonNode node) {
            if (node.isArray()) {
                return scalars(node);
            }
            if (node.isValueNode()) {
                return split(node.asText());
            }
            return null;
        }
    },
    /**
     * Pulsar's map and object keys ({@code properties}, {@code functionRuntimeFactoryConfigs}, resources, ...). The
     * value is flattened: relative {@code child.grandchild} keys to strings, or String[] for lists of scalars.
     */
    MAP("a mapping of keys to values") {
        @Override
        Object convert(JsonNode node) {
            if (!node.isObject()) {
                return null;
            }
            Map<String, Object> flat = new LinkedHashMap<>();
            node.properties().forEach(e -> flatten(e.getKey(), e.getValue(), flat));
            return flat;
        }
    };

    private final String description;

    ValueType(String description) {
        this.description = description;
    }

    /** What an operator must write instead, for error messages ("expected ..."). */
    String description() {
        return description;
    }

    /** The typed value, or {@code null} when the node does not fit this type. Never called with a YAML null. */
    abstract Object convert(JsonNode node);

    private static Long wholeNumber(JsonNode node) {
        if (node.isIntegralNumber()) {
            return node.canConvertToLong() ? node.longValue() : null;
        }
        if (node.isTextual()) {
            try {
                return Long.valueOf(node.asText().trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /** A list of scalars as String[] (YAML nulls dropped), or {@code null} if an element is a list or a mapping. */
    private static String[] scalars(JsonNode array) {
        List<String> values = new ArrayList<>();
        for (JsonNode element : array) {
            if (element.isContainerNode()) {
                return null;
            }
            if (!element.isNull()) {
                values.add(element.asText());
            }
        }
        return values.toArray(new String[0]);
    }

    private static String[] split(String text) {
        return Arrays.stream(text.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toArray(String[]::new);
    }

    private static void flatten(String key, JsonNode node, Map<String, Object> out) {
        if (node.isObject()) {
            node.properties().forEach(e -> flatten(key + "." + e.getKey(), e.getValue(), out));
        } else if (node.isArray()) {
            String[] values = scalars(node);
            if (values != null) {
                out.put(key, values);
            } else {
                // a list of mappings (e.g. runtimeCustomizerConfig.tolerations): index its elements
                for (int i = 0; i < node.size(); i++) {
                    flatten(key + "." + i, node.get(i), out);
                }
            }
        } else if (!node.isNull()) {
            out.put(key, node.asText());
        }
    }
}
