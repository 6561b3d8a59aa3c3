package dev.outrigger.rest.internal;

import dev.outrigger.api.cluster.ClusterService;
import dev.outrigger.api.cluster.WorkerInfo;
import dev.outrigger.api.rest.ErrorResponseException;
import dev.outrigger.api.rest.RestResource;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Pulsar's {@code /admin/v2/worker} (also at {@code /admin/worker}): who is in the cluster and who leads it. */
@Component(service = RestResource.class)
@Path("/admin{version: (/v2)?}/worker")
@Produces(MediaType.APPLICATION_JSON)
public final class WorkerResource implements RestResource {

    private final ClusterService cluster;

    @Activate
    public WorkerResource(@Reference ClusterService cluster) {
        this.cluster = cluster;
    }

    @GET
    @Path("/cluster")
    public List<WorkerInfo> getCluster() {
        return cluster.members();
    }

    @GET
    @Path("/cluster/leader")
    public WorkerInfo getClusterLeader() {
        return cluster.leader().orElseThrow(() -> new ErrorResponseException(500, "Leader cannot be determined"));
    }

    /** Pulsar answers {@code true} on the leader and the "not initialized" 503 everywhere else. */
    @GET
    @Path("/cluster/leader/ready")
    public boolean isLeaderReady() {
        if (!cluster.isLeader()) {
            throw new ErrorResponseException(503, ReadinessFilter.NOT_INITIALIZED);
        }
        return true;
    }
}
