package dev.outrigger.api.security;

import dev.outrigger.api.metadata.ComponentType;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The one place that decides who may call the admin API, configured by Pulsar's {@code authenticationEnabled},
 * {@code authenticationProviders}, {@code authorizationEnabled}, {@code superUserRoles} and {@code proxyRoles}. Absent
 * until its configuration is read: the REST edge serves nothing without it.
 */
@ProviderType
public interface AccessControl {

    /** @return whether requests must be authenticated (Pulsar's {@code authenticationEnabled}) */
    boolean authenticationEnabled();

    /** @return whether {@code /metrics} needs a superuser too (Pulsar's {@code authenticateMetricsEndpoint}) */
    boolean authenticateMetricsEndpoint();

    /**
     * @return the caller; {@link Caller#ANONYMOUS} with the proxy's header when authentication is off
     * @throws AuthenticationException if authentication is on and no active provider accepts the request; a request
     *     naming a method no provider serves is refused, never let through
     */
    Caller authenticate(AuthenticationRequest request) throws AuthenticationException;

    /**
     * Pulsar's superuser check ({@code /admin/v2/worker/*}, worker stats, uploads by path, the internal leader
     * endpoint); a proxy role and its original principal must both be superusers. Passes when authorization is off.
     */
    void checkSuperUser(Caller caller, String operation) throws AuthorizationException;

    /**
     * Pulsar's {@code allowFunctionOps}/{@code allowSourceOps}/{@code allowSinkOps} on a namespace: a superuser, an
     * admin of the tenant or a role granted the action; a proxy role and its original principal must both be allowed.
     * Passes when authorization is off.
     */
    void checkComponentOperation(Caller caller, String tenant, String namespace, ComponentType type,
            String operation) throws AuthorizationException;
}
