package dev.outrigger.security.internal;

import java.util.List;
import java.util.Set;

/** One configuration of {@link WorkerAccessControl}, immutable, swapped whole on a change. */
record Policy(
        boolean authenticationEnabled,
        List<String> authenticationProviders,
        boolean authorizationEnabled,
        String authorizationProvider,
        Set<String> superUserRoles,
        Set<String> proxyRoles,
        boolean authenticateMetricsEndpoint) {

    static Policy of(SecurityConfiguration config) {
        return new Policy(
                config.authenticationEnabled(),
                trimmed(config.authenticationProviders()),
                config.authorizationEnabled(),
                config.authorizationProvider().trim(),
                Set.copyOf(trimmed(config.superUserRoles())),
                Set.copyOf(trimmed(config.proxyRoles())),
                config.authenticateMetricsEndpoint());
    }

    /** Pulsar's lists come from comma-separated strings too: blanks are dropped, duplicates kept once. */
    private static List<String> trimmed(String[] values) {
        return values == null ? List.of()
                : java.util.Arrays.stream(values).map(String::trim).filter(value -> !value.isEmpty()).distinct()
                        .toList();
    }

    boolean isSuperUser(String role) {
        return role != null && superUserRoles.contains(role);
    }

    boolean isProxyRole(String role) {
        return role != null && proxyRoles.contains(role);
    }
}
