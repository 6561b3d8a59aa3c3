package dev.outrigger.rest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.outrigger.api.metadata.ComponentType;
import dev.outrigger.rest.internal.AccessRule.Kind;
import org.junit.jupiter.api.Test;

class AccessRuleTest {

    private static Kind kind(String method, String path) {
        return AccessRule.of(method, path, true).kind();
    }

    @Test
    void workerEndpointsAreForSuperusers() {
        assertEquals(Kind.SUPERUSER, kind("GET", "admin/v2/worker/cluster"));
        assertEquals(Kind.SUPERUSER, kind("GET", "/admin/worker/assignments"));
        assertEquals(Kind.SUPERUSER, kind("GET", "admin/v2/worker-stats/functionsmetrics"));
        assertEquals(Kind.SUPERUSER, kind("PUT", "admin/v2/worker/rebalance"));
        assertEquals(Kind.AUTHENTICATED, kind("GET", "admin/v2/worker/cluster/leader/ready"));
    }

    @Test
    void componentPathsNameTheirNamespace() {
        AccessRule rule = AccessRule.of("POST", "admin/v3/functions/t/ns/f", true);
        assertEquals(new AccessRule(Kind.COMPONENT, ComponentType.FUNCTION, "t", "ns"), rule);
        assertEquals(new AccessRule(Kind.COMPONENT, ComponentType.SINK, "t", "ns"),
                AccessRule.of("GET", "admin/v3/sink/t/ns", true));
        assertEquals(new AccessRule(Kind.COMPONENT, ComponentType.SOURCE, "t", "ns"),
                AccessRule.of("POST", "admin/v3/sources/t/ns/s/0/restart", true));
        assertEquals(new AccessRule(Kind.COMPONENT, ComponentType.FUNCTION, "t", "ns"),
                AccessRule.of("GET", "admin/v2/functions/t/ns/f", true));
        // a tenant called "leader" is a tenant like any other, except for the leader's internal PUT
        assertEquals(new AccessRule(Kind.COMPONENT, ComponentType.FUNCTION, "leader", "ns"),
                AccessRule.of("GET", "admin/v3/functions/leader/ns/f", true));
        assertEquals(Kind.SUPERUSER, kind("PUT", "admin/v3/functions/leader/t/ns/f"));
    }

    @Test
    void uploadsDownloadsByPathAndReloadsAreForSuperusers() {
        assertEquals(Kind.SUPERUSER, kind("POST", "admin/v3/functions/upload"));
        assertEquals(Kind.SUPERUSER, kind("GET", "admin/v3/functions/download"));
        assertEquals(Kind.SUPERUSER, kind("POST", "admin/v3/functions/builtins/reload"));
        assertEquals(Kind.SUPERUSER, kind("POST", "admin/v3/sources/reloadBuiltInSources"));
        assertEquals(Kind.AUTHENTICATED, kind("GET", "admin/v3/functions/connectors"));
        assertEquals(Kind.AUTHENTICATED, kind("GET", "admin/v3/sinks/builtinsinks"));
        assertEquals(Kind.AUTHENTICATED, kind("GET", "admin/v3/sources/builtinsources/gen/configdefinition"));
    }

    @Test
    void rootEndpointsFollowAuthenticateMetricsEndpoint() {
        assertEquals(Kind.SUPERUSER, kind("GET", "metrics"));
        assertEquals(Kind.AUTHENTICATED, kind("GET", "version"));
        assertEquals(Kind.AUTHENTICATED, kind("GET", "/initialized"));
        assertEquals(Kind.OPEN, AccessRule.of("GET", "metrics", false).kind());
        assertEquals(Kind.OPEN, AccessRule.of("GET", "version", false).kind());
    }

    @Test
    void anythingElseIsClosed() {
        assertEquals(Kind.SUPERUSER, kind("GET", ""));
        assertEquals(Kind.SUPERUSER, kind("GET", "admin/v3/functions"));
        assertEquals(Kind.SUPERUSER, kind("GET", "admin/v3/functions/t"));
        assertEquals(Kind.SUPERUSER, kind("GET", "admin/v2/namespaces/public"));
        assertEquals(Kind.SUPERUSER, kind("GET", "somewhere/else"));
    }
}
