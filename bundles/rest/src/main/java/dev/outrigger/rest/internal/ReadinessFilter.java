package dev.outrigger.rest.internal;

import dev.outrigger.api.cluster.ClusterService;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Until the worker has joined its cluster, every admin call answers what Pulsar's worker answers then: 503 with
 * "not done initializing". Only the endpoints that describe the process itself stay open.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION - 100)
final class ReadinessFilter implements ContainerRequestFilter {

    static final String NOT_INITIALIZED =
            "Function worker service is not done initializing. Please try again in a little while.";

    private static final Set<String> ALWAYS_OPEN = Set.of("version", "metrics");

    private final Supplier<ClusterService> cluster;

    ReadinessFilter(Supplier<ClusterService> cluster) {
        this.cluster = cluster;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath(false);
        if (path.startsWith("/")) {
            path = path.substring(1);
        }
        if (ALWAYS_OPEN.contains(path)) {
            return;
        }
        ClusterService current = cluster.get();
        if (current == null || !current.isInitialized()) {
            request.abortWith(ErrorBody.response(503, NOT_INITIALIZED));
        }
    }
}
