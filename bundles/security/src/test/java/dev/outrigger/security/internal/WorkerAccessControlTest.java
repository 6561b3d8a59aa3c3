package dev.outrigger.security.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.outrigger.api.metadata.ComponentType;
import dev.outrigger.api.security.AuthenticationException;
import dev.outrigger.api.security.AuthenticationProvider;
import dev.outrigger.api.security.AuthenticationRequest;
import dev.outrigger.api.security.AuthorizationException;
import dev.outrigger.api.security.AuthorizationProvider;
import dev.outrigger.api.security.Caller;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkerAccessControlTest {

    private static final String TOKEN_CLASS = "org.apache.pulsar.broker.authentication.AuthenticationProviderToken";
    private static final String BASIC_CLASS = "org.apache.pulsar.broker.authentication.AuthenticationProviderBasic";
    private static final String AUTHZ_CLASS = "org.apache.pulsar.broker.authorization.PulsarAuthorizationProvider";

    /** Accepts "Bearer <role>" as its method's credentials: enough to tell which provider answered. */
    private record PrefixProvider(String method, String prefix) implements AuthenticationProvider {
        @Override
        public String authenticationMethod() {
            return method;
        }

        @Override
        public String authenticate(AuthenticationRequest request) throws AuthenticationException {
            String value = request.header("Authorization").orElseThrow(() -> new AuthenticationException("none"));
            if (!value.startsWith(prefix)) {
                throw new AuthenticationException("not " + method);
            }
            return value.substring(prefix.length());
        }
    }

    /** Tenant "t" is administered by "admin-of-t"; namespace t/ns grants "fn-user" the functions action. */
    private static final AuthorizationProvider POLICIES = new AuthorizationProvider() {
        @Override
        public boolean isTenantAdmin(String tenant, String role) {
            return tenant.equals("t") && role.equals("admin-of-t");
        }

        @Override
        public boolean allowComponentOperation(String tenant, String namespace, ComponentType type, String role) {
            return tenant.equals("t") && namespace.equals("ns") && type == ComponentType.FUNCTION
                    && role.equals("fn-user");
        }
    };

    private static AuthenticationRequest request(Map<String, String> headers) {
        return new AuthenticationRequest() {
            @Override
            public Optional<String> header(String name) {
                return Optional.ofNullable(headers.get(name));
            }

            @Override
            public List<X509Certificate> clientCertificates() {
                return List.of();
            }

            @Override
            public String remoteAddress() {
                return "127.0.0.1:1";
            }
        };
    }

    private static Policy secured(List<String> providers) {
        return new Policy(true, providers, true, AUTHZ_CLASS, Set.of("super"), Set.of("proxy"), true);
    }

    private static WorkerAccessControl withProviders(Policy policy) {
        WorkerAccessControl control = new WorkerAccessControl(policy);
        control.addAuthenticationProvider(new PrefixProvider("token", "Bearer "),
                Map.of(AuthenticationProvider.PULSAR_CLASS_NAMES, TOKEN_CLASS));
        control.addAuthenticationProvider(new PrefixProvider("basic", "Basic "),
                Map.of(AuthenticationProvider.PULSAR_CLASS_NAMES, new String[] {BASIC_CLASS}));
        control.addAuthorizationProvider(POLICIES, Map.of(AuthorizationProvider.PULSAR_CLASS_NAMES, AUTHZ_CLASS));
        return control;
    }

    @Test
    void authenticatesWithTheFirstConfiguredProviderThatAccepts() throws Exception {
        WorkerAccessControl control = withProviders(secured(List.of(TOKEN_CLASS, BASIC_CLASS)));
        Caller caller = control.authenticate(request(Map.of("Authorization", "Basic alice")));
        assertEquals("alice", caller.role());
        assertEquals("basic", caller.authenticationMethod());
    }

    @Test
    void aProviderTheConfigurationDoesNotNameIsNotUsed() {
        WorkerAccessControl control = withProviders(secured(List.of(TOKEN_CLASS)));
        assertThrows(AuthenticationException.class,
                () -> control.authenticate(request(Map.of("Authorization", "Basic alice"))));
    }

    @Test
    void noCredentialsNoEntry() {
        WorkerAccessControl control = withProviders(secured(List.of(TOKEN_CLASS)));
        assertThrows(AuthenticationException.class, () -> control.authenticate(request(Map.of())));
    }

    @Test
    void aMethodWithoutItsProviderIsRefusedNotPassed() {
        WorkerAccessControl control = new WorkerAccessControl(secured(List.of(TOKEN_CLASS)));
        AuthenticationException refused = assertThrows(AuthenticationException.class,
                () -> control.authenticate(request(Map.of("Authorization", "Bearer alice",
                        WorkerAccessControl.METHOD_HEADER, "token"))));
        assertEquals("Unsupported authentication method: [token]", refused.getMessage());
        assertThrows(AuthenticationException.class,
                () -> control.authenticate(request(Map.of("Authorization", "Bearer alice"))));
    }

    @Test
    void aRemovedProviderStopsAuthenticating() throws Exception {
        WorkerAccessControl control = new WorkerAccessControl(secured(List.of(TOKEN_CLASS)));
        PrefixProvider token = new PrefixProvider("token", "Bearer ");
        control.addAuthenticationProvider(token, Map.of(AuthenticationProvider.PULSAR_CLASS_NAMES, TOKEN_CLASS));
        assertEquals("alice", control.authenticate(request(Map.of("Authorization", "Bearer alice"))).role());
        control.removeAuthenticationProvider(token);
        assertThrows(AuthenticationException.class,
                () -> control.authenticate(request(Map.of("Authorization", "Bearer alice"))));
        assertEquals(List.of(TOKEN_CLASS, AUTHZ_CLASS), control.missingProviders());
    }

    @Test
    void aFailingProviderRefusesInsteadOfPassing() {
        WorkerAccessControl control = new WorkerAccessControl(secured(List.of(TOKEN_CLASS)));
        control.addAuthenticationProvider(new AuthenticationProvider() {
            @Override
            public String authenticationMethod() {
                return "token";
            }

            @Override
            public String authenticate(AuthenticationRequest request) {
                throw new IllegalStateException("bug");
            }
        }, Map.of(AuthenticationProvider.PULSAR_CLASS_NAMES, TOKEN_CLASS));
        assertThrows(AuthenticationException.class,
                () -> control.authenticate(request(Map.of("Authorization", "Bearer alice"))));
    }

    @Test
    void withAuthenticationOffEveryoneIsAnonymous() throws Exception {
        WorkerAccessControl control = new WorkerAccessControl(
                new Policy(false, List.of(), false, AUTHZ_CLASS, Set.of(), Set.of(), true));
        assertEquals(null, control.authenticate(request(Map.of())).role());
        assertDoesNotThrow(() -> control.checkSuperUser(Caller.ANONYMOUS, "GET /admin/v2/worker/cluster"));
        assertEquals(List.of(), control.missingProviders());
    }

    @Test
    void superUsersOnly() {
        WorkerAccessControl control = withProviders(secured(List.of(TOKEN_CLASS)));
        assertDoesNotThrow(() -> control.checkSuperUser(new Caller("super", null, "token"), "op"));
        AuthorizationException refused = assertThrows(AuthorizationException.class,
                () -> control.checkSuperUser(new Caller("fn-user", null, "token"), "op"));
        assertEquals("Client with role [fn-user] is not authorized to op", refused.getMessage());
        assertThrows(AuthorizationException.class, () -> control.checkSuperUser(Caller.ANONYMOUS, "op"));
    }

    @Test
    void namespaceOperationsForSuperusersTenantAdminsAndGrantedRoles() {
        WorkerAccessControl control = withProviders(secured(List.of(TOKEN_CLASS)));
        for (String role : List.of("super", "admin-of-t", "fn-user")) {
            assertDoesNotThrow(() -> control.checkComponentOperation(new Caller(role, null, "token"), "t", "ns",
                    ComponentType.FUNCTION, "op"), role);
        }
        assertThrows(AuthorizationException.class, () -> control.checkComponentOperation(
                new Caller("fn-user", null, "token"), "t", "ns", ComponentType.SINK, "op"));
        assertThrows(AuthorizationException.class, () -> control.checkComponentOperation(
                new Caller("fn-user", null, "token"), "t", "other", ComponentType.FUNCTION, "op"));
        assertThrows(AuthorizationException.class, () -> control.checkComponentOperation(
                new Caller("admin-of-t", null, "token"), "u", "ns", ComponentType.FUNCTION, "op"));
    }

    @Test
    void proxyRoleAndOriginalPrincipalMustBothBeAllowed() {
        Policy policy = new Policy(true, List.of(TOKEN_CLASS), true, AUTHZ_CLASS, Set.of("super", "proxy"),
                Set.of("proxy"), true);
        WorkerAccessControl control = withProviders(policy);
        assertDoesNotThrow(() -> control.checkComponentOperation(new Caller("proxy", "fn-user", "token"), "t", "ns",
                ComponentType.FUNCTION, "op"));
        assertThrows(AuthorizationException.class, () -> control.checkComponentOperation(
                new Caller("proxy", "stranger", "token"), "t", "ns", ComponentType.FUNCTION, "op"));
        assertThrows(AuthorizationException.class, () -> control.checkComponentOperation(
                new Caller("proxy", null, "token"), "t", "ns", ComponentType.FUNCTION, "op"));
        assertThrows(AuthorizationException.class,
                () -> control.checkSuperUser(new Caller("proxy", "fn-user", "token"), "op"));
        assertDoesNotThrow(() -> control.checkSuperUser(new Caller("proxy", "super", "token"), "op"));
    }

    @Test
    void anOriginalPrincipalFromARoleThatIsNotAProxyIsRefused() {
        WorkerAccessControl control = withProviders(secured(List.of(TOKEN_CLASS)));
        assertThrows(AuthorizationException.class, () -> control.checkComponentOperation(
                new Caller("fn-user", "super", "token"), "t", "ns", ComponentType.FUNCTION, "op"));
        assertThrows(AuthorizationException.class,
                () -> control.checkSuperUser(new Caller("fn-user", "super", "token"), "op"));
        // naming itself is allowed, as Pulsar allows it for the admin API
        assertDoesNotThrow(() -> control.checkComponentOperation(new Caller("fn-user", "fn-user", "token"), "t",
                "ns", ComponentType.FUNCTION, "op"));
    }

    @Test
    void withoutTheAuthorizationProviderOnlySuperusersGetIn() {
        WorkerAccessControl control = new WorkerAccessControl(secured(List.of(TOKEN_CLASS)));
        assertDoesNotThrow(() -> control.checkComponentOperation(new Caller("super", null, "token"), "t", "ns",
                ComponentType.FUNCTION, "op"));
        assertThrows(AuthorizationException.class, () -> control.checkComponentOperation(
                new Caller("fn-user", null, "token"), "t", "ns", ComponentType.FUNCTION, "op"));
        assertEquals(List.of(TOKEN_CLASS, AUTHZ_CLASS), control.missingProviders());
    }

    @Test
    void providersSharingAMethodAreEachTriedWhenTheClientNamesIt() throws Exception {
        String oidcClass = "org.apache.pulsar.broker.authentication.oidc.AuthenticationProviderOpenID";
        WorkerAccessControl control = new WorkerAccessControl(secured(List.of(TOKEN_CLASS, oidcClass)));
        control.addAuthenticationProvider(new PrefixProvider("token", "Bearer hs."),
                Map.of(AuthenticationProvider.PULSAR_CLASS_NAMES, TOKEN_CLASS));
        control.addAuthenticationProvider(new PrefixProvider("token", "Bearer rs."),
                Map.of(AuthenticationProvider.PULSAR_CLASS_NAMES, oidcClass));
        assertEquals("alice", control.authenticate(request(Map.of("Authorization", "Bearer rs.alice",
                WorkerAccessControl.METHOD_HEADER, "token"))).role());
        assertEquals("bob", control.authenticate(request(Map.of("Authorization", "Bearer hs.bob",
                WorkerAccessControl.METHOD_HEADER, "token"))).role());
        assertThrows(AuthenticationException.class, () -> control.authenticate(request(Map.of(
                "Authorization", "Bearer xx.eve", WorkerAccessControl.METHOD_HEADER, "token"))));
    }
}
