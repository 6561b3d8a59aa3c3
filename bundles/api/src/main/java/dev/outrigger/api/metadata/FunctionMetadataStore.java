package dev.outrigger.api.metadata;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Function metadata of the whole cluster. Reads come from this worker's memory, which follows the metadata topic;
 * writes go through the leader, the only worker that writes the topic, and complete once this worker has read them
 * back, so a caller sees its own write.
 */
@ProviderType
public interface FunctionMetadataStore {

    /** @return the current version of that component, if it exists */
    Optional<FunctionMetadata> get(FunctionKey key);

    /** @return the components of one namespace, sorted by name */
    List<FunctionMetadata> list(String tenant, String namespace);

    /** @return every component of the cluster */
    List<FunctionMetadata> all();

    /**
     * Writes a new version: {@code metadata.version()} must be 0 for a component that does not exist, or one more
     * than the current version.
     *
     * @return completes with what was written (also when an attempt's answer was lost and a retry found the record
     *     already written), or exceptionally with {@link StaleVersionException} if another write came first,
     *     {@link MetadataNotWrittenException} if it surely was not written, or {@link MetadataUnavailableException}
     *     if its outcome is unknown; it completes within a bounded time either way
     */
    CompletionStage<FunctionMetadata> write(FunctionMetadata metadata);

    /**
     * Deletes a component (a tombstone on the compacted topic).
     *
     * @param version the version being deleted: the current one
     * @return completes once deleted, or exceptionally as {@link #write}
     */
    CompletionStage<Void> delete(FunctionKey key, long version);
}
