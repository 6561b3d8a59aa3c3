package dev.outrigger.auth.oidc.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Pulsar's {@code openID*} settings, parsed and checked. Messages name the key and quote the value: none of these
 * values is a secret. Defaults are Pulsar 4.0's.
 *
 * @param issuers {@code openIDAllowedTokenIssuers}, never empty
 * @param audiences {@code openIDAllowedAudiences}, never empty
 * @param trustCertsFile {@code openIDTokenIssuerTrustCertsFilePath}, null when the JVM's trust store is used
 */
record OidcSettings(
        Set<String> issuers,
        Set<String> audiences,
        String roleClaim,
        int leewaySeconds,
        int cacheSize,
        Duration refreshAfterWrite,
        Duration expiration,
        int connectTimeoutMillis,
        int readTimeoutMillis,
        Duration keyIdMissRefresh,
        boolean requireHttps,
        String trustCertsFile) {

    static final String ALLOWED_TOKEN_ISSUERS = "openIDAllowedTokenIssuers";
    static final String ALLOWED_AUDIENCES = "openIDAllowedAudiences";
    static final String ROLE_CLAIM = "openIDRoleClaim";
    static final String ACCEPTED_TIME_LEEWAY_SECONDS = "openIDAcceptedTimeLeewaySeconds";
    static final String CACHE_SIZE = "openIDCacheSize";
    static final String CACHE_REFRESH_AFTER_WRITE_SECONDS = "openIDCacheRefreshAfterWriteSeconds";
    static final String CACHE_EXPIRATION_SECONDS = "openIDCacheExpirationSeconds";
    static final String HTTP_CONNECTION_TIMEOUT_MILLIS = "openIDHttpConnectionTimeoutMillis";
    static final String HTTP_READ_TIMEOUT_MILLIS = "openIDHttpReadTimeoutMillis";
    static final String KEY_ID_CACHE_MISS_REFRESH_SECONDS = "openIDKeyIdCacheMissRefreshSeconds";
    static final String REQUIRE_HTTPS = "openIDRequireIssuersUseHttps";
    static final String TRUST_CERTS_FILE_PATH = "openIDTokenIssuerTrustCertsFilePath";
    static final String FALLBACK_DISCOVERY_MODE = "openIDFallbackDiscoveryMode";

    static final String ROLE_CLAIM_DEFAULT = "sub";
    static final String FALLBACK_DISABLED = "DISABLED";

    static OidcSettings of(OidcAuthenticationConfiguration config) {
        Map<String, String> values = new HashMap<>();
        values.put(ALLOWED_TOKEN_ISSUERS, config.openIDAllowedTokenIssuers());
        values.put(ALLOWED_AUDIENCES, config.openIDAllowedAudiences());
        values.put(ROLE_CLAIM, config.openIDRoleClaim());
        values.put(ACCEPTED_TIME_LEEWAY_SECONDS, config.openIDAcceptedTimeLeewaySeconds());
        values.put(CACHE_SIZE, config.openIDCacheSize());
        values.put(CACHE_REFRESH_AFTER_WRITE_SECONDS, config.openIDCacheRefreshAfterWriteSeconds());
        values.put(CACHE_EXPIRATION_SECONDS, config.openIDCacheExpirationSeconds());
        values.put(HTTP_CONNECTION_TIMEOUT_MILLIS, config.openIDHttpConnectionTimeoutMillis());
        values.put(HTTP_READ_TIMEOUT_MILLIS, config.openIDHttpReadTimeoutMillis());
        values.put(KEY_ID_CACHE_MISS_REFRESH_SECONDS, config.openIDKeyIdCacheMissRefreshSeconds());
        values.put(REQUIRE_HTTPS, config.openIDRequireIssuersUseHttps());
        values.put(TRUST_CERTS_FILE_PATH, config.openIDTokenIssuerTrustCertsFilePath());
        values.put(FALLBACK_DISCOVERY_MODE, config.openIDFallbackDiscoveryMode());
        return parse(values);
    }

    /**
     * @param values Pulsar's keys and their values; a missing or blank value takes Pulsar's default
     * @throws IllegalArgumentException naming the key, if a value cannot be used
     */
    static OidcSettings parse(Map<String, String> values) {
        String fallback = text(values, FALLBACK_DISCOVERY_MODE, FALLBACK_DISABLED);
        if (!fallback.equals(FALLBACK_DISABLED)) {
            // Pulsar's Kubernetes modes trust the API server's service-account issuer; Outrigger has no such client
            throw new IllegalArgumentException(FALLBACK_DISCOVERY_MODE + " is " + fallback + ", but Outrigger supports"
                    + " only DISABLED (no Kubernetes discovery): remove the key or set it to DISABLED, and list the"
                    + " issuers in " + ALLOWED_TOKEN_ISSUERS);
        }
        boolean requireHttps = bool(values, REQUIRE_HTTPS, true);
        Set<String> issuers = list(values, ALLOWED_TOKEN_ISSUERS);
        for (String issuer : issuers) {
            checkIssuer(issuer, requireHttps);
        }
        Set<String> audiences = list(values, ALLOWED_AUDIENCES);
        int refreshAfterWrite = number(values, CACHE_REFRESH_AFTER_WRITE_SECONDS, 18 * 60 * 60, 1);
        int expiration = number(values, CACHE_EXPIRATION_SECONDS, 24 * 60 * 60, 1);
        String trustCerts = text(values, TRUST_CERTS_FILE_PATH, null);
        return new OidcSettings(
                issuers,
                audiences,
                text(values, ROLE_CLAIM, ROLE_CLAIM_DEFAULT),
                number(values, ACCEPTED_TIME_LEEWAY_SECONDS, 0, 0),
                number(values, CACHE_SIZE, 5, 1),
                Duration.ofSeconds(refreshAfterWrite),
                Duration.ofSeconds(expiration),
                number(values, HTTP_CONNECTION_TIMEOUT_MILLIS, 10_000, 1),
                number(values, HTTP_READ_TIMEOUT_MILLIS, 10_000, 1),
                Duration.ofSeconds(number(values, KEY_ID_CACHE_MISS_REFRESH_SECONDS, 5 * 60, 0)),
                requireHttps,
                trustCerts);
    }

    /** The discovery document is fetched from the issuer, so it must be an http(s) URL, https unless allowed. */
    private static void checkIssuer(String issuer, boolean requireHttps) {
        URI uri;
        try {
            uri = new URI(issuer);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(ALLOWED_TOKEN_ISSUERS + ": " + issuer + " is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http") || uri.getHost() == null) {
            throw new IllegalArgumentException(ALLOWED_TOKEN_ISSUERS + ": " + issuer
                    + " is not an https:// URL with a host; its discovery document is read from"
                    + " <issuer>/.well-known/openid-configuration");
        }
        if (requireHttps && !scheme.equals("https")) {
            throw new IllegalArgumentException(ALLOWED_TOKEN_ISSUERS + ": " + issuer + " does not use https, and "
                    + REQUIRE_HTTPS + " is true (set it to false to trust an http issuer)");
        }
    }

    /** Pulsar's comma list: entries trimmed; blank entries dropped. */
    private static Set<String> list(Map<String, String> values, String key) {
        String value = values.get(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + " is not set: OpenID Connect authentication needs it"
                    + " (a comma-separated list)");
        }
        Set<String> entries = new LinkedHashSet<>();
        Arrays.stream(value.split(",")).map(String::strip).filter(entry -> !entry.isEmpty()).forEach(entries::add);
        if (entries.isEmpty()) {
            throw new IllegalArgumentException(key + " lists nothing: OpenID Connect authentication needs it");
        }
        // not Set.copyOf: Nimbus asks the audiences whether they contain null, which an immutable set refuses
        return Collections.unmodifiableSet(entries);
    }

    private static String text(Map<String, String> values, String key, String fallback) {
        String value = values.get(key);
        return value == null || value.isBlank() ? fallback : value.strip();
    }

    private static int number(Map<String, String> values, String key, int fallback, int minimum) {
        String value = text(values, key, null);
        if (value == null) {
            return fallback;
        }
        int parsed;
        try {
            parsed = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            // Pulsar logs this and takes the default; a typo here must not go unnoticed
            throw new IllegalArgumentException(key + " is " + value + ", not a whole number >= " + minimum);
        }
        if (parsed < minimum) {
            throw new IllegalArgumentException(key + " is " + value + ", not a whole number >= " + minimum);
        }
        return parsed;
    }

    private static boolean bool(Map<String, String> values, String key, boolean fallback) {
        String value = text(values, key, null);
        if (value == null) {
            return fallback;
        }
        // Pulsar reads anything but "true" as false: a typo would silently allow http issuers
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(key + " is " + value + ", not true or false");
        };
    }

    /** @return the settings in force, for log lines (nothing here is secret) */
    String describe() {
        return "issuers " + issuers + ", audiences " + audiences + ", role from claim " + roleClaim
                + ", leeway " + leewaySeconds + " s, keys refreshed after " + refreshAfterWrite.toSeconds()
                + " s and expired after " + expiration.toSeconds() + " s, unknown kid refresh at most every "
                + keyIdMissRefresh.toSeconds() + " s" + (trustCertsFile == null ? "" : ", CAs from " + trustCertsFile);
    }
}
