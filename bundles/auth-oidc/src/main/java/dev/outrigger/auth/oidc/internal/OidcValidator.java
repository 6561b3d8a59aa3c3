package dev.outrigger.auth.oidc.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.ResourceRetriever;
import com.nimbusds.jwt.JWTClaimNames;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.outrigger.api.security.AuthenticationException;
import java.text.ParseException;
import java.time.Clock;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.function.LongSupplier;

/**
 * Validates tokens as Pulsar 4.0's {@code AuthenticationProviderOpenID} does: a signed JWT (RS256/384/512 or
 * ES256/384/512, never {@code alg: none}) whose {@code iss} is an allowed issuer, verified with the issuer's key of the
 * token's {@code kid}; {@code iat}, {@code exp}, {@code nbf} and {@code sub} present (and the role claim when it is
 * not {@code sub}), {@code exp}, {@code nbf} and {@code iat} checked with the leeway, an audience among the allowed
 * ones; the role from the role claim (a string, or the first of a list of strings). Messages never quote the token.
 */
final class OidcValidator {

    /** The algorithms Pulsar's provider verifies. */
    static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);

    private static final String FAILED = "Failed to authenticate OpenID token: ";

    private final OidcSettings settings;
    private final ResourceRetriever retriever;
    private final ExecutorService refresher;
    private final Clock clock;
    private final LongSupplier ticker;
    /** By issuer, least recently used first; at most {@code openIDCacheSize} entries. Guarded by itself. */
    private final Map<String, DefaultJWTProcessor<SecurityContext>> processors;

    /**
     * @param refresher runs background key refreshes; the caller shuts it down
     * @param clock what {@code exp}, {@code nbf} and {@code iat} are checked against
     * @param ticker monotonic nanoseconds for the key cache
     * @throws IllegalArgumentException naming the key, if the trusted certificates cannot be used
     */
    OidcValidator(OidcSettings settings, ExecutorService refresher, Clock clock, LongSupplier ticker) {
        this.settings = settings;
        this.retriever = IssuerConnections.retriever(settings);
        this.refresher = refresher;
        this.clock = clock;
        this.ticker = ticker;
        this.processors = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, DefaultJWTProcessor<SecurityContext>> eldest) {
                return size() > settings.cacheSize();
            }
        };
    }

    OidcSettings settings() {
        return settings;
    }

    /**
     * @param token the compact JWT, not blank
     * @return the role it proves
     */
    String validate(String token) throws AuthenticationException {
        SignedJWT jwt;
        JWTClaimsSet unverified;
        try {
            // refuses unsecured (alg: none) and encrypted tokens: only a JWS parses here
            jwt = SignedJWT.parse(token);
            unverified = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new AuthenticationException(FAILED + "not a signed JWT with a JSON claims set");
        }
        Object issuer = unverified.getClaim(JWTClaimNames.ISSUER);
        if (!(issuer instanceof String allowed) || allowed.isEmpty()) {
            throw new AuthenticationException(FAILED + "it names no issuer (iss)");
        }
        if (!settings.issuers().contains(allowed)) {
            throw new AuthenticationException(FAILED + "Issuer not allowed: " + allowed);
        }
        JWSAlgorithm algorithm = jwt.getHeader().getAlgorithm();
        if (!ALGORITHMS.contains(algorithm)) {
            throw new AuthenticationException(FAILED + "Unsupported algorithm: " + algorithm
                    + " (RS256/384/512 and ES256/384/512 are)");
        }
        if (jwt.getHeader().getKeyID() == null) {
            // Pulsar looks the key up by kid only
            throw new AuthenticationException(FAILED + "it names no key (kid)");
        }
        JWTClaimsSet claims;
        try {
            claims = processor(allowed).process(jwt, null);
        } catch (BadJWTException e) {
            // Nimbus's claim messages ("Expired JWT", "JWT audience rejected: [...]") hold no secret
            throw new AuthenticationException(FAILED + e.getMessage());
        } catch (BadJWSException e) {
            throw new AuthenticationException(FAILED + "the signature does not match key " + jwt.getHeader().getKeyID()
                    + " of issuer " + allowed);
        } catch (BadJOSEException e) {
            throw new AuthenticationException(FAILED + e.getMessage());
        } catch (IssuerKeys.UnknownKeyException e) {
            throw new AuthenticationException(FAILED + e.getMessage());
        } catch (JOSEException e) {
            // our own messages (DiscoveredKeySet) or Nimbus's, about keys and connections, not the token
            throw new AuthenticationException(FAILED + "the issuer's keys are not available: " + e.getMessage());
        }
        return role(claims);
    }

    private DefaultJWTProcessor<SecurityContext> processor(String issuer) {
        synchronized (processors) {
            return processors.computeIfAbsent(issuer, this::newProcessor);
        }
    }

    private DefaultJWTProcessor<SecurityContext> newProcessor(String issuer) {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        // Pulsar checks no typ: an RFC 9068 access token (typ at+jwt) is as good as typ JWT
        processor.setJWSTypeVerifier((type, context) -> {});
        processor.setJWSKeySelector(new IssuerKeys(issuer, settings,
                new DiscoveredKeySet(issuer, retriever, ticker), refresher, ticker));
        processor.setJWTClaimsSetVerifier(new ClaimsVerifier(issuer));
        return processor;
    }

    private String role(JWTClaimsSet claims) throws AuthenticationException {
        Object value = claims.getClaim(settings.roleClaim());
        String role = null;
        if (value instanceof String single) {
            role = single;
        } else if (value instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof String first) {
            role = first;
        }
        if (role == null || role.isBlank()) {
            throw new AuthenticationException(FAILED + "it has no role in claim " + settings.roleClaim());
        }
        return role;
    }

    /** @return the settings in force, for log lines */
    String describe() {
        return settings.describe();
    }

    /**
     * The claims Pulsar's provider requires (its {@code JWT.require(...)}), on the injected clock. Nimbus checks
     * {@code exp} and {@code nbf} with the leeway; the {@code iat} check is Pulsar's (java-jwt's) own.
     */
    private final class ClaimsVerifier extends DefaultJWTClaimsVerifier<SecurityContext> {

        ClaimsVerifier(String issuer) {
            super(settings.audiences(), new JWTClaimsSet.Builder().issuer(issuer).build(), requiredClaims(), null);
            setMaxClockSkew(settings.leewaySeconds());
        }

        @Override
        protected Date currentTime() {
            return Date.from(clock.instant());
        }

        @Override
        public void verify(JWTClaimsSet claims, SecurityContext context) throws BadJWTException {
            super.verify(claims, context);
            Date issuedAt = claims.getIssueTime();
            if (issuedAt != null
                    && issuedAt.toInstant().isAfter(clock.instant().plusSeconds(settings.leewaySeconds()))) {
                throw new BadJWTException("JWT issued in the future (iat " + issuedAt.toInstant() + ")");
            }
        }
    }

    private Set<String> requiredClaims() {
        Set<String> required = new HashSet<>(Set.of(JWTClaimNames.ISSUED_AT, JWTClaimNames.EXPIRATION_TIME,
                JWTClaimNames.NOT_BEFORE, JWTClaimNames.SUBJECT));
        required.add(settings.roleClaim());
        return required;
    }
}
