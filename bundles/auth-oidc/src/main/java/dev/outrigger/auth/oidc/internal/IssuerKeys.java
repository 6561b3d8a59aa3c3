package dev.outrigger.auth.oidc.internal;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyConverter;
import com.nimbusds.jose.jwk.source.CachingJWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.RefreshAheadCachingJWKSetSource;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import java.security.Key;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The verification keys of one issuer, for Nimbus's {@code DefaultJWTProcessor}: Nimbus's caching JWK set source
 * (time to live {@code openIDCacheExpirationSeconds}, refreshed in the background once older than
 * {@code openIDCacheRefreshAfterWriteSeconds}, as Pulsar's Caffeine caches), and Pulsar's rule for a {@code kid} not
 * among the cached keys: refresh them, unless they were fetched less than {@code openIDKeyIdCacheMissRefreshSeconds}
 * ago. A key matches the token's {@code kid}, key type, curve and {@code alg} (when the key names one).
 */
final class IssuerKeys implements JWSKeySelector<SecurityContext> {

    private final String issuer;
    private final DiscoveredKeySet source;
    private final CachingJWKSetSource<SecurityContext> cache;
    private final LongSupplier ticker;
    private final long origin;
    private final long keyIdMissRefreshNanos;

    /**
     * @param refresher runs the background refreshes; owned by the caller, which shuts it down
     * @param ticker monotonic nanoseconds: the cache's clock and the unknown-kid pacing
     */
    IssuerKeys(String issuer, OidcSettings settings, DiscoveredKeySet source, ExecutorService refresher,
            LongSupplier ticker) {
        this.issuer = issuer;
        this.source = source;
        this.ticker = ticker;
        // the cache's times count from here: System.nanoTime() may be negative, Nimbus's times may not
        this.origin = ticker.getAsLong();
        this.keyIdMissRefreshNanos = settings.keyIdMissRefresh().toNanos();
        long timeToLive = settings.expiration().toMillis();
        // a request waiting for another's fetch waits as long as that fetch may take: discovery, then the key set
        long refreshTimeout = 2L * (settings.connectTimeoutMillis() + settings.readTimeoutMillis()) + 1_000;
        long refreshAhead = timeToLive - settings.refreshAfterWrite().toMillis();
        // Nimbus needs the background refresh to finish before expiry; a shorter window just refreshes a bit later
        refreshAhead = Math.min(refreshAhead, timeToLive - refreshTimeout);
        this.cache = refreshAhead > 0
                ? new RefreshAheadCachingJWKSetSource<>(source, timeToLive, refreshTimeout, refreshAhead, false,
                        refresher, false, null)
                : new CachingJWKSetSource<>(source, timeToLive, refreshTimeout, null);
    }

    @Override
    public List<? extends Key> selectJWSKeys(JWSHeader header, SecurityContext context) throws KeySourceException {
        JWKMatcher matcher = JWKMatcher.forJWSHeader(header);
        if (matcher == null) {
            throw new KeySourceException("the token's algorithm " + header.getAlgorithm() + " is not supported");
        }
        JWKSelector selector = new JWKSelector(matcher);
        long now = TimeUnit.NANOSECONDS.toMillis(ticker.getAsLong() - origin);
        JWKSet cached = cache.getJWKSet(JWKSetCacheRefreshEvaluator.noRefresh(), now, context);
        List<JWK> found = selector.select(cached);
        if (found.isEmpty()) {
            if (source.fetchedWithin(keyIdMissRefreshNanos)) {
                throw new UnknownKeyException("issuer " + issuer + " has no " + header.getAlgorithm()
                        + " key with kid " + header.getKeyID() + " (its keys were fetched less than "
                        + TimeUnit.NANOSECONDS.toSeconds(keyIdMissRefreshNanos) + " s ago, "
                        + OidcSettings.KEY_ID_CACHE_MISS_REFRESH_SECONDS + ")");
            }
            // only if no other request refreshed them meanwhile
            JWKSet fresh = cache.getJWKSet(JWKSetCacheRefreshEvaluator.referenceComparison(cached), now, context);
            found = selector.select(fresh);
            if (found.isEmpty()) {
                throw new UnknownKeyException("issuer " + issuer + " has no " + header.getAlgorithm()
                        + " key with kid " + header.getKeyID() + ", even after fetching its keys again");
            }
        }
        return KeyConverter.toJavaKeys(found);
    }

    /** No key of the issuer verifies this token's {@code kid} and algorithm. */
    static final class UnknownKeyException extends KeySourceException {
        private static final long serialVersionUID = 1L;

        UnknownKeyException(String message) {
            super(message);
        }
    }
}
