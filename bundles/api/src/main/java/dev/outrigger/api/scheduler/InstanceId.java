package dev.outrigger.api.scheduler;

import dev.outrigger.api.metadata.FunctionKey;
import java.util.Objects;

/**
 * One instance of a function, source or sink.
 *
 * @param function the component
 * @param instanceId 0 to parallelism - 1
 */
public record InstanceId(FunctionKey function, int instanceId) {

    public InstanceId {
        Objects.requireNonNull(function, "function must not be null");
        if (instanceId < 0) {
            throw new IllegalArgumentException("instanceId must not be negative: " + instanceId);
        }
    }

    /**
     * @param fullyQualifiedName {@code tenant/namespace/name:instanceId}, Pulsar's fully qualified instance id
     * @throws IllegalArgumentException if it does not have that shape
     */
    public static InstanceId parse(String fullyQualifiedName) {
        int colon = fullyQualifiedName.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("Not tenant/namespace/name:instanceId: " + fullyQualifiedName);
        }
        try {
            return new InstanceId(FunctionKey.parse(fullyQualifiedName.substring(0, colon)),
                    Integer.parseInt(fullyQualifiedName.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Not tenant/namespace/name:instanceId: " + fullyQualifiedName, e);
        }
    }

    /** @return {@code tenant/namespace/name:instanceId}, the key of its assignment record */
    public String fullyQualifiedName() {
        return function.fullyQualifiedName() + ":" + instanceId;
    }

    @Override
    public String toString() {
        return fullyQualifiedName();
    }
}
