package dev.outrigger.auth.basic.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.regex.Pattern;
import org.apache.commons.codec.digest.Md5Crypt;
import org.apache.commons.codec.digest.UnixCrypt;

/**
 * One user's password hash, checked as Pulsar's {@code AuthenticationProviderBasic} does with commons-codec: Apache's
 * {@code $apr1$} MD5 (htpasswd's default), otherwise {@code crypt(3)} with the hash's first two characters as salt,
 * which for Pulsar is DES crypt. MD5-crypt {@code $1$} hashes are checked too: Pulsar's {@code crypt} call passes
 * them a two-character salt commons-codec refuses, so no such user can log into Pulsar.
 */
final class PasswordHash {

    enum Scheme {
        APR1, MD5_CRYPT, DES_CRYPT, UNSUPPORTED
    }

    private static final Pattern DES = Pattern.compile("[./0-9A-Za-z]{13}");

    private final String hash;
    private final Scheme scheme;

    private PasswordHash(String hash, Scheme scheme) {
        this.hash = hash;
        this.scheme = scheme;
    }

    static PasswordHash of(String hash) {
        Scheme scheme;
        if (hash.startsWith("$apr1$")) {
            scheme = Scheme.APR1;
        } else if (hash.startsWith("$1$")) {
            scheme = Scheme.MD5_CRYPT;
        } else if (DES.matcher(hash).matches()) {
            scheme = Scheme.DES_CRYPT;
        } else {
            scheme = Scheme.UNSUPPORTED;
        }
        return new PasswordHash(hash, scheme);
    }

    Scheme scheme() {
        return scheme;
    }

    /** @return whether the password hashes to this hash; compared in constant time */
    boolean matches(String password) {
        byte[] key = password.getBytes(StandardCharsets.UTF_8);
        String computed;
        try {
            computed = switch (scheme) {
                // the whole hash is a valid salt argument: commons-codec reads the salt out of it
                case APR1 -> Md5Crypt.apr1Crypt(key, hash);
                case MD5_CRYPT -> Md5Crypt.md5Crypt(key, hash);
                case DES_CRYPT -> UnixCrypt.crypt(key, hash.substring(0, 2));
                case UNSUPPORTED -> null;
            };
        } catch (IllegalArgumentException e) {
            // a salt commons-codec refuses: no password matches it
            return false;
        }
        return computed != null && MessageDigest.isEqual(computed.getBytes(StandardCharsets.UTF_8),
                hash.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return scheme.name(); // never the hash
    }
}
