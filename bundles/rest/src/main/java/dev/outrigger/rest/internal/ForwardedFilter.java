package dev.outrigger.rest.internal;

import dev.outrigger.api.cluster.WorkerForwarding;
import jakarta.annotation.Priority;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;

/**
 * Marks the thread serving a request another worker forwarded ({@link WorkerForwarding#HEADER}), so that the core
 * answers it for itself instead of forwarding it again; set on every request, so a pooled thread never keeps an old
 * mark, and cleared with the response.
 */
@PreMatching
@Priority(0)
final class ForwardedFilter implements ContainerRequestFilter, ContainerResponseFilter {

    @Override
    public void filter(ContainerRequestContext request) {
        WorkerForwarding.mark("true".equalsIgnoreCase(request.getHeaderString(WorkerForwarding.HEADER)));
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        WorkerForwarding.mark(false);
    }
}
