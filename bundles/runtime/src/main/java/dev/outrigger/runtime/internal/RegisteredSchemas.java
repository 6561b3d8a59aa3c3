package dev.outrigger.runtime.internal;

import java.nio.ByteBuffer;
import java.util.Optional;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.client.api.schema.GenericObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema type already registered on a topic. Pulsar's instances (TopicSchema.getSchemaTypeOrDefault) use it, when
 * the function names none, for every type but bytes and generic objects: a POJO on an AVRO topic is read and written
 * as AVRO, not as the JSON its class alone would give.
 */
final class RegisteredSchemas {

    private static final Logger LOG = LoggerFactory.getLogger(RegisteredSchemas.class);

    private final PulsarAdmin admin;

    /** @param admin the worker's admin client, or null: then no topic is asked and types give their defaults */
    RegisteredSchemas(PulsarAdmin admin) {
        this.admin = admin;
    }

    /** @return whether Pulsar asks the topic for a function value of this type */
    static boolean appliesTo(Class<?> type) {
        return !GenericObject.class.isAssignableFrom(type) && type != byte[].class && type != ByteBuffer.class;
    }

    /** @return the type name of the schema registered on the topic, if any */
    Optional<String> typeOf(String topic) {
        if (admin == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(admin.schemas().getSchemaInfo(topic).getType().name());
        } catch (PulsarAdminException.NotFoundException e) {
            return Optional.empty();
        } catch (PulsarAdminException | RuntimeException e) {
            // the function's own type decides then, as for a topic without schema
            LOG.debug("Cannot read the schema of {}: {}", topic, e.toString());
            return Optional.empty();
        }
    }
}
