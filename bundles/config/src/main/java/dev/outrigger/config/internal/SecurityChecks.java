package dev.outrigger.config.internal;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Security keys that Outrigger cannot honour stop start-up (or are refused as a live edit), each with a reason naming
 * the key: a secured configuration must never start an open worker. Values are never quoted, only file paths.
 */
final class SecurityChecks {

    private SecurityChecks() {}

    /**
     * @param values the file's typed values by key (no defaults applied)
     * @param source the file, for messages
     */
    static List<String> errors(Map<String, Object> values, String source) {
        List<String> errors = new ArrayList<>();
        boolean authentication = Boolean.TRUE.equals(values.get("authenticationEnabled"));
        List<String> providers = values.get("authenticationProviders") instanceof String[] names
                ? Arrays.asList(names)
                : List.of();
        Map<?, ?> properties = values.get("properties") instanceof Map<?, ?> map ? map : Map.of();
        if (authentication && providers.isEmpty()) {
            errors.add("authenticationEnabled is true in " + source
                    + " but authenticationProviders names no provider, so no request could be authenticated");
        }
        if (authentication && providers.contains(WorkerKeys.TOKEN_PROVIDER)
                && isBlank(properties.get("tokenSecretKey")) && isBlank(properties.get("tokenPublicKey"))) {
            errors.add("authenticationProviders in " + source + " names " + WorkerKeys.TOKEN_PROVIDER
                    + " but properties sets neither tokenSecretKey nor tokenPublicKey");
        }
        if (authentication && providers.contains(WorkerKeys.BASIC_PROVIDER) && isBlank(properties.get("basicAuthConf"))) {
            errors.add("authenticationProviders in " + source + " names " + WorkerKeys.BASIC_PROVIDER
                    + " but properties does not set basicAuthConf");
        }
        for (String key : List.of("openIDAllowedTokenIssuers", "openIDAllowedAudiences")) {
            // the provider cannot start without either: name the key now, not a missing provider 15 s later
            if (properties.get(key) instanceof String[]) {
                errors.add("properties." + key + " in " + source + " is a list, but Pulsar reads it as one"
                        + " comma-separated string (" + key + ": \"a, b\")");
            } else if (authentication && providers.contains(WorkerKeys.OIDC_PROVIDER)
                    && isBlank(properties.get(key))) {
                errors.add("authenticationProviders in " + source + " names " + WorkerKeys.OIDC_PROVIDER
                        + " but properties does not set " + key);
            }
        }
        for (String key : List.of("tokenSecretKey", "tokenPublicKey", "basicAuthConf")) {
            missingFile(properties.get(key)).ifPresent(file -> errors.add("properties." + key + " in " + source
                    + " names the file " + file + ", which does not exist or cannot be read"));
        }
        Object brokerParameters = values.get("brokerClientAuthenticationParameters");
        missingFile(brokerParameters).ifPresent(file -> errors.add("brokerClientAuthenticationParameters in "
                + source + " names the file " + file + ", which does not exist or cannot be read"));
        return errors;
    }

    /** A {@code file:} reference (Pulsar's key and token syntax) whose file is not readable. */
    private static java.util.Optional<Path> missingFile(Object value) {
        if (!(value instanceof String text) || !text.toLowerCase(Locale.ROOT).startsWith("file:")) {
            return java.util.Optional.empty();
        }
        Path path;
        try {
            path = Path.of(URI.create(text));
        } catch (IllegalArgumentException e) {
            // "file:relative/path" is not a hierarchical URI; Pulsar's clients read it as a plain path
            path = Path.of(text.substring("file:".length()));
        }
        return Files.isReadable(path) ? java.util.Optional.empty() : java.util.Optional.of(path);
    }

    private static boolean isBlank(Object value) {
        return value == null || String.valueOf(value).isBlank();
    }
}
