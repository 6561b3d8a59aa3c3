package dev.outrigger.api.security;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * One authentication method (token, TLS client certificate, basic, OpenID Connect, a third party's own), registered as
 * a service by the bundle that implements it. Which providers the worker uses is Pulsar's {@code
 * authenticationProviders} key: a provider is used when one of the class names in its {@link #PULSAR_CLASS_NAMES}
 * service property is listed there, so an operator's {@code functions_worker.yml} written for Pulsar picks the
 * matching bundle. Implementations must be thread-safe: every admin request calls them.
 */
@ConsumerType
public interface AuthenticationProvider {

    /**
     * Service property ({@code String} or {@code String[]}): the class names of {@code authenticationProviders} this
     * provider stands for, e.g. {@code org.apache.pulsar.broker.authentication.AuthenticationProviderToken}. A third
     * party's provider names its own class.
     */
    String PULSAR_CLASS_NAMES = "outrigger.security.pulsarClassNames";

    /**
     * @return Pulsar's name of the method ({@code token}, {@code tls}, {@code basic}, ...): what a client names in the
     *     {@code X-Pulsar-Auth-Method-Name} header to pick this provider
     */
    String authenticationMethod();

    /**
     * @param request the credentials the client presented
     * @return the role the credentials prove, never null or blank
     * @throws AuthenticationException if the request carries no credentials of this method, or they are not valid;
     *     the message is logged, never sent to the client, and must hold no secret
     */
    String authenticate(AuthenticationRequest request) throws AuthenticationException;
}
