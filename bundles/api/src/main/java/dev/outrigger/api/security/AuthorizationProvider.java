package dev.outrigger.api.security;

import dev.outrigger.api.metadata.ComponentType;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Who may manage the functions, sources and sinks of a namespace, beyond the superusers (which {@link AccessControl}
 * answers from {@code superUserRoles} itself). The worker uses the provider whose {@link #PULSAR_CLASS_NAMES} lists
 * Pulsar's {@code authorizationProvider} key (by default
 * {@code org.apache.pulsar.broker.authorization.PulsarAuthorizationProvider}). Calls may block on the brokers;
 * implementations bound that time and cache.
 */
@ConsumerType
public interface AuthorizationProvider {

    /** Service property ({@code String} or {@code String[]}): the {@code authorizationProvider} class names served. */
    String PULSAR_CLASS_NAMES = "outrigger.security.pulsarClassNames";

    /**
     * @return whether {@code role} administers {@code tenant}
     * @throws AuthorizationException if the answer cannot be had (the caller is then refused)
     */
    boolean isTenantAdmin(String tenant, String role) throws AuthorizationException;

    /**
     * Pulsar's {@code allowFunctionOps}, {@code allowSourceOps} and {@code allowSinkOps}: tenant admins and roles
     * granted the {@code functions}, {@code sources} or {@code sinks} action on the namespace.
     *
     * @throws AuthorizationException if the answer cannot be had (the caller is then refused)
     */
    boolean allowComponentOperation(String tenant, String namespace, ComponentType type, String role)
            throws AuthorizationException;
}
