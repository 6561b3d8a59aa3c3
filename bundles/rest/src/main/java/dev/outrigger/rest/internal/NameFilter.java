package dev.outrigger.rest.internal;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.PathSegment;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Tenant, namespace and function names in {@code /admin/v3/functions/{tenant}/{namespace}/{name}/...} must follow
 * Pulsar's NamedEntity rule; anything else (a space, {@code %}, {@code ?}, {@code #}, an encoded {@code /}) is a 400
 * with Pulsar's message before authorization, the broker or storage see the name.
 */
@PreMatching
@Priority(Priorities.AUTHORIZATION - 1)
final class NameFilter implements ContainerRequestFilter {

    /** Pulsar's {@code NamedEntity} rule, as the config bundle's {@code Rules} holds it. */
    private static final Pattern NAME = Pattern.compile("[-=:.\\w]+");
    private static final List<String> PREFIX = List.of("admin", "v3", "functions");
    /** {@code /admin/v3/functions/upload} and {@code /download}: not a tenant. */
    private static final Set<String> BY_PATH = Set.of("upload", "download");

    @Override
    public void filter(ContainerRequestContext request) {
        List<PathSegment> segments = request.getUriInfo().getPathSegments(true);
        int start = 0;
        while (start < segments.size() && segments.get(start).getPath().isEmpty()) {
            start++;
        }
        if (segments.size() - start < PREFIX.size() + 1) {
            return;
        }
        for (int i = 0; i < PREFIX.size(); i++) {
            if (!PREFIX.get(i).equals(segments.get(start + i).getPath())) {
                return;
            }
        }
        int first = start + PREFIX.size();
        if (segments.size() - first == 1 && BY_PATH.contains(segments.get(first).getPath())) {
            return;
        }
        for (int i = first; i < Math.min(first + 3, segments.size()); i++) {
            String name = segments.get(i).getPath();
            // an empty segment (a trailing slash) is left to routing
            if (!name.isEmpty() && !NAME.matcher(name).matches()) {
                request.abortWith(ErrorBody.response(400, "Invalid named entity: " + name));
                return;
            }
        }
    }
}
