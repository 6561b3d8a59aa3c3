package dev.outrigger.api.metadata;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told of every change to the metadata, in topic order, on one thread: register one as a service. On registration it
 * is first told of every existing component (previous = null).
 */
@ConsumerType
public interface MetadataListener {

    /**
     * @param previous the version replaced, or null for a new component
     * @param current the new version, or null when the component was deleted
     */
    void changed(FunctionMetadata previous, FunctionMetadata current);
}
