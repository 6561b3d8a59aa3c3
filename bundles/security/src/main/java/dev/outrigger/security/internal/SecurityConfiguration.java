package dev.outrigger.security.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Pulsar's worker security keys of {@code functions_worker.yml}, as the configuration bundle writes them. */
@ObjectClassDefinition(name = "Outrigger security", description = "Who may call the admin API.")
@interface SecurityConfiguration {

    @AttributeDefinition(description = "Whether every admin request must be authenticated.")
    boolean authenticationEnabled() default false;

    @AttributeDefinition(description = "Class names of the authentication providers to use, as in Pulsar "
            + "(e.g. org.apache.pulsar.broker.authentication.AuthenticationProviderToken); each is served by a bundle.")
    String[] authenticationProviders() default {};

    @AttributeDefinition(description = "Whether authenticated roles are checked against superusers, tenant admins "
            + "and namespace grants.")
    boolean authorizationEnabled() default false;

    @AttributeDefinition(description = "Class name of the authorization provider, as in Pulsar.")
    String authorizationProvider() default "org.apache.pulsar.broker.authorization.PulsarAuthorizationProvider";

    @AttributeDefinition(description = "Roles allowed everything, including the worker endpoints.")
    String[] superUserRoles() default {};

    @AttributeDefinition(description = "Roles of proxies, which pass the client's role in X-Original-Principal.")
    String[] proxyRoles() default {};

    @AttributeDefinition(description = "Whether /metrics needs an authenticated superuser too.")
    boolean authenticateMetricsEndpoint() default true;
}
