package dev.outrigger.auth.oidc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.outrigger.api.security.AuthenticationException;
import dev.outrigger.api.security.AuthenticationRequest;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OidcAuthenticationProviderTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final String AUDIENCE = "pulsar-worker";

    private static RSAKey rsa;
    private static RSAKey otherRsa;
    private static ECKey ec;

    private final MutableClock clock = new MutableClock(NOW);
    /** One thread, as the provider's own: a task submitted after a refresh runs after it. */
    private final ExecutorService refresher = Executors.newSingleThreadExecutor();
    private final AtomicLong ticker = new AtomicLong(-5_000_000_000L); // System.nanoTime() may be negative too
    private final List<OidcAuthenticationProvider> providers = new ArrayList<>();
    private IssuerServer server;
    private IssuerServer.Provider idp;

    @BeforeAll
    static void keys() throws JOSEException {
        rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        otherRsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate(); // same kid, another key
        ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
    }

    @BeforeEach
    void issuer() throws Exception {
        server = new IssuerServer();
        idp = server.provider("realm");
        idp.serve(rsa.toPublicJWK(), ec.toPublicJWK());
    }

    @AfterEach
    void stop() {
        providers.forEach(OidcAuthenticationProvider::deactivate);
        refresher.shutdownNow();
        server.close();
    }

    // --- accepted -------------------------------------------------------------------------------------------------

    @Test
    void rs256TokenOfAnAllowedIssuerGivesTheSubject() throws Exception {
        OidcAuthenticationProvider provider = provider(settings());
        assertEquals("alice", provider.authenticate(bearer(rs256(claims("alice")))));
        assertEquals("token", provider.authenticationMethod());
        assertEquals(1, idp.discoveryRequests.get());
        assertEquals(1, idp.keyRequests.get());
    }

    @Test
    void es256TokenWithACustomRoleClaim() throws Exception {
        OidcAuthenticationProvider provider = provider(settings(Map.of("openIDRoleClaim", "pulsar_role")));
        String token = sign(ec, JWSAlgorithm.ES256, claims("alice", b -> b.claim("pulsar_role", "admin")));
        assertEquals("admin", provider.authenticate(bearer(token)));
        // a list gives its first role, as Pulsar
        String listed = sign(ec, JWSAlgorithm.ES256,
                claims("alice", b -> b.claim("pulsar_role", List.of("ops", "dev"))));
        assertEquals("ops", provider.authenticate(bearer(listed)));
        // the custom claim is required
        refused(provider, sign(ec, JWSAlgorithm.ES256, claims("alice")), "pulsar_role");
    }

    @Test
    void keysAreFetchedOnceAndAnIssuerWithATrailingSlashWorks() throws Exception {
        IssuerServer.Provider slash = server.provider("slash");
        slash.serve(rsa.toPublicJWK());
        String issuer = slash.issuer + "/";
        slash.claimedIssuer = issuer;
        OidcAuthenticationProvider provider = provider(settings(Map.of("openIDAllowedTokenIssuers",
                idp.issuer + ", " + issuer)));
        for (int i = 0; i < 3; i++) {
            assertEquals("alice", provider.authenticate(bearer(rs256(claims("alice")))));
            assertEquals("bob", provider.authenticate(bearer(rs256(claims("bob", b -> b.issuer(issuer))))));
        }
        assertEquals(1, idp.keyRequests.get());
        assertEquals(1, slash.keyRequests.get());
        assertEquals(1, slash.discoveryRequests.get());
    }

    @Test
    void anAccessTokenTypeAndAnyOfTheAllowedAudiencesAreAccepted() throws Exception {
        OidcAuthenticationProvider provider = provider(settings(Map.of("openIDAllowedAudiences",
                "other, " + AUDIENCE)));
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(rsa.getKeyID())
                .type(new JOSEObjectType("at+jwt")).build(),
                claims("alice", b -> b.audience(List.of("somebody-else", AUDIENCE))));
        jwt.sign(new RSASSASigner(rsa));
        assertEquals("alice", provider.authenticate(bearer(jwt.serialize())));
    }

    // --- refused --------------------------------------------------------------------------------------------------

    @Test
    void anIssuerWhoseDiscoveryDocumentNamesAnotherIssuerIsRefused() throws Exception {
        idp.claimedIssuer = server.base() + "/impostor";
        OidcAuthenticationProvider provider = provider(settings());
        refused(provider, rs256(claims("alice")), "Issuer URL mismatch");
        assertEquals(0, idp.keyRequests.get());
    }

    @Test
    void anIssuerNotAllowedIsRefusedWithoutAskingIt() throws Exception {
        IssuerServer.Provider stranger = server.provider("stranger");
        stranger.serve(rsa.toPublicJWK());
        OidcAuthenticationProvider provider = provider(settings());
        refused(provider, rs256(claims("alice", b -> b.issuer(stranger.issuer))), "Issuer not allowed");
        refused(provider, rs256(claims("alice", b -> b.issuer(null))), "no issuer");
        assertEquals(0, stranger.discoveryRequests.get());
        assertEquals(0, idp.discoveryRequests.get());
    }

    @Test
    void aWrongOrMissingAudienceIsRefused() throws Exception {
        OidcAuthenticationProvider provider = provider(settings());
        refused(provider, rs256(claims("alice", b -> b.audience("another-service"))), "audience");
        refused(provider, rs256(claims("alice", b -> b.audience((String) null))), "audience");
    }

    @Test
    void anExpiredTokenIsRefusedUnlessWithinTheLeeway() throws Exception {
        String expired = rs256(claims("alice", b -> b.expirationTime(Date.from(NOW.minusSeconds(30)))));
        refused(provider(settings()), expired, "Expired");
        OidcAuthenticationProvider lenient = provider(settings(Map.of("openIDAcceptedTimeLeewaySeconds", "60")));
        assertEquals("alice", lenient.authenticate(bearer(expired)));
        clock.set(NOW.plusSeconds(91));
        refused(lenient, expired, "Expired");
    }

    @Test
    void aTokenNotYetValidOrIssuedInTheFutureIsRefused() throws Exception {
        OidcAuthenticationProvider provider = provider(settings());
        refused(provider, rs256(claims("alice", b -> b.notBeforeTime(Date.from(NOW.plusSeconds(60))))),
                "before use time");
        refused(provider, rs256(claims("alice", b -> b.issueTime(Date.from(NOW.plusSeconds(60))))), "future");
    }

    @Test
    void pulsarsRequiredClaimsMustBePresent() throws Exception {
        OidcAuthenticationProvider provider = provider(settings());
        refused(provider, rs256(claims("alice", b -> b.issueTime(null))), "iat");
        refused(provider, rs256(claims("alice", b -> b.notBeforeTime(null))), "nbf");
        refused(provider, rs256(claims("alice", b -> b.expirationTime(null))), "exp");
        refused(provider, rs256(claims(null)), "sub");
    }

    @Test
    void anUnknownKidIsRefusedThenAcceptedOnceTheIssuerRotatedItsKeys() throws Exception {
        OidcAuthenticationProvider provider = provider(settings());
        assertEquals("alice", provider.authenticate(bearer(rs256(claims("alice")))));
        RSAKey rotated = new RSAKeyGenerator(2048).keyID("rsa-2").generate();
        String token = sign(rotated, JWSAlgorithm.RS256, claims("alice"));

        // the keys were just fetched: an unknown kid does not make the worker ask again
        refused(provider, token, "no RS256 key with kid rsa-2");
        assertEquals(1, idp.keyRequests.get());

        idp.serve(rotated.toPublicJWK());
        ticker.addAndGet(TimeUnit.SECONDS.toNanos(299));
        refused(provider, token, "rsa-2");
        assertEquals(1, idp.keyRequests.get());
        ticker.addAndGet(TimeUnit.SECONDS.toNanos(1));
        assertEquals("alice", provider.authenticate(bearer(token)));
        assertEquals(2, idp.keyRequests.get());

        // at most one refresh per openIDKeyIdCacheMissRefreshSeconds, however many unknown kids arrive
        for (int i = 0; i < 5; i++) {
            refused(provider, rs256(claims("alice")), "rsa-1");
        }
        assertEquals(2, idp.keyRequests.get());
    }

    @Test
    void withoutAMissRefreshIntervalEveryUnknownKidAsksTheIssuer() throws Exception {
        OidcAuthenticationProvider provider = provider(settings(Map.of("openIDKeyIdCacheMissRefreshSeconds", "0")));
        assertEquals("alice", provider.authenticate(bearer(rs256(claims("alice")))));
        RSAKey rotated = new RSAKeyGenerator(2048).keyID("rsa-2").generate();
        idp.serve(rsa.toPublicJWK(), rotated.toPublicJWK());
        assertEquals("bob", provider.authenticate(bearer(sign(rotated, JWSAlgorithm.RS256, claims("bob")))));
        assertEquals(2, idp.keyRequests.get());
    }

    @Test
    void aTokenSignedWithAnotherKeyIsRefused() throws Exception {
        OidcAuthenticationProvider provider = provider(settings());
        refused(provider, sign(otherRsa, JWSAlgorithm.RS256, claims("alice")), "signature does not match");
        // an EC token under the RSA key's kid finds no key of its type
        ECKey impostor = new ECKeyGenerator(Curve.P_256).keyID("rsa-1").generate();
        refused(provider, sign(impostor, JWSAlgorithm.ES256, claims("alice")), "no ES256 key with kid rsa-1");
    }

    @Test
    void unsecuredHmacAndKidlessTokensAreRefused() throws Exception {
        OidcAuthenticationProvider provider = provider(settings());
        refused(provider, new PlainJWT(claims("alice")).serialize(), "not a signed JWT");
        byte[] secret = new byte[32];
        SignedJWT hmac = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("rsa-1").build(),
                claims("alice"));
        hmac.sign(new MACSigner(secret));
        refused(provider, hmac.serialize(), "Unsupported algorithm: HS256");
        SignedJWT kidless = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims("alice"));
        kidless.sign(new RSASSASigner(rsa));
        refused(provider, kidless.serialize(), "kid");
        refused(provider, "not-a-jwt", "not a signed JWT");
        assertEquals(0, idp.discoveryRequests.get());
    }

    @Test
    void requestsWithoutABearerTokenAreRefused() throws Exception {
        OidcAuthenticationProvider provider = provider(settings());
        assertThrows(AuthenticationException.class, () -> provider.authenticate(request(Map.of())));
        assertThrows(AuthenticationException.class, () -> provider.authenticate(
                request(Map.of("Authorization", "Basic YWxpY2U6c2VjcmV0"))));
        assertThrows(AuthenticationException.class, () -> provider.authenticate(
                request(Map.of("Authorization", "Bearer  "))));
    }

    @Test
    void anUnreachableIssuerIsAnAuthenticationFailure() throws Exception {
        OidcAuthenticationProvider provider = provider(settings());
        String token = rs256(claims("alice"));
        server.close();
        refused(provider, token, "keys are not available");
    }

    // --- cache ----------------------------------------------------------------------------------------------------

    @Test
    void keysAreRefreshedInTheBackgroundAfterRefreshAfterWriteAndFetchedAgainOnceExpired() throws Exception {
        OidcAuthenticationProvider provider = provider(settings(Map.of(
                "openIDCacheRefreshAfterWriteSeconds", "600", "openIDCacheExpirationSeconds", "3600")));
        String token = rs256(claims("alice"));
        assertEquals("alice", provider.authenticate(bearer(token)));
        assertEquals(1, nextKeyRequest());

        RSAKey added = new RSAKeyGenerator(2048).keyID("rsa-2").generate();
        idp.serve(rsa.toPublicJWK(), added.toPublicJWK());
        ticker.addAndGet(TimeUnit.SECONDS.toNanos(599));
        assertEquals("alice", provider.authenticate(bearer(token)));
        assertEquals(1, idp.keyRequests.get());
        ticker.addAndGet(TimeUnit.SECONDS.toNanos(2));
        // answered from the cache, which is refreshed on the provider's own thread
        assertEquals("alice", provider.authenticate(bearer(token)));
        assertEquals(2, nextKeyRequest());
        awaitRefreshes();
        assertEquals("bob", provider.authenticate(bearer(sign(added, JWSAlgorithm.RS256, claims("bob")))));
        assertEquals(2, idp.keyRequests.get());

        // once the keys expire they are fetched again before the request is answered
        idp.serve(ec.toPublicJWK());
        ticker.addAndGet(TimeUnit.SECONDS.toNanos(3601));
        refused(provider, token, "rsa-1");
        assertEquals(3, nextKeyRequest());
    }

    // --- configuration --------------------------------------------------------------------------------------------

    @Test
    void settingsPulsarRequiresOrOutriggerCannotHonourAreRefusedNamingTheKey() {
        assertSettingsRefused(Map.of("openIDAllowedTokenIssuers", ""), "openIDAllowedTokenIssuers");
        assertSettingsRefused(Map.of("openIDAllowedAudiences", " , "), "openIDAllowedAudiences");
        assertSettingsRefused(Map.of("openIDRequireIssuersUseHttps", "true"), "does not use https");
        assertSettingsRefused(Map.of("openIDRequireIssuersUseHttps", "flase"), "openIDRequireIssuersUseHttps");
        assertSettingsRefused(Map.of("openIDFallbackDiscoveryMode", "KUBERNETES_DISCOVER_TRUSTED_ISSUER"),
                "only DISABLED");
        assertSettingsRefused(Map.of("openIDCacheSize", "five"), "openIDCacheSize");
        assertSettingsRefused(Map.of("openIDAcceptedTimeLeewaySeconds", "-1"), "openIDAcceptedTimeLeewaySeconds");
        assertSettingsRefused(Map.of("openIDAllowedTokenIssuers", "file:///etc/issuer"), "https:// URL");
        IllegalArgumentException certs = assertThrows(IllegalArgumentException.class, () -> provider(
                settings(Map.of("openIDTokenIssuerTrustCertsFilePath", "/no/such/ca.pem"))));
        assertTrue(certs.getMessage().contains("openIDTokenIssuerTrustCertsFilePath"), certs.getMessage());

        OidcSettings defaults = settings();
        assertEquals("sub", defaults.roleClaim());
        assertEquals(0, defaults.leewaySeconds());
        assertEquals(5, defaults.cacheSize());
        assertEquals(Duration.ofHours(18), defaults.refreshAfterWrite());
        assertEquals(Duration.ofHours(24), defaults.expiration());
        assertEquals(Duration.ofMinutes(5), defaults.keyIdMissRefresh());
        assertEquals(10_000, defaults.connectTimeoutMillis());
        assertEquals(10_000, defaults.readTimeoutMillis());
        assertFalse(defaults.requireHttps());
        assertTrue(OidcSettings.parse(Map.of("openIDAllowedTokenIssuers", "https://idp.example.com",
                "openIDAllowedAudiences", AUDIENCE)).requireHttps());
    }

    @Test
    void aChangeAppliesInPlaceAndOneThatCannotBeUsedRefusesEveryTokenUntilFixed() throws Exception {
        OidcAuthenticationProvider provider = provider(settings());
        String token = rs256(claims("alice"));
        assertEquals("alice", provider.authenticate(bearer(token)));
        provider.apply(settings(Map.of("openIDAllowedAudiences", "someone-else")));
        refused(provider, token, "audience");
        provider.apply(settings(Map.of("openIDTokenIssuerTrustCertsFilePath", "/no/such/ca.pem")));
        refused(provider, token, "misconfigured");
        provider.apply(settings());
        assertEquals("alice", provider.authenticate(bearer(token)));
    }

    @Test
    void noMessageQuotesTheToken() {
        // every refusal above goes through refused(), which checks this; here a few more shapes
        OidcAuthenticationProvider provider = provider(settings());
        for (String token : List.of("a.b.c", "eyJhbGciOiJSUzI1NiJ9.e30.c2ln", "x".repeat(500))) {
            AuthenticationException e = assertThrows(AuthenticationException.class,
                    () -> provider.authenticate(bearer(token)));
            assertFalse(e.getMessage().contains(token), e.getMessage());
        }
    }

    // --- helpers --------------------------------------------------------------------------------------------------

    /** The number of the next key set request the issuer answered, waiting for a background one. */
    private int nextKeyRequest() throws InterruptedException {
        Integer count = idp.keyRequestLog.poll(10, TimeUnit.SECONDS);
        assertNotNull(count, "the issuer was not asked for its keys");
        return count;
    }

    private void assertSettingsRefused(Map<String, String> overrides, String expected) {
        Map<String, String> values = new HashMap<>(base());
        values.put("openIDRequireIssuersUseHttps", "false");
        values.putAll(overrides);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OidcSettings.parse(values));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private void refused(OidcAuthenticationProvider provider, String token, String reason) {
        AuthenticationException e = assertThrows(AuthenticationException.class,
                () -> provider.authenticate(bearer(token)));
        assertNotNull(e.getMessage());
        assertTrue(e.getMessage().contains(reason), () -> "expected '" + reason + "' in: " + e.getMessage());
        assertFalse(e.getMessage().contains(token), "the message quotes the token");
        String signature = token.substring(token.lastIndexOf('.') + 1);
        if (signature.length() > 8) {
            assertFalse(e.getMessage().contains(signature), "the message quotes the token's signature");
        }
    }

    private Map<String, String> base() {
        return Map.of("openIDAllowedTokenIssuers", idp.issuer, "openIDAllowedAudiences", AUDIENCE,
                "openIDRequireIssuersUseHttps", "false");
    }

    private OidcSettings settings() {
        return settings(Map.of());
    }

    private OidcSettings settings(Map<String, String> overrides) {
        Map<String, String> values = new HashMap<>(base());
        values.putAll(overrides);
        return OidcSettings.parse(values);
    }

    private OidcAuthenticationProvider provider(OidcSettings settings) {
        OidcAuthenticationProvider provider = new OidcAuthenticationProvider(settings, clock, ticker::get,
                refresher);
        providers.add(provider);
        return provider;
    }

    /** Waits until the background refreshes started so far have stored their keys. */
    private void awaitRefreshes() throws Exception {
        refresher.submit(() -> {}).get(10, TimeUnit.SECONDS);
    }

    private JWTClaimsSet claims(String subject) {
        return claims(subject, builder -> {});
    }

    /** Pulsar's required claims for {@code subject}, valid now, from the test issuer; then the test's changes. */
    private JWTClaimsSet claims(String subject, Consumer<JWTClaimsSet.Builder> changes) {
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder()
                .issuer(idp.issuer)
                .subject(subject)
                .audience(AUDIENCE)
                .issueTime(Date.from(NOW.minusSeconds(60)))
                .notBeforeTime(Date.from(NOW.minusSeconds(60)))
                .expirationTime(Date.from(NOW.plusSeconds(3600)));
        changes.accept(builder);
        return builder.build();
    }

    private String rs256(JWTClaimsSet claims) throws JOSEException {
        return sign(rsa, JWSAlgorithm.RS256, claims);
    }

    private String sign(com.nimbusds.jose.jwk.JWK key, JWSAlgorithm algorithm, JWTClaimsSet claims)
            throws JOSEException {
        JWSSigner signer = key instanceof RSAKey r ? new RSASSASigner(r) : new ECDSASigner((ECKey) key);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(key.getKeyID()).build(), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    static AuthenticationRequest bearer(String token) {
        return request(Map.of("Authorization", "Bearer " + token));
    }

    static AuthenticationRequest request(Map<String, String> headers) {
        Map<String, String> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        byName.putAll(headers);
        return new AuthenticationRequest() {
            @Override
            public Optional<String> header(String name) {
                return Optional.ofNullable(byName.get(name));
            }

            @Override
            public List<X509Certificate> clientCertificates() {
                return List.of();
            }

            @Override
            public String remoteAddress() {
                return "127.0.0.1:50000";
            }
        };
    }

    /** A clock the test moves. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
