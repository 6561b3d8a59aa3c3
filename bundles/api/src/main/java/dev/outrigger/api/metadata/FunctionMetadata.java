package dev.outrigger.api.metadata;

import dev.outrigger.api.packages.PackageRef;
import java.util.Map;
import java.util.Objects;

/**
 * One version of a function, source or sink.
 *
 * @param key its name
 * @param type function, source or sink
 * @param version 0 when created, one more at every update; a write must name the version it replaces
 * @param createTime when the first version was written, in epoch milliseconds
 * @param config the component's configuration as Pulsar's JSON ({@code FunctionConfig}, {@code SourceConfig} or
 *     {@code SinkConfig}), with the worker's defaults filled in
 * @param packageRef where its package is, or null where the configuration names a built-in
 * @param instanceStates instances an operator stopped, by instance id; an absent id is {@link InstanceState#RUNNING}
 */
public record FunctionMetadata(
        FunctionKey key,
        ComponentType type,
        long version,
        long createTime,
        String config,
        PackageRef packageRef,
        Map<Integer, InstanceState> instanceStates) {

    public FunctionMetadata {
        Objects.requireNonNull(key, "key must not be null");
        Objects.requireNonNull(type, "type must not be null");
        Objects.requireNonNull(config, "config must not be null");
        instanceStates = instanceStates == null ? Map.of() : Map.copyOf(instanceStates);
    }

    /** @return the next version of this record with another configuration and package */
    public FunctionMetadata update(String newConfig, PackageRef newPackage) {
        return new FunctionMetadata(key, type, version + 1, createTime, newConfig, newPackage, instanceStates);
    }

    /** @return the next version of this record with other instance states */
    public FunctionMetadata withInstanceStates(Map<Integer, InstanceState> states) {
        return new FunctionMetadata(key, type, version + 1, createTime, config, packageRef, states);
    }

    /** @return the state an operator asked of that instance */
    public InstanceState instanceState(int instanceId) {
        return instanceStates.getOrDefault(instanceId, InstanceState.RUNNING);
    }
}
