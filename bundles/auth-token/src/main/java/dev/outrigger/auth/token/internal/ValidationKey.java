package dev.outrigger.auth.token.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;

/**
 * The key tokens are verified with and the algorithms it may verify. The rules are those Pulsar's jjwt applies to
 * the same key: an HMAC secret of at least 256 bits and only the HS* algorithms its length allows, an RSA key of at
 * least 2048 bits for RS* and PS*, an EC key for the one ES* algorithm of its curve.
 */
record ValidationKey(JWSVerifier verifier, Set<JWSAlgorithm> algorithms, String description) {

    /** The public-key families {@code tokenPublicAlg} chooses between. */
    enum PublicKeyType {
        RSA, EC
    }

    private static final Set<JWSAlgorithm> EC_ALGORITHMS = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384,
            JWSAlgorithm.ES512);

    /** @param secret the raw secret, as Pulsar's {@code tokens create-secret-key} writes it */
    static ValidationKey hmac(byte[] secret) {
        int bits = secret.length * 8;
        if (bits < 256) {
            throw new IllegalArgumentException("tokenSecretKey is " + bits
                    + " bits long; HS256 needs at least 256 bits (Pulsar refuses it too)");
        }
        Set<JWSAlgorithm> algorithms = new HashSet<>();
        algorithms.add(JWSAlgorithm.HS256);
        if (bits >= 384) {
            algorithms.add(JWSAlgorithm.HS384);
        }
        if (bits >= 512) {
            algorithms.add(JWSAlgorithm.HS512);
        }
        try {
            return new ValidationKey(new MACVerifier(secret), Set.copyOf(algorithms),
                    "HMAC secret of " + bits + " bits");
        } catch (JOSEException e) {
            throw new IllegalArgumentException("tokenSecretKey cannot be used as an HMAC key: " + e.getMessage());
        }
    }

    /** @param encoded X.509 SubjectPublicKeyInfo: DER, as Pulsar's {@code tokens create-key-pair} writes it, or PEM */
    static ValidationKey publicKey(byte[] encoded, PublicKeyType type) {
        PublicKey key;
        try {
            key = KeyFactory.getInstance(type.name()).generatePublic(new X509EncodedKeySpec(derOf(encoded)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("tokenPublicKey is not an " + type
                    + " public key (X.509 SubjectPublicKeyInfo, DER or PEM); tokenPublicAlg chooses RSA or EC");
        }
        if (key instanceof RSAPublicKey rsa) {
            int bits = rsa.getModulus().bitLength();
            if (bits < 2048) {
                throw new IllegalArgumentException("tokenPublicKey is an RSA key of " + bits
                        + " bits; RS* and PS* need at least 2048 (Pulsar refuses smaller keys too)");
            }
            RSASSAVerifier verifier = new RSASSAVerifier(rsa);
            return new ValidationKey(verifier, Set.copyOf(verifier.supportedJWSAlgorithms()),
                    "RSA public key of " + bits + " bits");
        }
        ECPublicKey ec = (ECPublicKey) key;
        ECDSAVerifier verifier;
        try {
            verifier = new ECDSAVerifier(ec);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("tokenPublicKey is an EC key on a curve JWS does not use: "
                    + e.getMessage());
        }
        // the verifier answers the one algorithm of the key's curve; Pulsar knows ES256, ES384 and ES512 only
        Set<JWSAlgorithm> algorithms = new HashSet<>(verifier.supportedJWSAlgorithms());
        algorithms.retainAll(EC_ALGORITHMS);
        if (algorithms.isEmpty()) {
            throw new IllegalArgumentException("tokenPublicKey is an EC key for " + verifier.supportedJWSAlgorithms()
                    + "; only P-256 (ES256), P-384 (ES384) and P-521 (ES512) keys are supported");
        }
        return new ValidationKey(verifier, Set.copyOf(algorithms), "EC public key for " + algorithms);
    }

    /** Pulsar reads DER only; a PEM file is accepted too, being the same key in armour. */
    private static byte[] derOf(byte[] encoded) {
        String text = new String(encoded, StandardCharsets.US_ASCII);
        if (!text.startsWith("-----BEGIN ")) {
            return encoded;
        }
        String body = text.replaceAll("-----(BEGIN|END) [A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }
}
