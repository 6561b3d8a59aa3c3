package dev.outrigger.rest.internal;

import dev.outrigger.api.security.AccessControl;
import dev.outrigger.api.security.AuthenticationException;
import dev.outrigger.api.security.Caller;
import jakarta.annotation.Priority;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.Context;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First thing for every request: who is calling. Without the access control service (not configured yet, or its
 * bundle being updated) nothing is served; a request that no active provider authenticates gets Pulsar's 401
 * "Authentication required", whatever path it asked for. The caller is left in a request property for
 * {@link AuthorizationFilter}.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION - 200)
final class AuthenticationFilter implements ContainerRequestFilter {

    private static final Logger LOG = LoggerFactory.getLogger(AuthenticationFilter.class);
    static final String CALLER_PROPERTY = "outrigger.caller";
    static final String RULE_PROPERTY = "outrigger.accessRule";
    static final String AUTHENTICATION_REQUIRED = "Authentication required";

    private final Supplier<AccessControl> accessControl;

    @Context
    private HttpServletRequest servletRequest;

    AuthenticationFilter(Supplier<AccessControl> accessControl) {
        this.accessControl = accessControl;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        AccessControl current = accessControl.get();
        if (current == null) {
            request.abortWith(ErrorBody.response(503, ReadinessFilter.NOT_INITIALIZED));
            return;
        }
        HttpAuthenticationRequest credentials = new HttpAuthenticationRequest(request, servletRequest);
        String path = request.getUriInfo().getPath(false);
        // decided once per request: the authorization filter reads it from here
        AccessRule rule = AccessRule.of(request.getMethod(), path, current.authenticateMetricsEndpoint());
        request.setProperty(RULE_PROPERTY, rule);
        if (current.authenticationEnabled() && rule.kind() == AccessRule.Kind.OPEN) {
            request.setProperty(CALLER_PROPERTY, Caller.ANONYMOUS);
            return;
        }
        try {
            request.setProperty(CALLER_PROPERTY, current.authenticate(credentials));
        } catch (AuthenticationException e) {
            // the message may say which method failed and why, never the credentials themselves
            LOG.info("Refused {} {} from {}: {}", request.getMethod(), path, credentials.remoteAddress(),
                    e.getMessage());
            request.abortWith(ErrorBody.response(401, AUTHENTICATION_REQUIRED));
        }
    }
}
