package dev.outrigger.api.packages;

import dev.outrigger.api.metadata.ComponentType;
import dev.outrigger.api.metadata.FunctionKey;
import java.util.Objects;

/**
 * The component version an uploaded package is for. Stores that name packages after it (Pulsar's package management
 * names them {@code function://tenant/namespace/name@version}) need all of it; the others only the key.
 *
 * @param type function, source or sink
 * @param key the component
 * @param version the metadata version the package is stored with: 0 on register, the next version on update
 * @param createTime when the component was first registered, in epoch milliseconds
 */
public record PackageOwner(ComponentType type, FunctionKey key, long version, long createTime) {

    public PackageOwner {
        Objects.requireNonNull(type, "type must not be null");
        Objects.requireNonNull(key, "key must not be null");
    }
}
