package dev.outrigger.rest.internal;

import dev.outrigger.api.security.AccessControl;
import dev.outrigger.api.security.AuthorizationException;
import dev.outrigger.api.security.Caller;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After authentication and readiness: may this caller do this? The rule comes from {@link AccessRule}, the decision
 * from the access control service. Refusals answer as Pulsar's worker does, 401 "Client is not authorized to perform
 * operation"; a check that could not be made (brokers unreachable) answers 503 and lets nothing through.
 */
@PreMatching
@Priority(Priorities.AUTHORIZATION)
final class AuthorizationFilter implements ContainerRequestFilter {

    private static final Logger LOG = LoggerFactory.getLogger(AuthorizationFilter.class);
    static final String NOT_AUTHORIZED = "Client is not authorized to perform operation";

    private final Supplier<AccessControl> accessControl;

    AuthorizationFilter(Supplier<AccessControl> accessControl) {
        this.accessControl = accessControl;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        AccessControl current = accessControl.get();
        Object caller = request.getProperty(AuthenticationFilter.CALLER_PROPERTY);
        if (current == null || !(caller instanceof Caller authenticated)) {
            request.abortWith(ErrorBody.response(503, ReadinessFilter.NOT_INITIALIZED));
            return;
        }
        String path = request.getUriInfo().getPath(false);
        AccessRule rule = request.getProperty(AuthenticationFilter.RULE_PROPERTY) instanceof AccessRule decided
                ? decided : AccessRule.of(request.getMethod(), path, current.authenticateMetricsEndpoint());
        String operation = request.getMethod() + " /" + (path.startsWith("/") ? path.substring(1) : path);
        try {
            switch (rule.kind()) {
                case OPEN, AUTHENTICATED -> {
                    // authentication already did what these need
                }
                case SUPERUSER -> current.checkSuperUser(authenticated, operation);
                case COMPONENT -> current.checkComponentOperation(authenticated, rule.tenant(), rule.namespace(),
                        rule.type(), operation);
            }
        } catch (AuthorizationException e) {
            if (e.getCause() != null) {
                LOG.warn("Cannot check whether {} may {}: {}", authenticated, operation, e.getMessage());
                request.abortWith(ErrorBody.response(503, "Authorization could not be checked, please try again"));
            } else {
                LOG.info("{}", e.getMessage());
                request.abortWith(ErrorBody.response(401, NOT_AUTHORIZED));
            }
        }
    }
}
