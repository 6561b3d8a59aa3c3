package dev.outrigger.api.metadata;

import java.util.Objects;

/**
 * The name of a function, source or sink: unique across all three kinds, as in Pulsar's worker.
 *
 * @param tenant its tenant
 * @param namespace its namespace, without the tenant
 * @param name its name
 */
public record FunctionKey(String tenant, String namespace, String name) {

    public FunctionKey {
        Objects.requireNonNull(tenant, "tenant must not be null");
        Objects.requireNonNull(namespace, "namespace must not be null");
        Objects.requireNonNull(name, "name must not be null");
    }

    /**
     * @param fullyQualifiedName {@code tenant/namespace/name}
     * @return the key it names
     * @throws IllegalArgumentException if it does not have three non-empty parts
     */
    public static FunctionKey parse(String fullyQualifiedName) {
        String[] parts = fullyQualifiedName.split("/", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
            throw new IllegalArgumentException("Not tenant/namespace/name: " + fullyQualifiedName);
        }
        return new FunctionKey(parts[0], parts[1], parts[2]);
    }

    /** @return {@code tenant/namespace/name}, the key of its record on the metadata topic */
    public String fullyQualifiedName() {
        return tenant + "/" + namespace + "/" + name;
    }

    @Override
    public String toString() {
        return fullyQualifiedName();
    }
}
