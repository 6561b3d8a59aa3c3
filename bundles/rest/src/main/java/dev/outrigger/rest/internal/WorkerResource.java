package dev.outrigger.rest.internal;

import dev.outrigger.api.cluster.ClusterService;
import dev.outrigger.api.cluster.WorkerInfo;
import dev.outrigger.api.config.EffectiveConfiguration;
import dev.outrigger.api.rest.ErrorResponseException;
import dev.outrigger.api.rest.RestResource;
import dev.outrigger.api.scheduler.AssignmentService;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Pulsar's {@code /admin/v2/worker} (also at {@code /admin/worker}): who is in the cluster and who leads it; and the
 * configuration in force.
 */
@Component(service = RestResource.class)
@Path("/admin{version: (/v2)?}/worker")
@Produces(MediaType.APPLICATION_JSON)
public final class WorkerResource implements RestResource {

    private final ClusterService cluster;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile AssignmentService assignments;

    // Optional: a worker configured through ConfigAdmin alone (no functions_worker.yml) has no report
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile EffectiveConfiguration configuration;

    @Activate
    public WorkerResource(@Reference ClusterService cluster) {
        this.cluster = cluster;
    }

    @GET
    @Path("/cluster")
    public List<WorkerInfo> getCluster() {
        return cluster.members();
    }

    /** Pulsar's {@code functions-worker get-function-assignments}: workerId to its fully qualified instance ids. */
    @GET
    @Path("/assignments")
    public Map<String, Collection<String>> getAssignments() {
        AssignmentService current = assignments;
        Map<String, Collection<String>> byWorker = new TreeMap<>();
        if (current != null) {
            current.assignments().forEach((instance, workerId) -> byWorker
                    .computeIfAbsent(workerId, id -> new TreeSet<>()).add(instance.fullyQualifiedName()));
        }
        return byWorker;
    }

    /**
     * Outrigger's own (issue 8): the configuration in force, each key with its value (secrets hidden), source and
     * class, when it was applied, and the last edit refused with its reasons. Superusers only (AccessRule).
     */
    @GET
    @Path("/config")
    public Map<String, Object> getConfig() {
        EffectiveConfiguration current = configuration;
        if (current == null) {
            throw new ErrorResponseException(404, "This worker was not configured from a functions_worker.yml");
        }
        EffectiveConfiguration.Snapshot snapshot = current.snapshot();
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("file", snapshot.file());
        body.put("appliedAt", snapshot.appliedAt() == null ? null : snapshot.appliedAt().toString());
        List<Map<String, Object>> keys = new java.util.ArrayList<>();
        for (EffectiveConfiguration.Entry entry : snapshot.entries()) {
            Map<String, Object> key = new java.util.LinkedHashMap<>();
            key.put("key", entry.key());
            key.put("value", entry.value());
            key.put("source", entry.source());
            key.put("class", entry.handling());
            if (entry.note() != null) {
                key.put("note", entry.note());
            }
            keys.add(key);
        }
        body.put("keys", keys);
        EffectiveConfiguration.Rejection rejected = snapshot.lastRejected();
        body.put("lastRejectedEdit", rejected == null ? null
                : Map.of("at", rejected.at().toString(), "reasons", rejected.reasons()));
        return body;
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
