package dev.outrigger.metadata.internal;

import dev.outrigger.api.cluster.WorkerChannel;
import dev.outrigger.api.cluster.WorkerInfo;
import dev.outrigger.api.cluster.WorkerRequest;
import dev.outrigger.api.cluster.WorkerResponse;
import dev.outrigger.api.metadata.InvalidMetadataException;
import dev.outrigger.api.metadata.MetadataNotWrittenException;
import dev.outrigger.api.metadata.MetadataUnavailableException;
import dev.outrigger.api.metadata.StaleVersionException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Sends a write to the leader's {@code PUT /admin/v3/functions/leader/{tenant}/{namespace}/{name}}, where Pulsar's
 * worker has the same internal endpoint (its body is protobuf; ours is the record's JSON). The call goes through the
 * {@link WorkerChannel}, which addresses the leader and adds this worker's credentials (the endpoint is for
 * superusers, which the worker's broker-client role is).
 */
final class LeaderForwarder {

    static final String PATH = "/admin/v3/functions/leader";

    private final Supplier<WorkerChannel> channel;

    /** @param channel the current channel, null while there is none */
    LeaderForwarder(Supplier<WorkerChannel> channel) {
        this.channel = channel;
    }

    /**
     * @throws NotLeaderException on 503: that worker does not lead (yet); worth another try
     * @throws StaleVersionException on 409
     * @throws InvalidMetadataException on 400: the leader refused the record (its validators did, or its shape)
     * @throws MetadataNotWrittenException if this worker has no channel or could not connect to the leader
     * @throws MetadataUnavailableException if the leader's answer is lost or it failed: the outcome is unknown
     */
    void send(WorkerInfo leader, MetadataWrite write, Duration timeout) {
        WorkerRequest request = request(write, timeout);
        WorkerChannel current = channel.get();
        if (current == null) {
            throw new MetadataNotWrittenException("Cannot forward the " + write + " to the leader "
                    + leader.workerId() + ": this worker has no channel to other workers (its REST bundle is not "
                    + "active)", null);
        }
        WorkerResponse response;
        try {
            response = current.send(leader, request);
        } catch (ConnectException | HttpConnectTimeoutException e) {
            // no connection, no request: the leader never saw this write
            throw new MetadataNotWrittenException("Cannot connect to the leader " + leader.workerId() + " at "
                    + leader.workerHostname() + ":" + leader.port() + " to write " + write + ": " + e, e);
        } catch (IOException e) {
            throw new MetadataUnavailableException("Cannot reach the leader " + leader.workerId() + " at "
                    + leader.workerHostname() + ":" + leader.port() + " (" + request + ") to write " + write + ": "
                    + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MetadataUnavailableException("Interrupted while forwarding " + write + " to the leader", e);
        }
        int status = response.status();
        if (response.isSuccess()) {
            return;
        }
        String reason = MetadataCodec.reason(response.body());
        switch (status) {
            case 409 -> throw new StaleVersionException(reason);
            // the leader answers 503 only for writes it did not take (LeaderWriteResource), 500 for unknown outcomes
            case 503 -> throw new NotLeaderException(leader.workerId() + " answered 503: " + reason);
            case 400 -> throw new InvalidMetadataException(reason);
            default -> throw new MetadataUnavailableException("The leader " + leader.workerId() + " answered " + status
                    + " to the write of " + write + ": " + reason, null);
        }
    }

    /** Pulsar's path for the function's key; a delete names the version it deletes, and has no body. */
    static WorkerRequest request(MetadataWrite write, Duration timeout) {
        String path = PATH + "/" + write.key().tenant() + "/" + write.key().namespace() + "/" + write.key().name();
        return write.isDelete()
                ? new WorkerRequest("PUT", path, "delete=true&version=" + write.version(), null,
                        "application/json", timeout)
                : new WorkerRequest("PUT", path, null, MetadataCodec.toJson(write.metadata()), "application/json",
                        timeout);
    }
}
