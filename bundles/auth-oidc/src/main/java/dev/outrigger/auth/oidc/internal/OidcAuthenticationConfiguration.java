package dev.outrigger.auth.oidc.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Pulsar's OpenID Connect keys, which the configuration bundle copies from {@code properties} of
 * {@code functions_worker.yml} into {@code dev.outrigger.auth.oidc} (as strings, as Pulsar reads them from its
 * properties). Every value is a string here and parsed by {@link OidcSettings}, so that a malformed number is refused
 * with a message naming the key rather than turned into a default by the DS conversion. None is a secret.
 */
@ObjectClassDefinition(name = "Outrigger OpenID Connect authentication",
        description = "Pulsar's AuthenticationProviderOpenID: JWTs from allowed issuers, verified with their JWKS.")
@interface OidcAuthenticationConfiguration {

    @AttributeDefinition(required = false,
            description = "Issuers whose tokens are accepted, comma separated; the iss claim must be one of them."
                    + " Required.")
    String openIDAllowedTokenIssuers() default "";

    @AttributeDefinition(required = false,
            description = "Audiences this worker accepts, comma separated; a token's aud must contain one. Required.")
    String openIDAllowedAudiences() default "";

    @AttributeDefinition(required = false, description = "Claim holding the role (a string or a list of strings).")
    String openIDRoleClaim() default OidcSettings.ROLE_CLAIM_DEFAULT;

    @AttributeDefinition(required = false, description = "Clock skew allowed on exp, nbf and iat, in seconds.")
    String openIDAcceptedTimeLeewaySeconds() default "0";

    @AttributeDefinition(required = false, description = "How many issuers' keys are kept.")
    String openIDCacheSize() default "5";

    @AttributeDefinition(required = false,
            description = "Age after which an issuer's keys are refreshed in the background, in seconds.")
    String openIDCacheRefreshAfterWriteSeconds() default "64800";

    @AttributeDefinition(required = false,
            description = "Age after which an issuer's keys are no longer used without fetching them, in seconds.")
    String openIDCacheExpirationSeconds() default "86400";

    @AttributeDefinition(required = false, description = "Connect timeout towards the issuers, in milliseconds.")
    String openIDHttpConnectionTimeoutMillis() default "10000";

    @AttributeDefinition(required = false, description = "Read timeout towards the issuers, in milliseconds.")
    String openIDHttpReadTimeoutMillis() default "10000";

    @AttributeDefinition(required = false,
            description = "A token whose kid is not among the cached keys refreshes them at most this often, in"
                    + " seconds.")
    String openIDKeyIdCacheMissRefreshSeconds() default "300";

    @AttributeDefinition(required = false, description = "Refuse issuers whose URL is not https.")
    String openIDRequireIssuersUseHttps() default "true";

    @AttributeDefinition(required = false,
            description = "PEM file of the CA certificates trusted for the issuers' https; the JVM's when blank.")
    String openIDTokenIssuerTrustCertsFilePath() default "";

    @AttributeDefinition(required = false,
            description = "Pulsar's Kubernetes fallback discovery; only DISABLED is supported.")
    String openIDFallbackDiscoveryMode() default OidcSettings.FALLBACK_DISABLED;
}
