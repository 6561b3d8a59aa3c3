package dev.outrigger.metadata.internal;

import dev.outrigger.api.metadata.FunctionKey;
import dev.outrigger.api.metadata.FunctionMetadata;
import java.util.Objects;

/**
 * One write of the metadata topic: a new version of a component, or a tombstone for one.
 *
 * @param key the component
 * @param metadata the new version, or null for a delete
 * @param version the version written, or for a delete the version deleted
 */
record MetadataWrite(FunctionKey key, FunctionMetadata metadata, long version) {

    MetadataWrite {
        Objects.requireNonNull(key, "key must not be null");
        if (version < 0) {
            throw new IllegalArgumentException("Versions start at 0, not " + version + " (" + key + ")");
        }
    }

    static MetadataWrite update(FunctionMetadata metadata) {
        return new MetadataWrite(metadata.key(), metadata, metadata.version());
    }

    static MetadataWrite delete(FunctionKey key, long version) {
        return new MetadataWrite(key, null, version);
    }

    boolean isDelete() {
        return metadata == null;
    }

    String fullyQualifiedName() {
        return key.fullyQualifiedName();
    }

    /** @return whether the record the tailer just applied for this key is this write */
    boolean isAppliedBy(FunctionMetadata applied, long appliedVersion) {
        return isDelete() ? applied == null && appliedVersion == version : metadata.equals(applied);
    }

    @Override
    public String toString() {
        return (isDelete() ? "delete of " : "version ") + version + " of " + key;
    }
}
