package dev.outrigger.api.cluster;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The worker cluster as this worker sees it. Membership and leadership are read from the broker, the way Pulsar's
 * worker does it: the consumers of the Failover subscription on the coordination topic are the members, and the
 * subscription's active consumer is the leader.
 */
@ProviderType
public interface ClusterService {

    /**
     * {@code osgi.condition.id} of the {@code org.osgi.service.condition.Condition} registered once this worker is
     * initialized: components that must wait for that can target it.
     */
    String INITIALIZED_CONDITION = "outrigger.worker.initialized";

    /** @return this worker */
    WorkerInfo self();

    /** @return the Pulsar cluster the worker runs functions for ({@code pulsarFunctionsCluster}) */
    String pulsarFunctionsCluster();

    /**
     * @return true once start-up finished: broker reached, namespace and topics in place, this worker a member.
     *     Until then the admin API answers 503.
     */
    boolean isInitialized();

    /** @return milliseconds from framework start to initialized, or -1 while not initialized */
    long startUpTimeMillis();

    /**
     * @return the members of the cluster, read from the broker now
     * @throws ClusterUnavailableException if the broker cannot be asked
     */
    List<WorkerInfo> members();

    /**
     * @return the current leader, read from the broker now; empty while no worker holds leadership
     * @throws ClusterUnavailableException if the broker cannot be asked
     */
    Optional<WorkerInfo> leader();

    /** @return whether this worker is the leader, as last told by the broker */
    boolean isLeader();
}
