package dev.outrigger.auth.basic.internal;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The users of {@code basicAuthConf}: one {@code user:hash} per line, as Pulsar reads them. */
final class Users {

    private static final Logger LOG = LoggerFactory.getLogger(Users.class);

    private final Map<String, PasswordHash> hashes;

    private Users(Map<String, PasswordHash> hashes) {
        this.hashes = Map.copyOf(hashes);
    }

    /** @throws IllegalArgumentException if a line is not {@code user:hash}, or none is; the message quotes no hash */
    static Users parse(byte[] data) {
        Map<String, PasswordHash> hashes = new HashMap<>();
        String[] lines = new String(data, StandardCharsets.UTF_8).split("\\R");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue; // Pulsar refuses blank lines; they carry nothing, so they are skipped here
            }
            // Pulsar splits on ':' and wants exactly two parts
            String[] parts = line.split(":");
            if (parts.length != 2 || parts[0].isEmpty()) {
                throw new IllegalArgumentException("basicAuthConf line " + (i + 1) + " is not user:hash");
            }
            PasswordHash hash = PasswordHash.of(parts[1]);
            if (hash.scheme() == PasswordHash.Scheme.UNSUPPORTED) {
                LOG.warn("basicAuthConf line {}: the hash of user {} is neither apr1 ($apr1$), MD5-crypt ($1$) nor"
                        + " DES crypt; that user cannot log in", i + 1, parts[0]);
            }
            hashes.put(parts[0], hash);
        }
        if (hashes.isEmpty()) {
            throw new IllegalArgumentException("basicAuthConf holds no user:hash line");
        }
        return new Users(hashes);
    }

    /** @return the hash of that user, or null */
    PasswordHash hash(String user) {
        return hashes.get(user);
    }

    int size() {
        return hashes.size();
    }
}
