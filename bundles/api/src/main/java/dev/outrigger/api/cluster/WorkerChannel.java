package dev.outrigger.api.cluster;

import java.io.IOException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Calls another worker's admin API as this worker: a write forwarded to the leader, an instance's status, stats or
 * restart asked of the worker running it. Core bundles give only Pulsar's paths (what to ask); the channel, registered
 * by the edge, adds the scheme, host, port, TLS and this worker's own credentials (those of its broker client, as
 * Pulsar's worker presents them). So no core bundle builds URLs, speaks HTTP or holds a credential, and when
 * authentication is on every worker-to-worker call carries it.
 *
 * <p>The channel only carries the call: it does not retry, and it does not interpret the status. A caller maps the
 * answer to its own errors.
 */
@ProviderType
public interface WorkerChannel {

    /**
     * Sends one request to a worker and waits for its answer (redirects are not followed).
     *
     * @param worker the worker to call, as the cluster reports it
     * @param request what to ask it
     * @return its answer, whatever the status
     * @throws IOException if the worker cannot be reached or the answer cannot be read (including the request's
     *     timeout passing), or if this worker's credentials cannot be had
     * @throws InterruptedException if the calling thread is interrupted while waiting
     * @throws IllegalArgumentException if the worker's host and the request's path do not make an address
     */
    WorkerResponse send(WorkerInfo worker, WorkerRequest request) throws IOException, InterruptedException;
}
