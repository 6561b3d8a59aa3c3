package dev.outrigger.functions.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outrigger.api.cluster.ClusterService;
import dev.outrigger.api.cluster.ClusterUnavailableException;
import dev.outrigger.api.cluster.WorkerInfo;
import dev.outrigger.api.functions.FunctionServiceException;
import dev.outrigger.api.scheduler.InstanceId;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.apache.pulsar.common.policies.data.FunctionInstanceStatsDataImpl;
import org.apache.pulsar.common.policies.data.FunctionStatus.FunctionInstanceStatus.FunctionInstanceStatusData;

/** Asks the worker that runs an instance, over its admin API, for the instance's status and stats, or to restart it. */
final class OwnerClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final ObjectMapper json;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    OwnerClient(ObjectMapper json) {
        this.json = json;
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
        URI uri = URI.create("http://" + owner.get().workerHostname() + ":" + owner.get().port()
                + "/admin/v3/functions/" + instance.function().fullyQualifiedName() + "/" + instance.instanceId()
                + "/status");
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return failed(workerId, "Worker " + workerId + " answered " + response.statusCode() + ": "
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
            if (owner == null) {
                return new FunctionInstanceStatsDataImpl();
            }
            URI uri = URI.create("http://" + owner.workerHostname() + ":" + owner.port() + "/admin/v3/functions/"
                    + instance.function().fullyQualifiedName() + "/" + instance.instanceId() + "/stats");
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200
                    ? json.readValue(response.body(), FunctionInstanceStatsDataImpl.class)
                    : new FunctionInstanceStatsDataImpl();
        } catch (IOException | ClusterUnavailableException e) {
            return new FunctionInstanceStatsDataImpl();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new FunctionInstanceStatsDataImpl();
        }
    }

    /** Asks the owner to restart one of its instances. */
    void restart(ClusterService cluster, String workerId, InstanceId instance) {
        WorkerInfo owner = cluster.members().stream().filter(member -> member.workerId().equals(workerId))
                .findFirst()
                .orElseThrow(() -> new FunctionServiceException(FunctionServiceException.Kind.UNAVAILABLE,
                        "Worker " + workerId + " running " + instance + " is not in the cluster"));
        URI uri = URI.create("http://" + owner.workerHostname() + ":" + owner.port() + "/admin/v3/functions/"
                + instance.function().fullyQualifiedName() + "/" + instance.instanceId() + "/restart");
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
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

    private static FunctionInstanceStatusData failed(String workerId, String error) {
        FunctionInstanceStatusData data = Functions.notRunning(error);
        data.setWorkerId(workerId);
        return data;
    }
}
