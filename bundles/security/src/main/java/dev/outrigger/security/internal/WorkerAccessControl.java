package dev.outrigger.security.internal;

import dev.outrigger.api.config.ConfigurationPids;
import dev.outrigger.api.lifecycle.Lifecycle;
import dev.outrigger.api.metadata.ComponentType;
import dev.outrigger.api.security.AccessControl;
import dev.outrigger.api.security.AuthenticationException;
import dev.outrigger.api.security.AuthenticationProvider;
import dev.outrigger.api.security.AuthenticationRequest;
import dev.outrigger.api.security.AuthorizationException;
import dev.outrigger.api.security.AuthorizationProvider;
import dev.outrigger.api.security.Caller;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pulsar's worker's access rules over whichever provider services are present. A configuration change is applied in
 * place ({@link Modified}), so there is no moment without access control; a provider that goes away (its bundle is
 * updated or removed) just stops accepting, and a request naming its method gets 401, never a pass.
 */
@Component(configurationPid = ConfigurationPids.SECURITY, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = SecurityConfiguration.class)
public final class WorkerAccessControl implements AccessControl {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerAccessControl.class);

    /** Pulsar's header to pick one authentication method ({@code AuthenticationFilter}). */
    static final String METHOD_HEADER = "X-Pulsar-Auth-Method-Name";
    /** What a Pulsar proxy sends on behalf of its client. */
    static final String ORIGINAL_PRINCIPAL_HEADER = "X-Original-Principal";

    private final ProviderIndex<AuthenticationProvider> authenticators =
            new ProviderIndex<>(AuthenticationProvider.PULSAR_CLASS_NAMES);
    private final ProviderIndex<AuthorizationProvider> authorizers =
            new ProviderIndex<>(AuthorizationProvider.PULSAR_CLASS_NAMES);
    private volatile Policy policy;
    private StartupCheck startupCheck;

    @Reference(service = Consumer.class, target = Lifecycle.FATAL_ERROR_FILTER,
            cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile Consumer<String> fatalError;

    /** For unit tests; DS uses the activator below. */
    WorkerAccessControl(Policy policy) {
        this.policy = policy;
    }

    @Activate
    public WorkerAccessControl(BundleContext context, SecurityConfiguration config) {
        this(Policy.of(config));
        LOG.info("Admin API access: {}", describe(policy));
        startupCheck = new StartupCheck(context, this::missingProviders, reason -> {
            Consumer<String> consumer = fatalError;
            if (consumer != null) {
                consumer.accept(reason);
            }
        });
    }

    @Modified
    void modified(SecurityConfiguration config) {
        policy = Policy.of(config);
        LOG.info("Admin API access changed: {}", describe(policy));
        startupCheck.recheck();
    }

    @Deactivate
    void deactivate() {
        startupCheck.close();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addAuthenticationProvider(AuthenticationProvider provider, Map<String, Object> properties) {
        authenticators.add(provider, properties);
        LOG.info("Authentication provider '{}' available ({})", provider.authenticationMethod(),
                properties.get(AuthenticationProvider.PULSAR_CLASS_NAMES));
    }

    void removeAuthenticationProvider(AuthenticationProvider provider) {
        authenticators.remove(provider);
        LOG.info("Authentication provider '{}' gone", provider.authenticationMethod());
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addAuthorizationProvider(AuthorizationProvider provider, Map<String, Object> properties) {
        authorizers.add(provider, properties);
        LOG.info("Authorization provider available ({})", properties.get(AuthorizationProvider.PULSAR_CLASS_NAMES));
    }

    void removeAuthorizationProvider(AuthorizationProvider provider) {
        authorizers.remove(provider);
        LOG.info("Authorization provider gone");
    }

    @Override
    public boolean authenticationEnabled() {
        return policy.authenticationEnabled();
    }

    @Override
    public boolean authenticateMetricsEndpoint() {
        return policy.authenticationEnabled() && policy.authenticateMetricsEndpoint();
    }

    /** As Pulsar's {@code AuthenticationService.authenticateHttpRequest}, without an anonymous role. */
    @Override
    public Caller authenticate(AuthenticationRequest request) throws AuthenticationException {
        Policy current = policy;
        String originalPrincipal = request.header(ORIGINAL_PRINCIPAL_HEADER).filter(value -> !value.isBlank())
                .orElse(null);
        if (!current.authenticationEnabled()) {
            return new Caller(null, originalPrincipal, null);
        }
        List<AuthenticationProvider> providers = authenticators.forClasses(current.authenticationProviders());
        Optional<String> method = request.header(METHOD_HEADER).filter(value -> !value.isBlank());
        if (method.isPresent()) {
            // several providers may share a method (Pulsar's token and OpenID Connect providers are both "token"):
            // each is tried, as Pulsar tries them
            providers = providers.stream().filter(provider -> method.get().equals(provider.authenticationMethod()))
                    .toList();
            if (providers.isEmpty()) {
                throw new AuthenticationException("Unsupported authentication method: [" + method.get() + "]");
            }
        }
        AuthenticationException first = null;
        for (AuthenticationProvider provider : providers) {
            try {
                return new Caller(roleFrom(provider, request), originalPrincipal, provider.authenticationMethod());
            } catch (AuthenticationException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        throw first != null ? first : new AuthenticationException("No authentication provider of "
                + current.authenticationProviders() + " is active");
    }

    /** A provider's bug must not let a request through nor answer 500: it refuses, and the log says why. */
    private static String roleFrom(AuthenticationProvider provider, AuthenticationRequest request)
            throws AuthenticationException {
        String role;
        try {
            role = provider.authenticate(request);
        } catch (AuthenticationException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new AuthenticationException("Authentication provider '" + provider.authenticationMethod()
                    + "' failed: " + e, e);
        }
        if (role == null || role.isBlank()) {
            throw new AuthenticationException("Authentication provider '" + provider.authenticationMethod()
                    + "' returned no role");
        }
        return role;
    }

    @Override
    public void checkSuperUser(Caller caller, String operation) throws AuthorizationException {
        Policy current = policy;
        if (!current.authorizationEnabled()) {
            return;
        }
        boolean allowed = validOriginalPrincipal(current, caller) && current.isSuperUser(caller.role())
                && (!current.isProxyRole(caller.role()) || current.isSuperUser(caller.originalPrincipal()));
        if (!allowed) {
            throw notAuthorized(caller, operation);
        }
    }

    @Override
    public void checkComponentOperation(Caller caller, String tenant, String namespace, ComponentType type,
            String operation) throws AuthorizationException {
        Policy current = policy;
        if (!current.authorizationEnabled()) {
            return;
        }
        if (!validOriginalPrincipal(current, caller)) {
            throw notAuthorized(caller, operation);
        }
        boolean allowed = allowedOn(current, caller.role(), tenant, namespace, type)
                && (!current.isProxyRole(caller.role())
                        || allowedOn(current, caller.originalPrincipal(), tenant, namespace, type));
        if (!allowed) {
            throw notAuthorized(caller, operation);
        }
    }

    private boolean allowedOn(Policy current, String role, String tenant, String namespace, ComponentType type)
            throws AuthorizationException {
        if (role == null) {
            return false;
        }
        if (current.isSuperUser(role)) {
            return true;
        }
        AuthorizationProvider provider = authorizers.forClass(current.authorizationProvider())
                .orElseThrow(() -> new AuthorizationException("No authorization provider "
                        + current.authorizationProvider() + " is active; only superusers are let in"));
        return provider.isTenantAdmin(tenant, role)
                || provider.allowComponentOperation(tenant, namespace, type, role);
    }

    /**
     * Pulsar's rule ({@code AuthorizationService.isValidOriginalPrincipal}): a proxy role must name an original
     * principal that is not itself a proxy role, and no other role may name one other than itself.
     */
    static boolean validOriginalPrincipal(Policy current, Caller caller) {
        String original = caller.originalPrincipal();
        if (current.isProxyRole(caller.role())) {
            return original != null && !current.isProxyRole(original);
        }
        return original == null || original.equals(caller.role());
    }

    private static AuthorizationException notAuthorized(Caller caller, String operation) {
        return new AuthorizationException("Client with " + caller + " is not authorized to " + operation);
    }

    /** Class names the configuration needs that no provider serves now; empty when all are there. */
    List<String> missingProviders() {
        Policy current = policy;
        List<String> missing = new ArrayList<>();
        if (current.authenticationEnabled()) {
            missing.addAll(authenticators.missing(current.authenticationProviders()));
        }
        if (current.authorizationEnabled()) {
            missing.addAll(authorizers.missing(List.of(current.authorizationProvider())));
        }
        return missing;
    }

    private static String describe(Policy policy) {
        if (!policy.authenticationEnabled()) {
            return "authentication off (any client may call), authorization "
                    + (policy.authorizationEnabled() ? "on" : "off");
        }
        return "authentication by " + policy.authenticationProviders() + ", authorization "
                + (policy.authorizationEnabled()
                        ? "by " + policy.authorizationProvider() + " with superusers " + policy.superUserRoles()
                                + (policy.proxyRoles().isEmpty() ? "" : " and proxy roles " + policy.proxyRoles())
                        : "off (every authenticated role may do everything)");
    }
}
