package dev.outrigger.rest.internal;

import dev.outrigger.api.metadata.ComponentType;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What a request needs, decided from its method and path alone (before matching, so an unknown path is refused like
 * any other): Pulsar's worker checks superusers for the worker endpoints, uploads and downloads by path, the leader's
 * internal write and the reloads, and namespace grants for everything under {@code {tenant}/{namespace}}. Anything
 * not listed needs a superuser: new endpoints are closed until someone opens them here.
 *
 * @param kind the check
 * @param type for {@link Kind#COMPONENT}: functions, sources or sinks
 * @param tenant for {@link Kind#COMPONENT}
 * @param namespace for {@link Kind#COMPONENT}
 */
record AccessRule(Kind kind, ComponentType type, String tenant, String namespace) {

    enum Kind {
        /** Anyone, even unauthenticated. */
        OPEN,
        /** Any authenticated role. */
        AUTHENTICATED,
        /** A superuser (or a proxy role together with a superuser as original principal). */
        SUPERUSER,
        /** A role allowed to manage the namespace's functions, sources or sinks. */
        COMPONENT
    }

    private static final AccessRule OPEN = new AccessRule(Kind.OPEN, null, null, null);
    private static final AccessRule AUTHENTICATED = new AccessRule(Kind.AUTHENTICATED, null, null, null);
    private static final AccessRule SUPERUSER = new AccessRule(Kind.SUPERUSER, null, null, null);

    /** The component roots of {@code /admin/v3} (with Pulsar's deprecated singular aliases) and of the v2 API. */
    private static final Map<String, ComponentType> V3_ROOTS = Map.of(
            "functions", ComponentType.FUNCTION, "function", ComponentType.FUNCTION,
            "sources", ComponentType.SOURCE, "source", ComponentType.SOURCE,
            "sinks", ComponentType.SINK, "sink", ComponentType.SINK);

    /**
     * @param method the HTTP method
     * @param path the request path without the context, e.g. {@code admin/v3/functions/public/default/f}
     * @param rootEndpointsAuthenticated Pulsar's {@code authenticateMetricsEndpoint}: whether {@code /metrics},
     *     {@code /version} and {@code /initialized} need credentials
     */
    static AccessRule of(String method, String path, boolean rootEndpointsAuthenticated) {
        List<String> segments = Arrays.stream(path.split("/")).filter(segment -> !segment.isEmpty()).toList();
        if (segments.size() == 1) {
            switch (segments.get(0)) {
                case "metrics" -> {
                    return rootEndpointsAuthenticated ? SUPERUSER : OPEN;
                }
                case "version", "initialized" -> {
                    return rootEndpointsAuthenticated ? AUTHENTICATED : OPEN;
                }
                default -> {
                    return SUPERUSER;
                }
            }
        }
        if (segments.size() < 2 || !segments.get(0).equals("admin")) {
            return SUPERUSER;
        }
        int base = segments.get(1).equals("v2") || segments.get(1).equals("v3") ? 2 : 1;
        if (segments.size() <= base) {
            return SUPERUSER;
        }
        String root = segments.get(base);
        List<String> rest = segments.subList(base + 1, segments.size());
        if (root.equals("worker") || root.equals("worker-stats")) {
            // Pulsar's leader/ready has no superuser check: load balancers probe it
            return root.equals("worker") && rest.equals(List.of("cluster", "leader", "ready")) ? AUTHENTICATED
                    : SUPERUSER;
        }
        ComponentType type = V3_ROOTS.get(root);
        if (type == null) {
            return SUPERUSER;
        }
        return componentRule(method, type, rest);
    }

    private static AccessRule componentRule(String method, ComponentType type, List<String> rest) {
        if (rest.size() == 1) {
            return switch (rest.get(0)) {
                case "connectors", "builtins", "builtinsources", "builtinsinks" ->
                        "GET".equals(method) ? AUTHENTICATED : SUPERUSER;
                default -> SUPERUSER; // upload, download?path=, the reloads and anything unknown
            };
        }
        if (rest.size() == 2 && "POST".equals(method) && rest.equals(List.of("builtins", "reload"))) {
            return SUPERUSER;
        }
        if (rest.size() == 3 && "GET".equals(method)
                && (rest.get(0).equals("builtinsources") || rest.get(0).equals("builtinsinks"))
                && rest.get(2).equals("configdefinition")) {
            return AUTHENTICATED;
        }
        if (rest.size() == 4 && "PUT".equals(method) && rest.get(0).equals("leader")) {
            return SUPERUSER; // the leader's internal write: workers only
        }
        if (rest.size() >= 2) {
            return new AccessRule(Kind.COMPONENT, type, rest.get(0), rest.get(1));
        }
        return SUPERUSER;
    }
}
