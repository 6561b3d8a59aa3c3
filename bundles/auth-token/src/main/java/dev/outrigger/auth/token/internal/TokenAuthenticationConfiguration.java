package dev.outrigger.auth.token.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Pulsar's token authentication keys, which the configuration bundle copies from {@code properties} of
 * {@code functions_worker.yml} into {@code dev.outrigger.auth.token}. DS maps a method name to a property name by
 * turning a single {@code _} into {@code .} (and {@code __} into {@code _}, dropping a single {@code $}):
 * {@code _tokenSecretKey()} reads {@code .tokenSecretKey}, a private property that never becomes a service property.
 */
@ObjectClassDefinition(name = "Outrigger token authentication",
        description = "Pulsar's AuthenticationProviderToken: JWTs signed with a secret or a private key.")
@interface TokenAuthenticationConfiguration {

    @AttributeDefinition(name = "tokenSecretKey", type = AttributeType.PASSWORD, required = false,
            description = "HMAC secret of HS256/HS384/HS512 tokens: data:;base64,..., file:///path, a path or base64."
                    + " Exclusive with tokenPublicKey.")
    String _tokenSecretKey() default "";

    @AttributeDefinition(required = false,
            description = "Public key of RS*/PS*/ES* tokens (X.509 SubjectPublicKeyInfo, DER): data:;base64,...,"
                    + " file:///path, a path or base64. Exclusive with tokenSecretKey.")
    String tokenPublicKey() default "";

    @AttributeDefinition(required = false,
            description = "Algorithm of tokenPublicKey, which picks the key type: RS*/PS* for RSA, ES* for EC.")
    String tokenPublicAlg() default "RS256";

    @AttributeDefinition(required = false, description = "Claim holding the role.")
    String tokenAuthClaim() default "sub";

    @AttributeDefinition(required = false,
            description = "Claim holding the token's audiences; aud when blank. Needs tokenAudience.")
    String tokenAudienceClaim() default "";

    @AttributeDefinition(required = false,
            description = "Audience this worker stands for: when set, a token's audiences must contain it.")
    String tokenAudience() default "";
}
