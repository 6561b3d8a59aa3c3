package dev.outrigger.metadata.internal;

import dev.outrigger.api.metadata.MetadataUnavailableException;
import dev.outrigger.api.metadata.StaleVersionException;

/** The store's leader side, as a service of this bundle only: what the forwarding endpoint calls. */
interface LeaderWrites {

    /**
     * Writes on the metadata topic if this worker is the leader, and returns once this worker has read the record
     * back.
     *
     * @throws NotLeaderException if this worker does not hold the leader's producer (yet)
     * @throws StaleVersionException if the write does not follow the current version
     * @throws MetadataUnavailableException if the topic cannot be written or read back now
     */
    void writeAsLeader(MetadataWrite write);
}
