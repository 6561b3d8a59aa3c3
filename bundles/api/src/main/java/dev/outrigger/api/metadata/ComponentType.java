package dev.outrigger.api.metadata;

/** What a metadata record describes; Pulsar keeps all three in one name space per namespace. */
public enum ComponentType {
    FUNCTION,
    SOURCE,
    SINK
}
