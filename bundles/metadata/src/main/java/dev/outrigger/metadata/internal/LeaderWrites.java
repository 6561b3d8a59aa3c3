package dev.outrigger.metadata.internal;

import dev.outrigger.api.metadata.FunctionKey;
import dev.outrigger.api.metadata.FunctionMetadata;
import dev.outrigger.api.metadata.MetadataUnavailableException;
import dev.outrigger.api.metadata.StaleVersionException;
import java.util.Optional;

/** The store's leader side, as a service of this bundle only: what the forwarding endpoint calls. */
interface LeaderWrites {

    /**
     * @return the record this worker holds now for that key (on the leader, the cluster's current one)
     * @throws MetadataUnavailableException if this worker has not read the topic yet
     */
    Optional<FunctionMetadata> current(FunctionKey key);

    /**
     * Writes on the metadata topic if this worker is the leader, and returns once this worker has read the record
     * back.
     *
     * @throws NotLeaderException if this worker does not hold the leader's producer (yet)
     * @throws StaleVersionException if the write does not follow the current version
     * @throws MetadataUnavailableException if the topic cannot be written or read back now
     */
    void writeAsLeader(MetadataWrite write);

    /**
     * As {@link #writeAsLeader(MetadataWrite)}, for a record that was judged against {@code basis}: written only if
     * {@code basis} is still the current record when the leader writes, so no other write slips in between the
     * judgement and the write.
     *
     * @param basis the record the write was judged against ({@link #current}), or null for a new component
     * @throws StaleVersionException also if the current record is no longer {@code basis}
     */
    void writeAsLeader(MetadataWrite write, FunctionMetadata basis);
}
