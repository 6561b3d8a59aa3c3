package dev.outrigger.authz.pulsar.internal;

import dev.outrigger.api.metadata.ComponentType;
import dev.outrigger.api.security.AuthorizationException;
import dev.outrigger.api.security.AuthorizationProvider;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.common.policies.data.AuthAction;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Pulsar's {@code PulsarAuthorizationProvider} as the worker uses it: a role administers a tenant when the tenant's
 * {@code adminRoles} list it; it may manage a namespace's functions, sources or sinks when the namespace grants it the
 * {@code functions}, {@code sources} or {@code sinks} action. Read through the worker's admin client of the brokers
 * (whose role must be allowed to read tenants and namespace permissions, as a superuser is), cached for a few
 * seconds. A tenant or namespace that does not exist grants nothing.
 */
@Component(property = AuthorizationProvider.PULSAR_CLASS_NAMES
        + "=org.apache.pulsar.broker.authorization.PulsarAuthorizationProvider")
public final class PulsarPolicyAuthorization implements AuthorizationProvider {

    static final long CACHE_SECONDS = 5;
    private static final long TIMEOUT_SECONDS = 10;
    private static final int MAX_CACHED = 10_000;

    private final PulsarAdmin admin;
    private final ExpiringCache<String, Set<String>> tenantAdmins =
            new ExpiringCache<>(TimeUnit.SECONDS.toNanos(CACHE_SECONDS), MAX_CACHED, System::nanoTime);
    private final ExpiringCache<String, Map<String, Set<AuthAction>>> grants =
            new ExpiringCache<>(TimeUnit.SECONDS.toNanos(CACHE_SECONDS), MAX_CACHED, System::nanoTime);

    @Activate
    public PulsarPolicyAuthorization(@Reference PulsarAdmin admin) {
        this.admin = admin;
    }

    @Override
    public boolean isTenantAdmin(String tenant, String role) throws AuthorizationException {
        return tenantAdmins.get(tenant, this::loadTenantAdmins).contains(role);
    }

    @Override
    public boolean allowComponentOperation(String tenant, String namespace, ComponentType type, String role)
            throws AuthorizationException {
        Set<AuthAction> actions = grants.get(tenant + "/" + namespace, this::loadGrants).get(role);
        return actions != null && actions.contains(action(type));
    }

    static AuthAction action(ComponentType type) {
        return switch (type) {
            case FUNCTION -> AuthAction.functions;
            case SOURCE -> AuthAction.sources;
            case SINK -> AuthAction.sinks;
        };
    }

    private Set<String> loadTenantAdmins(String tenant) throws AuthorizationException {
        try {
            return Set.copyOf(admin.tenants().getTenantInfoAsync(tenant).get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .getAdminRoles());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof PulsarAdminException.NotFoundException) {
                return Set.of();
            }
            throw unavailable("the admins of tenant " + tenant, e.getCause());
        } catch (TimeoutException e) {
            throw unavailable("the admins of tenant " + tenant, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("the admins of tenant " + tenant, e);
        }
    }

    private Map<String, Set<AuthAction>> loadGrants(String namespace) throws AuthorizationException {
        try {
            Map<String, Set<AuthAction>> permissions =
                    admin.namespaces().getPermissionsAsync(namespace).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return permissions == null ? Map.of() : Map.copyOf(permissions);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof PulsarAdminException.NotFoundException) {
                return Map.of();
            }
            throw unavailable("the permissions of namespace " + namespace, e.getCause());
        } catch (TimeoutException e) {
            throw unavailable("the permissions of namespace " + namespace, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("the permissions of namespace " + namespace, e);
        }
    }

    private static AuthorizationException unavailable(String what, Throwable cause) {
        return new AuthorizationException("Cannot read " + what + " from the brokers: " + cause, cause);
    }
}
