package dev.outrigger.functions.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outrigger.api.cluster.ClusterService;
import dev.outrigger.api.cluster.ClusterUnavailableException;
import dev.outrigger.api.cluster.WorkerChannel;
import dev.outrigger.api.cluster.WorkerInfo;
import dev.outrigger.api.cluster.WorkerRequest;
import dev.outrigger.api.cluster.WorkerResponse;
import dev.outrigger.api.functions.FunctionServiceException;
import dev.outrigger.api.scheduler.InstanceId;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.pulsar.common.policies.data.FunctionInstanceStatsDataImpl;
import org.apache.pulsar.common.policies.data.FunctionStatus.FunctionInstanceStatus.FunctionInstanceStatusData;

/**
 * Asks the worker that runs an instance, over its admin API, for the instance's status and stats, or to restart it.
 * The calls go through the {@link WorkerChannel}, which addresses that worker and adds this worker's credentials.
 */
final class OwnerClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final String NO_CHANNEL = "this worker has no channel to other workers (its REST bundle is not active)";

    private final ObjectMapper json;
    private final Supplier<WorkerChannel> channel;

    /** @param channel the current channel, null while there is none */
    OwnerClient(ObjectMapper json, Supplier<WorkerChannel> channel) {
        this.json = json;
        this.channel = channel;
    }

    FunctionInstanceStatusData fetch(ClusterService cluster, String workerId, InstanceId instance) {
        Optional<WorkerInfo> owner;
        try {
            owner = cluster.members().stream().filter(member -> member.workerId().equals(workerId)).findFirst();
        } catch (ClusterUnavailableException e) {
            return failed(workerId, e.getMessage());
        }
        if (owner.isEmpty()) {
            return failed(workerId, "Worker " + workerId + " is not in the cluster");
        }
        WorkerChannel current = channel.get();
        if (current == null) {
            return failed(workerId, "Cannot reach worker " + workerId + ": " + NO_CHANNEL);
        }
        try {
            WorkerResponse response = current.send(owner.get(), WorkerRequest.get(path(instance, "status"), TIMEOUT));
            if (response.status() != 200) {
                return failed(workerId, "Worker " + workerId + " answered " + response.status() + ": "
                        + response.body());
            }
            FunctionInstanceStatusData data = json.readValue(response.body(), FunctionInstanceStatusData.class);
            data.setWorkerId(workerId);
            return data;
        } catch (IOException e) {
            return failed(workerId, "Cannot reach worker " + workerId + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(workerId, "Interrupted");
        }
    }

    /** The owner's figures for one instance; empty figures when it cannot be asked (as for an instance not running). */
    FunctionInstanceStatsDataImpl fetchStats(ClusterService cluster, String workerId, InstanceId instance) {
        try {
            WorkerInfo owner = cluster.members().stream().filter(member -> member.workerId().equals(workerId))
                    .findFirst().orElse(null);
            WorkerChannel current = channel.get();
            if (owner == null) {
                throw statsUnavailable(workerId, instance, "it is not in the cluster", null);
            }
            if (current == null) {
                throw statsUnavailable(workerId, instance, NO_CHANNEL, null);
            }
            WorkerResponse response = current.send(owner, WorkerRequest.get(path(instance, "stats"), TIMEOUT));
            if (response.status() != 200) {
                throw statsUnavailable(workerId, instance, "it answered " + response.status() + " "
                        + response.body(), null);
            }
            return json.readValue(response.body(), FunctionInstanceStatsDataImpl.class);
        } catch (IOException | ClusterUnavailableException e) {
            throw statsUnavailable(workerId, instance, e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw statsUnavailable(workerId, instance, "interrupted", e);
        }
    }

    /** Unknown figures are not zeros (issue 11 finding 8): the caller hears that they could not be had. */
    private static FunctionServiceException statsUnavailable(String workerId, InstanceId instance, String why,
            Throwable cause) {
        return new FunctionServiceException(FunctionServiceException.Kind.UNAVAILABLE, "Cannot get the stats of "
                + "instance " + instance.instanceId() + " from worker " + workerId + ": " + why, cause);
    }

    /** Asks the owner to restart one of its instances. */
    void restart(ClusterService cluster, String workerId, InstanceId instance) {
        WorkerInfo owner = cluster.members().stream().filter(member -> member.workerId().equals(workerId))
                .findFirst()
                .orElseThrow(() -> new FunctionServiceException(FunctionServiceException.Kind.UNAVAILABLE,
                        "Worker " + workerId + " running " + instance + " is not in the cluster"));
        WorkerChannel current = channel.get();
        if (current == null) {
            throw new FunctionServiceException(FunctionServiceException.Kind.UNAVAILABLE,
                    "Cannot reach worker " + workerId + ": " + NO_CHANNEL);
        }
        try {
            WorkerResponse response = current.send(owner, new WorkerRequest("POST", path(instance, "restart"), null,
                    null, "application/json", TIMEOUT));
            if (!response.isSuccess()) {
                throw new FunctionServiceException(FunctionServiceException.Kind.UNAVAILABLE,
                        "Worker " + workerId + " could not restart " + instance + ": " + response.body());
            }
        } catch (IOException e) {
            throw new FunctionServiceException(FunctionServiceException.Kind.UNAVAILABLE,
                    "Cannot reach worker " + workerId + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FunctionServiceException(FunctionServiceException.Kind.UNAVAILABLE, "Interrupted", e);
        }
    }

    /** Pulsar's path of one instance's sub-resource; unencoded, the channel quotes it. */
    static String path(InstanceId instance, String what) {
        return "/admin/v3/functions/" + instance.function().fullyQualifiedName() + "/" + instance.instanceId() + "/"
                + what;
    }

    private static FunctionInstanceStatusData failed(String workerId, String error) {
        FunctionInstanceStatusData data = Functions.notRunning(error);
        data.setWorkerId(workerId);
        return data;
    }
}
