package dev.outrigger.api.metadata;

import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Judges a record before the leader writes it for another worker: the leader's internal write endpoint accepts only
 * what the public admin path could have written. The bundle that owns a kind of component (functions, sources, sinks)
 * knows what a valid record of that kind is, so it registers one as a service, with {@link #COMPONENT_TYPES} naming
 * the kinds it judges. A record is written only if every validator registered for its type accepts it, and never when
 * no validator for its type is present. Deletes are not judged.
 *
 * <p>Consumer type: each component bundle implements it; new methods would break them.
 */
@ConsumerType
public interface MetadataValidator {

    /** Service property ({@code String} or {@code String[]}): the {@link ComponentType} names this validator judges. */
    String COMPONENT_TYPES = "outrigger.metadata.componentTypes";

    /**
     * @param serviceProperties the properties of a validator's service registration
     * @return the component types it judges, from {@link #COMPONENT_TYPES}; names that are not types are left out
     */
    static Set<ComponentType> componentTypes(Map<String, ?> serviceProperties) {
        Object value = serviceProperties.get(COMPONENT_TYPES);
        Set<ComponentType> types = EnumSet.noneOf(ComponentType.class);
        Iterable<?> names = value instanceof String name ? List.of(name)
                : value instanceof String[] array ? List.of(array)
                : value instanceof Collection<?> collection ? collection
                : List.of();
        for (Object name : names) {
            for (ComponentType type : ComponentType.values()) {
                if (type.name().equals(name)) {
                    types.add(type);
                }
            }
        }
        return types;
    }

    /**
     * Accepts a record the public admin path could have written, or says why not. Called on the leader before the
     * write, with what the leader holds now; the leader writes only if that is still current when it writes.
     *
     * @param current the version the record replaces, as the leader holds it, or null where the component does not
     *     exist
     * @param proposed the record to write, whose key the caller already checked against the request
     * @throws InvalidMetadataException with a reason a person can act on, if the record must not be written
     * @throws MetadataUnavailableException if it cannot be judged now (something it reads is unavailable): the
     *     caller may try again
     */
    void validate(FunctionMetadata current, FunctionMetadata proposed);
}
