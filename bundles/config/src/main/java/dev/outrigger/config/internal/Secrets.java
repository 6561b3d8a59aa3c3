package dev.outrigger.config.internal;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Which keys hold secrets, and how values are shown in logs and messages without leaking them. */
final class Secrets {

    static final String HIDDEN = "***";

    private static final List<String> MARKERS = List.of("password", "secret", "token", "parameters", "authconf");

    private Secrets() {}

    /** By name, so that keys nobody knows yet ({@code properties.tokenSecretKey}, ...) are covered too. */
    static boolean isSecret(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        return MARKERS.stream().anyMatch(lower::contains);
    }

    /** The value as an operator would write it, or {@link #HIDDEN} for a secret key. */
    static String show(String key, Object value) {
        if (isSecret(key)) {
            return HIDDEN;
        }
        return value instanceof Object[] array ? Arrays.toString(array) : String.valueOf(value);
    }
}
