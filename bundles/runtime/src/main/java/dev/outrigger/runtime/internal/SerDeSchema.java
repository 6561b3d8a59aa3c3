package dev.outrigger.runtime.internal;

import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.common.schema.SchemaInfo;
import org.apache.pulsar.functions.api.SerDe;

/**
 * A user's {@link SerDe} (named in {@code customSerdeInputs}, {@code outputSerdeClassName} or an input spec's {@code
 * serdeClassName}) as the schema the consumer or producer uses; as in Pulsar, the topic sees plain bytes.
 */
final class SerDeSchema<T> implements Schema<T> {

    private final SerDe<T> serDe;

    SerDeSchema(SerDe<T> serDe) {
        this.serDe = serDe;
    }

    @Override
    public byte[] encode(T message) {
        return serDe.serialize(message);
    }

    @Override
    public T decode(byte[] bytes) {
        return serDe.deserialize(bytes);
    }

    @Override
    public SchemaInfo getSchemaInfo() {
        return Schema.BYTES.getSchemaInfo();
    }

    /** @return the SerDe's class: two SerDe schemas are the same only if their SerDe classes are */
    String serDeClassName() {
        return serDe.getClass().getName();
    }

    @Override
    public Schema<T> clone() {
        return this;
    }
}
