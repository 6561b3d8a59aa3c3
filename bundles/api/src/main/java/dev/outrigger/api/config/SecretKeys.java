package dev.outrigger.api.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Which configuration keys hold secrets, one rule for every bundle that logs or reports configuration: by name, so that
 * keys nobody lists yet ({@code properties.tokenSecretKey}, {@code brokerClient_authParams}, ...) are covered too.
 */
public final class SecretKeys {

    /** What a secret value is shown as. */
    public static final String HIDDEN = "***";

    private static final List<String> MARKERS =
            List.of("password", "secret", "token", "parameters", "param", "credential", "authconf");

    private SecretKeys() {}

    /** @return whether the key's value must never be shown */
    public static boolean isSecret(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        return MARKERS.stream().anyMatch(lower::contains);
    }

    /** @return the value as an operator wrote it, or {@link #HIDDEN} for a secret key */
    public static String show(String key, Object value) {
        if (isSecret(key)) {
            return HIDDEN;
        }
        return value instanceof Object[] array ? Arrays.toString(array) : String.valueOf(value);
    }
}
