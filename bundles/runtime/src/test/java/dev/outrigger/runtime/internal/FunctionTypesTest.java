package dev.outrigger.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collection;
import java.util.Map;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.common.functions.ConsumerConfig;
import org.apache.pulsar.common.schema.KeyValue;
import org.apache.pulsar.common.schema.SchemaType;
import org.apache.pulsar.functions.api.Context;
import org.apache.pulsar.functions.api.Record;
import org.apache.pulsar.functions.api.SerDe;
import org.apache.pulsar.functions.api.WindowContext;
import org.apache.pulsar.functions.api.WindowFunction;
import org.junit.jupiter.api.Test;

class FunctionTypesTest {

    public static final class Pojo {
        public int value;
    }

    public static final class LongSerDe implements SerDe<Long> {
        @Override
        public Long deserialize(byte[] input) {
            return java.nio.ByteBuffer.wrap(input).getLong();
        }

        @Override
        public byte[] serialize(Long input) {
            return java.nio.ByteBuffer.allocate(8).putLong(input).array();
        }
    }

    static final class Words implements WindowFunction<String, Integer> {
        @Override
        public Integer process(Collection<Record<String>> input, WindowContext context) {
            return input.size();
        }
    }

    static final class Sum implements java.util.function.Function<Collection<Long>, Long> {
        @Override
        public Long apply(Collection<Long> values) {
            return values.stream().mapToLong(Long::longValue).sum();
        }
    }

    static final class NotWindowed implements org.apache.pulsar.functions.api.Function<String, String> {
        @Override
        public String process(String input, Context context) {
            return input;
        }
    }

    private final ClassLoader loader = getClass().getClassLoader();

    @Test
    void schemaTypesAndPropertiesAsPulsarNamesThem() {
        ConsumerConfig spec = new ConsumerConfig();
        spec.setSchemaType("AVRO");
        spec.setSchemaProperties(Map.of("custom", "yes"));
        Schema<?> avro = FunctionTypes.inputSchema(Pojo.class, spec, loader);
        assertEquals(SchemaType.AVRO, avro.getSchemaInfo().getType());
        assertEquals("yes", avro.getSchemaInfo().getProperties().get("custom"));
        assertEquals(SchemaType.JSON, FunctionTypes.schema(Pojo.class, "json", loader, false).getSchemaInfo().getType());
        assertEquals(SchemaType.KEY_VALUE,
                FunctionTypes.schema(KeyValue.class, "", loader, true).getSchemaInfo().getType());
        assertEquals(Schema.STRING, FunctionTypes.schema(String.class, FunctionTypes.DEFAULT_SERDE, loader, true));
        IllegalArgumentException notAMessage = assertThrows(IllegalArgumentException.class,
                () -> FunctionTypes.schema(Pojo.class, "PROTOBUF", loader, true));
        assertTrue(notAMessage.getMessage().contains("needs a protobuf message type"), notAMessage.getMessage());
        assertEquals(SchemaType.PROTOBUF, FunctionTypes.schema(com.google.protobuf.Timestamp.class, "PROTOBUF", loader,
                true).getSchemaInfo().getType());
        assertEquals(SchemaType.PROTOBUF_NATIVE, FunctionTypes.schema(com.google.protobuf.Timestamp.class,
                "PROTOBUF_NATIVE", loader, true).getSchemaInfo().getType());
        assertEquals(SchemaType.PROTOBUF, FunctionTypes.schema(com.google.protobuf.Timestamp.class, null, loader,
                true).getSchemaInfo().getType());
    }

    @Test
    void aSerDeClassBecomesABytesSchema() {
        ConsumerConfig spec = new ConsumerConfig();
        spec.setSerdeClassName(LongSerDe.class.getName());
        @SuppressWarnings("unchecked")
        Schema<Long> schema = (Schema<Long>) FunctionTypes.inputSchema(Long.class, spec, loader);
        assertInstanceOf(SerDeSchema.class, schema);
        assertEquals(SchemaType.BYTES, schema.getSchemaInfo().getType());
        assertEquals(42L, schema.decode(schema.encode(42L)));
        IllegalArgumentException neither = assertThrows(IllegalArgumentException.class,
                () -> FunctionTypes.schema(Long.class, Pojo.class.getName(), loader, true));
        assertTrue(neither.getMessage().contains("neither"), neither.getMessage());
    }

    @Test
    void windowFunctionsTakeTheWindowsElementType() {
        FunctionTypes words = FunctionTypes.of(Words.class, true);
        assertEquals(FunctionTypes.Kind.WINDOW, words.kind);
        assertEquals(String.class, words.input);
        assertEquals(Integer.class, words.output);
        FunctionTypes sum = FunctionTypes.of(Sum.class, true);
        assertEquals(FunctionTypes.Kind.JAVA, sum.kind);
        assertEquals(Long.class, sum.input);
        assertEquals(Long.class, sum.output);
        assertThrows(IllegalArgumentException.class, () -> FunctionTypes.of(NotWindowed.class, true));
    }
}
