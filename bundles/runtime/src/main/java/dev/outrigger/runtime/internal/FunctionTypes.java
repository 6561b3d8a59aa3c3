package dev.outrigger.runtime.internal;

import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.schema.GenericObject;
import org.apache.pulsar.client.api.schema.GenericRecord;
import org.apache.pulsar.client.api.schema.SchemaDefinition;
import org.apache.pulsar.common.functions.ConsumerConfig;
import org.apache.pulsar.functions.api.SerDe;

/** The input and output types of a function class, and the schemas Pulsar's runtime picks for them. */
final class FunctionTypes {

    /**
     * The function kinds the thread runtime runs: Pulsar's Function, java.util.function.Function (applied to a window's
     * values when the function has a {@code windowConfig}), and Pulsar's WindowFunction.
     */
    enum Kind { PULSAR, JAVA, WINDOW }

    final Kind kind;
    final Class<?> input;
    final Class<?> output;

    private FunctionTypes(Kind kind, Class<?> input, Class<?> output) {
        this.kind = kind;
        this.input = input;
        this.output = output;
    }

    /**
     * @return the kind and the type arguments of the function interface the class implements
     * @throws IllegalArgumentException if it implements neither Pulsar's Function nor java.util.function.Function
     */
    static FunctionTypes of(Class<?> functionClass) {
        return of(functionClass, false);
    }

    /**
     * @param windowed whether the function has a {@code windowConfig}: its input type is then what the window holds
     * @throws IllegalArgumentException if the class is not a function of a kind that fits
     */
    static FunctionTypes of(Class<?> functionClass, boolean windowed) {
        if (windowed) {
            return windowTypes(functionClass);
        }
        Kind kind;
        Class<?> target;
        if (org.apache.pulsar.functions.api.Function.class.isAssignableFrom(functionClass)) {
            kind = Kind.PULSAR;
            target = org.apache.pulsar.functions.api.Function.class;
        } else if (java.util.function.Function.class.isAssignableFrom(functionClass)) {
            kind = Kind.JAVA;
            target = java.util.function.Function.class;
        } else {
            throw new IllegalArgumentException("User class " + functionClass.getName()
                    + " does not implement org.apache.pulsar.functions.api.Function or java.util.function.Function");
        }
        Type[] arguments = typeArguments(functionClass, target, new HashMap<>());
        Class<?> in = arguments == null ? Object.class : raw(arguments[0]);
        Class<?> out = arguments == null ? Object.class : raw(futureValue(arguments[1]));
        return new FunctionTypes(kind, in, out);
    }

    private static FunctionTypes windowTypes(Class<?> functionClass) {
        if (org.apache.pulsar.functions.api.WindowFunction.class.isAssignableFrom(functionClass)) {
            Type[] arguments = typeArguments(functionClass, org.apache.pulsar.functions.api.WindowFunction.class,
                    new HashMap<>());
            return new FunctionTypes(Kind.WINDOW, arguments == null ? Object.class : raw(arguments[0]),
                    arguments == null ? Object.class : raw(arguments[1]));
        }
        if (java.util.function.Function.class.isAssignableFrom(functionClass)) {
            // Function<Collection<T>, X>: the window holds T
            Type[] arguments = typeArguments(functionClass, java.util.function.Function.class, new HashMap<>());
            Class<?> element = Object.class;
            if (arguments != null && arguments[0] instanceof ParameterizedType collection
                    && java.util.Collection.class.isAssignableFrom(raw(collection.getRawType()))) {
                element = raw(collection.getActualTypeArguments()[0]);
            }
            return new FunctionTypes(Kind.JAVA, element, arguments == null ? Object.class : raw(arguments[1]));
        }
        throw new IllegalArgumentException("Window function class " + functionClass.getName()
                + " must implement org.apache.pulsar.functions.api.WindowFunction or java.util.function.Function");
    }

    /** An asynchronous function's output is what its CompletableFuture completes with, as in Pulsar. */
    private static Type futureValue(Type output) {
        if (output instanceof ParameterizedType parameterized
                && java.util.concurrent.CompletableFuture.class.equals(raw(parameterized.getRawType()))) {
            return parameterized.getActualTypeArguments()[0];
        }
        return output;
    }

    /** @return the actual type arguments of {@code target} as seen from {@code type}, variables resolved when known */
    private static Type[] typeArguments(Type type, Class<?> target, Map<TypeVariable<?>, Type> bindings) {
        Class<?> rawClass = raw(type);
        if (rawClass == null) {
            return null;
        }
        if (type instanceof ParameterizedType parameterized) {
            TypeVariable<?>[] variables = rawClass.getTypeParameters();
            Type[] actual = parameterized.getActualTypeArguments();
            for (int i = 0; i < variables.length && i < actual.length; i++) {
                bindings.put(variables[i], resolve(actual[i], bindings));
            }
        }
        if (rawClass == target) {
            if (type instanceof ParameterizedType parameterized) {
                Type[] actual = parameterized.getActualTypeArguments();
                Type[] resolved = new Type[actual.length];
                for (int i = 0; i < actual.length; i++) {
                    resolved[i] = resolve(actual[i], bindings);
                }
                return resolved;
            }
            return null;
        }
        for (Type parent : rawClass.getGenericInterfaces()) {
            if (target.isAssignableFrom(raw(parent))) {
                Type[] found = typeArguments(parent, target, bindings);
                if (found != null) {
                    return found;
                }
            }
        }
        Type superclass = rawClass.getGenericSuperclass();
        if (superclass != null && target.isAssignableFrom(raw(superclass))) {
            return typeArguments(superclass, target, bindings);
        }
        return null;
    }

    private static Type resolve(Type type, Map<TypeVariable<?>, Type> bindings) {
        Type current = type;
        while (current instanceof TypeVariable<?> variable && bindings.containsKey(variable)) {
            current = bindings.get(variable);
        }
        return current;
    }

    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return raw(p.getRawType());
        }
        if (type instanceof GenericArrayType array) {
            Class<?> component = raw(array.getGenericComponentType());
            return component == null ? Object.class : component.arrayType();
        }
        return Object.class;
    }

    /** @return whether the function produces nothing to publish */
    boolean voidOutput() {
        return output == Void.class || output == void.class;
    }

    /** Pulsar's default SerDe: naming it is the same as naming nothing. */
    static final String DEFAULT_SERDE = "org.apache.pulsar.functions.api.utils.DefaultSerDe";

    /** @return the schema of an input spec: its schema type, else its SerDe class, with its schema properties */
    static Schema<?> inputSchema(Class<?> type, ConsumerConfig spec, ClassLoader functionLoader) {
        String schemaType = spec.getSchemaType();
        if (schemaType == null || schemaType.isBlank()) {
            schemaType = spec.getSerdeClassName();
        }
        return schema(type, schemaType, spec.getSchemaProperties(), functionLoader, true);
    }

    static Schema<?> schema(Class<?> type, String schemaType, ClassLoader functionLoader, boolean input) {
        return schema(type, schemaType, null, functionLoader, input);
    }

    /**
     * As Pulsar's TopicSchema: the string names a schema type, or a class in the function's package that is a {@link
     * Schema} or else a {@link SerDe}.
     *
     * @param schemaType a schema type name (Pulsar's {@code schemaType}/{@code outputSchemaType}/{@code
     *     customSchemaInputs}), a class name of a {@link Schema} or {@link SerDe} implementation in the function's
     *     package, or empty
     * @param properties schema properties for JSON and AVRO, or null
     * @return the schema Pulsar's runtime uses for that class and setting
     * @throws IllegalArgumentException if the type is not supported or the class cannot be used
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static Schema<?> schema(Class<?> type, String schemaType, Map<String, String> properties,
            ClassLoader functionLoader, boolean input) {
        if (schemaType == null || schemaType.isBlank() || DEFAULT_SERDE.equals(schemaType)) {
            return defaultSchema(type, input);
        }
        // a copy the builder may add to (it puts its own flags into the map it is given)
        Map<String, String> schemaProperties = properties == null ? new HashMap<>() : new HashMap<>(properties);
        switch (schemaType.toUpperCase(Locale.ROOT)) {
            case "NONE":
            case "BYTES":
                return type == ByteBuffer.class ? Schema.BYTEBUFFER : Schema.BYTES;
            case "STRING":
                return Schema.STRING;
            case "JSON":
                return Schema.JSON(SchemaDefinition.builder().withPojo(type).withProperties(schemaProperties).build());
            case "AVRO":
                return Schema.AVRO(SchemaDefinition.builder().withPojo(type).withProperties(schemaProperties).build());
            case "AUTO_CONSUME":
            case "AUTO":
                return input ? Schema.AUTO_CONSUME() : defaultSchema(type, false);
            case "AUTO_PUBLISH":
                return Schema.AUTO_PRODUCE_BYTES();
            case "KEY_VALUE":
                // Pulsar's TopicSchema: the key and the value stay bytes; functions usually read KEY_VALUE topics
                // through AUTO_CONSUME (GenericObject) instead
                return Schema.KV_BYTES();
            case "PROTOBUF":
                return Schema.PROTOBUF((Class) protobufMessage(type, schemaType));
            case "PROTOBUF_NATIVE":
                return Schema.PROTOBUF_NATIVE((Class) protobufMessage(type, schemaType));
            default:
                break;
        }
        Schema<?> builtIn = defaultSchemaByName(schemaType);
        if (builtIn != null) {
            return builtIn;
        }
        Object instance;
        try {
            Class<?> schemaClass = Class.forName(schemaType, true, functionLoader);
            instance = schemaClass.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalArgumentException("Cannot use the schema or SerDe " + schemaType + ": " + e, e);
        }
        if (instance instanceof Schema<?> schema) {
            return schema;
        }
        if (instance instanceof SerDe<?> serDe) {
            return new SerDeSchema<>(serDe);
        }
        throw new IllegalArgumentException(schemaType + " is neither a " + Schema.class.getName() + " nor a "
                + SerDe.class.getName());
    }

    /** @throws IllegalArgumentException unless the type is a protobuf message of the worker's protobuf */
    private static Class<?> protobufMessage(Class<?> type, String schemaType) {
        if (!com.google.protobuf.GeneratedMessageV3.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException("Schema type " + schemaType + " needs a protobuf message type "
                    + "(extending com.google.protobuf.GeneratedMessageV3 of protobuf-java 3.25, the worker's), not "
                    + type.getName());
        }
        return type;
    }

    private static Schema<?> defaultSchemaByName(String name) {
        return switch (name.toUpperCase(Locale.ROOT)) {
            case "BOOLEAN" -> Schema.BOOL;
            case "INT8" -> Schema.INT8;
            case "INT16" -> Schema.INT16;
            case "INT32" -> Schema.INT32;
            case "INT64" -> Schema.INT64;
            case "FLOAT" -> Schema.FLOAT;
            case "DOUBLE" -> Schema.DOUBLE;
            case "DATE" -> Schema.DATE;
            case "TIME" -> Schema.TIME;
            case "TIMESTAMP" -> Schema.TIMESTAMP;
            case "INSTANT" -> Schema.INSTANT;
            case "LOCAL_DATE" -> Schema.LOCAL_DATE;
            case "LOCAL_TIME" -> Schema.LOCAL_TIME;
            case "LOCAL_DATE_TIME" -> Schema.LOCAL_DATE_TIME;
            default -> null;
        };
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static Schema<?> defaultSchema(Class<?> type, boolean input) {
        if (type == String.class) {
            return Schema.STRING;
        } else if (type == byte[].class) {
            return Schema.BYTES;
        } else if (type == ByteBuffer.class) {
            return Schema.BYTEBUFFER;
        } else if (type == Boolean.class) {
            return Schema.BOOL;
        } else if (type == Byte.class) {
            return Schema.INT8;
        } else if (type == Short.class) {
            return Schema.INT16;
        } else if (type == Integer.class) {
            return Schema.INT32;
        } else if (type == Long.class) {
            return Schema.INT64;
        } else if (type == Float.class) {
            return Schema.FLOAT;
        } else if (type == Double.class) {
            return Schema.DOUBLE;
        } else if (type == java.util.Date.class) {
            return Schema.DATE;
        } else if (type == java.sql.Time.class) {
            return Schema.TIME;
        } else if (type == java.sql.Timestamp.class) {
            return Schema.TIMESTAMP;
        } else if (type == Instant.class) {
            return Schema.INSTANT;
        } else if (type == LocalDate.class) {
            return Schema.LOCAL_DATE;
        } else if (type == LocalTime.class) {
            return Schema.LOCAL_TIME;
        } else if (type == LocalDateTime.class) {
            return Schema.LOCAL_DATE_TIME;
        } else if (com.google.protobuf.GeneratedMessageV3.class.isAssignableFrom(type)) {
            // Pulsar's TopicSchema: a protobuf message class means PROTOBUF
            return Schema.PROTOBUF((Class) type);
        } else if (type == org.apache.pulsar.common.schema.KeyValue.class) {
            return Schema.KV_BYTES();
        } else if (type == Object.class || type == GenericRecord.class || type == GenericObject.class) {
            return input ? Schema.AUTO_CONSUME() : Schema.BYTES;
        }
        return Schema.JSON((Class) type);
    }
}
