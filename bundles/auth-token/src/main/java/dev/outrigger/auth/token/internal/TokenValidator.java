package dev.outrigger.auth.token.internal;

import dev.outrigger.auth.support.ConfigSource;
import dev.outrigger.auth.support.Reloadable;
import static dev.outrigger.auth.token.internal.TokenSettings.isSet;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.outrigger.api.security.AuthenticationException;
import java.io.IOException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Validates tokens as Pulsar 4.0's {@code AuthenticationProviderToken} does: a signed JWT (never {@code alg: none}),
 * an algorithm the configured key is for, a valid signature, {@code exp} and {@code nbf} with no clock skew (jjwt's
 * default), the audience when {@code tokenAudience} is set, and the role from {@code tokenAuthClaim} (a string, or
 * the first element of a list of strings). Messages never quote the token.
 */
final class TokenValidator {

    private static final Set<JWSAlgorithm> RSA_ALGORITHMS = JWSAlgorithm.Family.RSA;
    private static final Set<JWSAlgorithm> EC_ALGORITHMS = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384,
            JWSAlgorithm.ES512);

    private final Reloadable<ValidationKey> key;
    private final String roleClaim;
    private final String audienceClaim;
    private final String audience;
    private final Clock clock;

    /**
     * @throws IllegalArgumentException if the settings are not usable; the message names the key, never a secret
     * @throws IOException if the key file cannot be read
     */
    TokenValidator(TokenSettings settings, Clock clock, LongSupplier ticker) throws IOException {
        this.clock = clock;
        boolean secret = isSet(settings.secretKey());
        boolean publicKey = isSet(settings.publicKey());
        if (secret && publicKey) {
            throw new IllegalArgumentException("tokenSecretKey and tokenPublicKey are both set: set tokenSecretKey"
                    + " for HS256/HS384/HS512 tokens or tokenPublicKey for RS*, PS* and ES* tokens, not both");
        }
        if (!secret && !publicKey) {
            throw new IllegalArgumentException("token authentication needs a key: set tokenSecretKey (HMAC) or"
                    + " tokenPublicKey (RSA or EC) in properties");
        }
        // Pulsar parses tokenPublicAlg whichever key is set
        ValidationKey.PublicKeyType type = publicKeyType(settings.publicAlg());
        ConfigSource source;
        Reloadable.Loader<ValidationKey> loader;
        if (secret) {
            source = ConfigSource.parse("tokenSecretKey", settings.secretKey().strip());
            loader = ValidationKey::hmac;
        } else {
            if (type == null) {
                throw new IllegalArgumentException("tokenPublicAlg " + settings.publicAlg()
                        + " is not a public-key algorithm: use RS256/384/512, PS256/384/512 (RSA keys) or"
                        + " ES256/384/512 (EC keys)");
            }
            source = ConfigSource.parse("tokenPublicKey", settings.publicKey().strip());
            loader = bytes -> ValidationKey.publicKey(bytes, type);
        }
        this.key = new Reloadable<>(source, loader, ticker);
        this.roleClaim = isSet(settings.authClaim()) ? settings.authClaim().strip() : "sub";
        this.audience = isSet(settings.audience()) ? settings.audience().strip() : null;
        if (isSet(settings.audienceClaim()) && audience == null) {
            // Pulsar refuses this too: an audience claim to check against no audience
            throw new IllegalArgumentException("tokenAudienceClaim is set to " + settings.audienceClaim().strip()
                    + " but tokenAudience is not: set the audience this worker stands for");
        }
        this.audienceClaim = isSet(settings.audienceClaim()) ? settings.audienceClaim().strip() : "aud";
    }

    /** @return the key type {@code tokenPublicAlg} stands for; null for the HMAC algorithms and {@code none} */
    private static ValidationKey.PublicKeyType publicKeyType(String publicAlg) {
        String name = isSet(publicAlg) ? publicAlg.strip().toUpperCase(Locale.ROOT) : "RS256";
        JWSAlgorithm algorithm = JWSAlgorithm.parse(name);
        if (RSA_ALGORITHMS.contains(algorithm)) {
            return ValidationKey.PublicKeyType.RSA;
        }
        if (EC_ALGORITHMS.contains(algorithm)) {
            return ValidationKey.PublicKeyType.EC;
        }
        if (JWSAlgorithm.Family.HMAC_SHA.contains(algorithm) || name.equals("NONE")) {
            return null;
        }
        throw new IllegalArgumentException("tokenPublicAlg " + publicAlg.strip() + " is not a signature algorithm"
                + " Pulsar knows: RS256/384/512, PS256/384/512, ES256/384/512");
    }

    /**
     * @param token the compact JWT, not blank
     * @return the role it proves
     */
    String validate(String token) throws AuthenticationException {
        SignedJWT jwt;
        try {
            // refuses unsecured (alg: none) and encrypted tokens: only a JWS parses here
            jwt = SignedJWT.parse(token);
        } catch (ParseException e) {
            throw new AuthenticationException("Failed to authenticate token: not a signed JWT");
        }
        ValidationKey current = key.get();
        JWSAlgorithm algorithm = jwt.getHeader().getAlgorithm();
        if (!current.algorithms().contains(algorithm)) {
            throw new AuthenticationException("Failed to authenticate token: it is signed with " + algorithm
                    + " but the configured key is an " + current.description() + " for " + current.algorithms());
        }
        boolean verified;
        try {
            verified = jwt.verify(current.verifier());
        } catch (JOSEException | IllegalStateException e) {
            throw new AuthenticationException("Failed to authenticate token: its signature cannot be checked ("
                    + e.getClass().getSimpleName() + ")");
        }
        if (!verified) {
            throw new AuthenticationException("Failed to authenticate token: the signature does not match the"
                    + " configured key");
        }
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new AuthenticationException("Failed to authenticate token: its claims are not a valid JWT claims"
                    + " set");
        }
        Instant now = clock.instant();
        Date expiration = claims.getExpirationTime();
        if (expiration != null && now.isAfter(expiration.toInstant())) {
            throw new AuthenticationException("Failed to authenticate token: it expired at " + expiration.toInstant());
        }
        Date notBefore = claims.getNotBeforeTime();
        if (notBefore != null && now.isBefore(notBefore.toInstant())) {
            throw new AuthenticationException("Failed to authenticate token: it is not valid before "
                    + notBefore.toInstant());
        }
        if (audience != null) {
            checkAudience(claims.getClaim(audienceClaim));
        }
        return role(claims.getClaim(roleClaim));
    }

    private void checkAudience(Object value) throws AuthenticationException {
        if (value == null) {
            throw new AuthenticationException("Failed to authenticate token: it has no audience claim "
                    + audienceClaim);
        }
        boolean contained;
        if (value instanceof List<?> audiences) {
            contained = audiences.contains(audience);
        } else if (value instanceof String single) {
            contained = single.equals(audience);
        } else {
            throw new AuthenticationException("Failed to authenticate token: its audience claim " + audienceClaim
                    + " is neither a string nor a list");
        }
        if (!contained) {
            throw new AuthenticationException("Failed to authenticate token: its audiences " + value
                    + " do not contain this worker's audience " + audience);
        }
    }

    private String role(Object value) throws AuthenticationException {
        String role = null;
        if (value instanceof String single) {
            role = single;
        } else if (value instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof String first) {
            role = first;
        }
        if (role == null || role.isBlank()) {
            throw new AuthenticationException("Failed to authenticate token: it has no role in claim " + roleClaim);
        }
        return role;
    }

    /** @return the settings in force, for log lines; no secret */
    String describe() {
        ValidationKey current = key.get();
        return current.description() + " from " + key.origin() + ", role from claim " + roleClaim
                + (audience == null ? "" : ", audience " + audience + " required in claim " + audienceClaim);
    }
}
