package dev.outrigger.auth.token.internal;

import static dev.outrigger.auth.token.internal.TestSupport.bearer;
import static dev.outrigger.auth.token.internal.TestSupport.request;
import static dev.outrigger.auth.token.internal.TestSupport.sign;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import dev.outrigger.api.security.AuthenticationException;
import dev.outrigger.api.security.AuthenticationRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenAuthenticationProviderTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    private static byte[] secret;
    private static byte[] otherSecret;
    private static KeyPair rsa;
    private static KeyPair otherRsa;
    private static KeyPair ec;

    @TempDir
    Path dir;

    private final TestSupport.MutableClock clock = new TestSupport.MutableClock(NOW);
    private final TestSupport.Ticker ticker = new TestSupport.Ticker();

    @BeforeAll
    static void keys() throws GeneralSecurityException {
        SecureRandom random = new SecureRandom();
        secret = new byte[32];
        random.nextBytes(secret);
        otherSecret = new byte[32];
        random.nextBytes(otherSecret);
        KeyPairGenerator rsaGenerator = KeyPairGenerator.getInstance("RSA");
        rsaGenerator.initialize(2048);
        rsa = rsaGenerator.generateKeyPair();
        otherRsa = rsaGenerator.generateKeyPair();
        KeyPairGenerator ecGenerator = KeyPairGenerator.getInstance("EC");
        ecGenerator.initialize(new ECGenParameterSpec("secp256r1"));
        ec = ecGenerator.generateKeyPair();
    }

    // --- accepted -------------------------------------------------------------------------------------------------

    @Test
    void hs256WithSecretAsDataUrl() throws Exception {
        TokenAuthenticationProvider provider = provider(secretSettings(dataUrl(secret)));
        assertEquals("alice", provider.authenticate(bearer(hs(JWSAlgorithm.HS256, secret, claims("alice")))));
        assertEquals("token", provider.authenticationMethod());
    }

    @Test
    void rs256WithPublicKeyAsFileUrl() throws Exception {
        Path file = write("public.key", rsa.getPublic().getEncoded());
        TokenAuthenticationProvider provider = provider(publicSettings(file.toUri().toString(), null));
        assertEquals("bob", provider.authenticate(bearer(rs(JWSAlgorithm.RS256, rsa, claims("bob")))));
    }

    @Test
    void rs256WithPublicKeyAsPlainPath() throws Exception {
        Path file = write("public.key", rsa.getPublic().getEncoded());
        TokenAuthenticationProvider provider = provider(publicSettings(file.toString(), "RS256"));
        assertEquals("bob", provider.authenticate(bearer(rs(JWSAlgorithm.RS256, rsa, claims("bob")))));
    }

    @Test
    void es256WithPublicKeyAsBareBase64() throws Exception {
        String base64 = Base64.getEncoder().encodeToString(ec.getPublic().getEncoded());
        TokenAuthenticationProvider provider = provider(publicSettings(base64, "ES256"));
        String token = sign(new ECDSASigner((ECPrivateKey) ec.getPrivate()), JWSAlgorithm.ES256, claims("carol"));
        assertEquals("carol", provider.authenticate(bearer(token)));
    }

    @Test
    void secretAsBareBase64AndAsFile() throws Exception {
        TokenAuthenticationProvider inline = provider(secretSettings(Base64.getEncoder().encodeToString(secret)));
        Path file = write("secret.key", secret);
        TokenAuthenticationProvider fromFile = provider(secretSettings("file://" + file));
        String token = hs(JWSAlgorithm.HS256, secret, claims("alice"));
        assertEquals("alice", inline.authenticate(bearer(token)));
        assertEquals("alice", fromFile.authenticate(bearer(token)));
    }

    @Test
    void publicKeyInPem() throws Exception {
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(rsa.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        Path file = write("public.pem", pem.getBytes(StandardCharsets.US_ASCII));
        TokenAuthenticationProvider provider = provider(publicSettings(file.toString(), null));
        assertEquals("bob", provider.authenticate(bearer(rs(JWSAlgorithm.RS256, rsa, claims("bob")))));
    }

    @Test
    void anyRsaAlgorithmVerifiesWithAnRsaKey() throws Exception {
        // as with Pulsar, tokenPublicAlg picks the key type; the token's header picks the algorithm
        TokenAuthenticationProvider provider = provider(publicSettings(dataUrl(rsa.getPublic().getEncoded()), null));
        assertEquals("bob", provider.authenticate(bearer(rs(JWSAlgorithm.RS512, rsa, claims("bob")))));
        assertEquals("bob", provider.authenticate(bearer(rs(JWSAlgorithm.PS256, rsa, claims("bob")))));
    }

    @Test
    void hs512NeedsA512BitSecret() throws Exception {
        byte[] longSecret = new byte[64];
        new SecureRandom().nextBytes(longSecret);
        TokenAuthenticationProvider provider = provider(secretSettings(dataUrl(longSecret)));
        assertEquals("alice", provider.authenticate(bearer(hs(JWSAlgorithm.HS512, longSecret, claims("alice")))));

        // jjwt (Pulsar) refuses an HMAC key shorter than the hash; Nimbus will not even sign with one, so by hand
        TokenAuthenticationProvider shortKey = provider(secretSettings(dataUrl(secret)));
        String signingInput = Base64URL.encode("{\"alg\":\"HS512\"}") + "."
                + Base64URL.encode(claims("alice").toString());
        Mac mac = Mac.getInstance("HmacSHA512");
        mac.init(new SecretKeySpec(secret, "HmacSHA512"));
        byte[] signature = mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
        String token = signingInput + "." + Base64URL.encode(signature);
        assertRefused(shortKey, bearer(token), token, "HS512");
    }

    @Test
    void customAuthClaim() throws Exception {
        TokenAuthenticationProvider provider = provider(withAuthClaim(secretSettings(dataUrl(secret)), "role"));
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("not-this").claim("role", "admin").build();
        assertEquals("admin", provider.authenticate(bearer(hs(JWSAlgorithm.HS256, secret, claims))));

        JWTClaimsSet subjectOnly = claims("alice");
        String token = hs(JWSAlgorithm.HS256, secret, subjectOnly);
        assertRefused(provider, bearer(token), token, "no role in claim role");
    }

    @Test
    void roleClaimAsListTakesTheFirstString() throws Exception {
        TokenAuthenticationProvider provider = provider(withAuthClaim(secretSettings(dataUrl(secret)), "roles"));
        JWTClaimsSet claims = new JWTClaimsSet.Builder().claim("roles", List.of("ops", "dev")).build();
        assertEquals("ops", provider.authenticate(bearer(hs(JWSAlgorithm.HS256, secret, claims))));
    }

    @Test
    void audienceContainedInListOrEqualString() throws Exception {
        TokenAuthenticationProvider provider = provider(withAudience(secretSettings(dataUrl(secret)), null, "worker"));
        JWTClaimsSet list = new JWTClaimsSet.Builder().subject("alice").audience(List.of("broker", "worker")).build();
        JWTClaimsSet single = new JWTClaimsSet.Builder().subject("bob").audience("worker").build();
        assertEquals("alice", provider.authenticate(bearer(hs(JWSAlgorithm.HS256, secret, list))));
        assertEquals("bob", provider.authenticate(bearer(hs(JWSAlgorithm.HS256, secret, single))));
    }

    @Test
    void customAudienceClaim() throws Exception {
        TokenAuthenticationProvider provider =
                provider(withAudience(secretSettings(dataUrl(secret)), "groups", "worker"));
        JWTClaimsSet good = new JWTClaimsSet.Builder().subject("alice").claim("groups", List.of("worker")).build();
        assertEquals("alice", provider.authenticate(bearer(hs(JWSAlgorithm.HS256, secret, good))));
        // the standard claim does not count when another is configured
        JWTClaimsSet bad = new JWTClaimsSet.Builder().subject("alice").audience("worker").build();
        String token = hs(JWSAlgorithm.HS256, secret, bad);
        assertRefused(provider, bearer(token), token, "no audience claim groups");
    }

    @Test
    void expiryAndNotBeforeAreInTheFuturePastAsNeeded() throws Exception {
        TokenAuthenticationProvider provider = provider(secretSettings(dataUrl(secret)));
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("alice")
                .expirationTime(Date.from(NOW.plusSeconds(60))).notBeforeTime(Date.from(NOW.minusSeconds(60)))
                .build();
        assertEquals("alice", provider.authenticate(bearer(hs(JWSAlgorithm.HS256, secret, claims))));
    }

    // --- refused --------------------------------------------------------------------------------------------------

    @Test
    void noAuthorizationHeader() throws Exception {
        TokenAuthenticationProvider provider = provider(secretSettings(dataUrl(secret)));
        AuthenticationException e = assertThrows(AuthenticationException.class,
                () -> provider.authenticate(request(Map.of())));
        assertTrue(e.getMessage().contains("Authorization header"), e.getMessage());
    }

    @Test
    void notBearer() throws Exception {
        TokenAuthenticationProvider provider = provider(secretSettings(dataUrl(secret)));
        String token = hs(JWSAlgorithm.HS256, secret, claims("alice"));
        assertRefused(provider, request(Map.of("Authorization", "Basic " + token)), token, "Bearer");
        // Pulsar matches the prefix exactly
        assertRefused(provider, request(Map.of("Authorization", "bearer " + token)), token, "Bearer");
        assertRefused(provider, request(Map.of("Authorization", "Bearer ")), token, "Blank token");
    }

    @Test
    void garbage() throws Exception {
        TokenAuthenticationProvider provider = provider(secretSettings(dataUrl(secret)));
        assertRefused(provider, bearer("not-a-jwt"), "not-a-jwt", "not a signed JWT");
        assertRefused(provider, bearer("a.b.c"), "a.b.c", "not a signed JWT");
        String encrypted = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMTI4R0NNIn0..aaaa.bbbb.cccc";
        assertRefused(provider, bearer(encrypted), encrypted, "not a signed JWT");
    }

    @Test
    void signedWithAnotherKey() throws Exception {
        TokenAuthenticationProvider hmac = provider(secretSettings(dataUrl(secret)));
        String token = hs(JWSAlgorithm.HS256, otherSecret, claims("alice"));
        assertRefused(hmac, bearer(token), token, "signature does not match");

        TokenAuthenticationProvider rsaProvider =
                provider(publicSettings(dataUrl(rsa.getPublic().getEncoded()), "RS256"));
        String rsaToken = rs(JWSAlgorithm.RS256, otherRsa, claims("bob"));
        assertRefused(rsaProvider, bearer(rsaToken), rsaToken, "signature does not match");
    }

    @Test
    void tamperedPayload() throws Exception {
        TokenAuthenticationProvider provider = provider(secretSettings(dataUrl(secret)));
        String[] parts = hs(JWSAlgorithm.HS256, secret, claims("alice")).split("\\.");
        String forged = parts[0] + "." + Base64URL.encode(claims("root").toString()) + "." + parts[2];
        assertRefused(provider, bearer(forged), forged, "signature does not match");
    }

    @Test
    void expired() throws Exception {
        TokenAuthenticationProvider provider = provider(secretSettings(dataUrl(secret)));
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("alice")
                .expirationTime(Date.from(NOW.minus(Duration.ofHours(1)))).build();
        String token = hs(JWSAlgorithm.HS256, secret, claims);
        assertRefused(provider, bearer(token), token, "expired");
    }

    @Test
    void expiryIsCheckedAgainstTheClock() throws Exception {
        TokenAuthenticationProvider provider = provider(secretSettings(dataUrl(secret)));
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("alice")
                .expirationTime(Date.from(NOW.plusSeconds(30))).build();
        String token = hs(JWSAlgorithm.HS256, secret, claims);
        assertEquals("alice", provider.authenticate(bearer(token)));
        clock.set(NOW.plusSeconds(31));
        assertRefused(provider, bearer(token), token, "expired");
    }

    @Test
    void notYetValid() throws Exception {
        TokenAuthenticationProvider provider = provider(secretSettings(dataUrl(secret)));
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("alice")
                .notBeforeTime(Date.from(NOW.plus(Duration.ofHours(1)))).build();
        String token = hs(JWSAlgorithm.HS256, secret, claims);
        assertRefused(provider, bearer(token), token, "not valid before");
    }

    @Test
    void expiryThatIsNotANumber() throws Exception {
        TokenAuthenticationProvider provider = provider(secretSettings(dataUrl(secret)));
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("alice").claim("exp", "tomorrow").build();
        String token = hs(JWSAlgorithm.HS256, secret, claims);
        assertRefused(provider, bearer(token), token, "claims are not a valid JWT claims set");
    }

    @Test
    void wrongOrMissingAudience() throws Exception {
        TokenAuthenticationProvider provider = provider(withAudience(secretSettings(dataUrl(secret)), "aud", "worker"));
        String other = hs(JWSAlgorithm.HS256, secret,
                new JWTClaimsSet.Builder().subject("alice").audience(List.of("broker", "proxy")).build());
        assertRefused(provider, bearer(other), other, "do not contain this worker's audience worker");
        String none = hs(JWSAlgorithm.HS256, secret, claims("alice"));
        assertRefused(provider, bearer(none), none, "no audience claim aud");
    }

    @Test
    void missingRoleClaim() throws Exception {
        TokenAuthenticationProvider provider = provider(secretSettings(dataUrl(secret)));
        String noSubject = hs(JWSAlgorithm.HS256, secret, new JWTClaimsSet.Builder().issuer("me").build());
        assertRefused(provider, bearer(noSubject), noSubject, "no role in claim sub");
        String blank = hs(JWSAlgorithm.HS256, secret, claims(" "));
        assertRefused(provider, bearer(blank), blank, "no role in claim sub");
    }

    @Test
    void algNone() throws Exception {
        TokenAuthenticationProvider provider = provider(secretSettings(dataUrl(secret)));
        String unsecured = new PlainJWT(claims("alice")).serialize();
        assertRefused(provider, bearer(unsecured), unsecured, "not a signed JWT");
        // a real signature under a header rewritten to none
        String[] parts = hs(JWSAlgorithm.HS256, secret, claims("alice")).split("\\.");
        String rewritten = Base64URL.encode("{\"alg\":\"none\"}") + "." + parts[1] + "." + parts[2];
        assertRefused(provider, bearer(rewritten), rewritten, "not a signed JWT");
    }

    @Test
    void hmacTokenAgainstAnRsaPublicKey() throws Exception {
        // the classic confusion: an HS256 token keyed with the (public) RSA key bytes
        byte[] publicKey = rsa.getPublic().getEncoded();
        TokenAuthenticationProvider provider = provider(publicSettings(dataUrl(publicKey), "RS256"));
        String token = hs(JWSAlgorithm.HS256, publicKey, claims("root"));
        assertRefused(provider, bearer(token), token, "signed with HS256 but the configured key is an RSA");
    }

    @Test
    void es384TokenAgainstAP256Key() throws Exception {
        TokenAuthenticationProvider provider = provider(publicSettings(dataUrl(ec.getPublic().getEncoded()), "ES256"));
        String token = forgedHeader(JWSAlgorithm.ES384, claims("carol"));
        assertRefused(provider, bearer(token), token, "signed with ES384");
    }

    // --- key rotation and reconfiguration -------------------------------------------------------------------------

    @Test
    void keyFileRotatedOnDisk() throws Exception {
        Path file = write("public.key", rsa.getPublic().getEncoded());
        TokenAuthenticationProvider provider = provider(publicSettings(file.toUri().toString(), "RS256"));
        String oldToken = rs(JWSAlgorithm.RS256, rsa, claims("old"));
        String newToken = rs(JWSAlgorithm.RS256, otherRsa, claims("new"));
        assertEquals("old", provider.authenticate(bearer(oldToken)));

        replace(file, otherRsa.getPublic().getEncoded());
        // the file is looked at no more than once a second
        ticker.advanceMillis(999);
        assertRefused(provider, bearer(newToken), newToken, "signature does not match");
        ticker.advanceMillis(1);
        assertEquals("new", provider.authenticate(bearer(newToken)));
        assertRefused(provider, bearer(oldToken), oldToken, "signature does not match");
    }

    @Test
    void rotatedSecretFileThatCannotBeUsedKeepsThePreviousKey() throws Exception {
        Path file = write("secret.key", secret);
        TokenAuthenticationProvider provider = provider(secretSettings(file.toString()));
        String token = hs(JWSAlgorithm.HS256, secret, claims("alice"));

        replace(file, new byte[] {1, 2, 3}); // too short: a half-written file, say
        ticker.advanceMillis(1000);
        assertEquals("alice", provider.authenticate(bearer(token)));

        Files.delete(file);
        ticker.advanceMillis(1000);
        assertEquals("alice", provider.authenticate(bearer(token)));

        Files.write(file, otherSecret);
        Files.setLastModifiedTime(file, FileTime.from(NOW.plusSeconds(100)));
        ticker.advanceMillis(1000);
        assertEquals("bob", provider.authenticate(bearer(hs(JWSAlgorithm.HS256, otherSecret, claims("bob")))));
        assertRefused(provider, bearer(token), token, "signature does not match");
    }

    @Test
    void modifiedConfigurationAppliesInPlace() throws Exception {
        TokenAuthenticationProvider provider = provider(secretSettings(dataUrl(secret)));
        String first = hs(JWSAlgorithm.HS256, secret, claims("alice"));
        String second = rs(JWSAlgorithm.RS256, rsa, claims("bob"));
        assertEquals("alice", provider.authenticate(bearer(first)));

        provider.apply(publicSettings(dataUrl(rsa.getPublic().getEncoded()), "RS256"));
        assertEquals("bob", provider.authenticate(bearer(second)));
        assertRefused(provider, bearer(first), first, "signed with HS256");
    }

    @Test
    void modifiedConfigurationThatCannotBeUsedRefusesEveryToken() throws Exception {
        TokenAuthenticationProvider provider = provider(secretSettings(dataUrl(secret)));
        String token = hs(JWSAlgorithm.HS256, secret, claims("alice"));

        provider.apply(new TokenSettings(null, null, null, null, null, null));
        assertRefused(provider, bearer(token), token, "misconfigured: token authentication needs a key");

        provider.apply(secretSettings(dataUrl(secret)));
        assertEquals("alice", provider.authenticate(bearer(token)));
    }

    // --- activation failures --------------------------------------------------------------------------------------

    @Test
    void bothKeysRefused() {
        String secretValue = dataUrl(secret);
        TokenSettings both = new TokenSettings(secretValue, dataUrl(rsa.getPublic().getEncoded()), null, null,
                null, null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> provider(both));
        assertTrue(e.getMessage().contains("tokenSecretKey and tokenPublicKey are both set"), e.getMessage());
        assertFalse(e.getMessage().contains(secretValue.substring("data:;base64,".length())), e.getMessage());
    }

    @Test
    void noKeyRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> provider(new TokenSettings(" ", "", "RS256", "sub", "", "")));
        assertTrue(e.getMessage().contains("set tokenSecretKey"), e.getMessage());
    }

    @Test
    void secretThatIsNoneOfTheFormsIsRefusedWithoutQuotingIt() {
        String value = "s3cr3t-is-not*base64";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> provider(secretSettings(value)));
        assertTrue(e.getMessage().startsWith("tokenSecretKey is not a data: or file: URL"), e.getMessage());
        assertFalse(e.getMessage().contains(value), e.getMessage());
    }

    @Test
    void shortSecretRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> provider(secretSettings(dataUrl(new byte[16]))));
        assertTrue(e.getMessage().contains("tokenSecretKey is 128 bits long"), e.getMessage());
    }

    @Test
    void missingKeyFileRefused() {
        Path missing = dir.resolve("absent.key");
        IOException e = assertThrows(IOException.class,
                () -> provider(publicSettings(missing.toUri().toString(), "RS256")));
        assertTrue(e.getMessage().contains("tokenPublicKey: cannot read " + missing), e.getMessage());
    }

    @Test
    void publicAlgorithmMustMatchTheKeyType() {
        IllegalArgumentException ecForRsa = assertThrows(IllegalArgumentException.class,
                () -> provider(publicSettings(dataUrl(rsa.getPublic().getEncoded()), "ES256")));
        assertTrue(ecForRsa.getMessage().contains("tokenPublicKey is not an EC public key"), ecForRsa.getMessage());
        IllegalArgumentException hmac = assertThrows(IllegalArgumentException.class,
                () -> provider(publicSettings(dataUrl(rsa.getPublic().getEncoded()), "HS256")));
        assertTrue(hmac.getMessage().contains("tokenPublicAlg HS256 is not a public-key algorithm"),
                hmac.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> provider(publicSettings(dataUrl(rsa.getPublic().getEncoded()), "XS999")));
        assertTrue(unknown.getMessage().contains("tokenPublicAlg XS999"), unknown.getMessage());
    }

    @Test
    void smallRsaKeyRefused() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(1024);
        byte[] small = generator.generateKeyPair().getPublic().getEncoded();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> provider(publicSettings(dataUrl(small), "RS256")));
        assertTrue(e.getMessage().contains("RSA key of 1024 bits"), e.getMessage());
    }

    @Test
    void audienceClaimWithoutAudienceRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> provider(withAudience(secretSettings(dataUrl(secret)), "aud", null)));
        assertTrue(e.getMessage().contains("tokenAudienceClaim is set to aud but tokenAudience is not"),
                e.getMessage());
    }

    @Test
    void settingsNeverPrintTheSecret() {
        String value = dataUrl(secret);
        assertFalse(secretSettings(value).toString().contains(value.substring(14)));
    }

    // --- helpers --------------------------------------------------------------------------------------------------

    private TokenAuthenticationProvider provider(TokenSettings settings) throws IOException {
        return new TokenAuthenticationProvider(settings, clock, ticker::read);
    }

    /** Asserts the refusal, its reason, and that the message quotes no part of the token. */
    private static void assertRefused(TokenAuthenticationProvider provider, AuthenticationRequest request,
            String token, String reason) {
        AuthenticationException e = assertThrows(AuthenticationException.class, () -> provider.authenticate(request));
        assertTrue(e.getMessage().contains(reason), "expected [" + reason + "] in: " + e.getMessage());
        for (String part : token.split("\\.")) {
            if (part.length() > 8) {
                assertFalse(e.getMessage().contains(part), "the message quotes the token: " + e.getMessage());
            }
        }
    }

    private static JWTClaimsSet claims(String subject) {
        return new JWTClaimsSet.Builder().subject(subject).build();
    }

    private static String hs(JWSAlgorithm algorithm, byte[] key, JWTClaimsSet claims) throws JOSEException {
        return sign(new MACSigner(key), algorithm, claims);
    }

    private static String rs(JWSAlgorithm algorithm, KeyPair pair, JWTClaimsSet claims) throws JOSEException {
        return sign(new RSASSASigner(pair.getPrivate()), algorithm, claims);
    }

    /** An ES384 header over a P-256 signature: Nimbus will not sign that pairing itself. */
    private static String forgedHeader(JWSAlgorithm algorithm, JWTClaimsSet claims) throws JOSEException {
        String[] parts = sign(new ECDSASigner((ECPrivateKey) ec.getPrivate()), JWSAlgorithm.ES256, claims)
                .split("\\.");
        return Base64URL.encode("{\"alg\":\"" + algorithm.getName() + "\"}") + "." + parts[1] + "." + parts[2];
    }

    private static String dataUrl(byte[] bytes) {
        return "data:;base64," + Base64.getEncoder().encodeToString(bytes);
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    /** Rewrites the file and moves its modification time on, as file systems with coarse timestamps may not. */
    private static void replace(Path file, byte[] bytes) throws IOException {
        FileTime before = Files.getLastModifiedTime(file);
        Files.write(file, bytes);
        Files.setLastModifiedTime(file, FileTime.fromMillis(before.toMillis() + 10_000));
    }

    private static TokenSettings secretSettings(String secretKey) {
        return new TokenSettings(secretKey, null, null, null, null, null);
    }

    private static TokenSettings publicSettings(String publicKey, String publicAlg) {
        return new TokenSettings(null, publicKey, publicAlg, null, null, null);
    }

    private static TokenSettings withAuthClaim(TokenSettings s, String claim) {
        return new TokenSettings(s.secretKey(), s.publicKey(), s.publicAlg(), claim, s.audienceClaim(), s.audience());
    }

    private static TokenSettings withAudience(TokenSettings s, String claim, String audience) {
        return new TokenSettings(s.secretKey(), s.publicKey(), s.publicAlg(), s.authClaim(), claim, audience);
    }
}
