package dev.outrigger.auth.oidc.internal;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.ResourceRetriever;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.text.ParseException;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One issuer's keys, fetched as Pulsar's {@code OpenIDProviderMetadataCache} and {@code JwksCache} fetch them:
 * {@code <issuer>/.well-known/openid-configuration}, whose {@code issuer} must be the issuer itself (OpenID Connect
 * Discovery 1.0, section 4.3), then its {@code jwks_uri}. The discovery document is read again with every fetch of the
 * keys, so a moved {@code jwks_uri} is followed at the next refresh. Caching is the job of the Nimbus source wrapping
 * this one; this records when it last fetched, for the unknown-kid rule.
 */
final class DiscoveredKeySet implements JWKSetSource<SecurityContext> {

    private static final Logger LOG = LoggerFactory.getLogger(DiscoveredKeySet.class);
    private static final String WELL_KNOWN = ".well-known/openid-configuration";

    private final String issuer;
    private final ResourceRetriever retriever;
    private final LongSupplier ticker;
    private volatile long lastFetch;
    private volatile boolean fetched;

    DiscoveredKeySet(String issuer, ResourceRetriever retriever, LongSupplier ticker) {
        this.issuer = issuer;
        this.retriever = retriever;
        this.ticker = ticker;
    }

    /** @return whether the keys were fetched (or a fetch was tried) less than {@code nanos} ago */
    boolean fetchedWithin(long nanos) {
        return fetched && ticker.getAsLong() - lastFetch < nanos;
    }

    @Override
    public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator refreshEvaluator, long currentTime, SecurityContext context)
            throws KeySourceException {
        // recorded before the fetch, as Pulsar does: a failing issuer is not asked again at every unknown kid either
        lastFetch = ticker.getAsLong();
        fetched = true;
        try {
            String jwksUri = discoverJwksUri();
            JWKSet keys = JWKSet.parse(retriever.retrieveResource(httpUrl(jwksUri, "jwks_uri")).getContent());
            LOG.info("OpenID issuer {}: {} key(s) fetched from {}", issuer, keys.getKeys().size(), jwksUri);
            return keys;
        } catch (KeySourceException e) {
            LOG.warn("OpenID issuer {}: {}", issuer, e.getMessage());
            throw e;
        } catch (IOException | ParseException | RuntimeException e) {
            KeySourceException failure = new KeySourceException("cannot fetch the keys of issuer " + issuer + " ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
            LOG.warn("OpenID issuer {}: {}", issuer, failure.getMessage());
            throw failure;
        }
    }

    private String discoverJwksUri() throws IOException, ParseException, KeySourceException {
        String url = issuer.endsWith("/") ? issuer + WELL_KNOWN : issuer + "/" + WELL_KNOWN;
        Map<String, Object> metadata = JSONObjectUtils.parse(retriever.retrieveResource(httpUrl(url, "issuer"))
                .getContent());
        String named = JSONObjectUtils.getString(metadata, "issuer");
        if (!issuer.equals(named)) {
            throw new KeySourceException("Issuer URL mismatch: the discovery document at " + url + " names issuer "
                    + named + ", not " + issuer);
        }
        String jwksUri = JSONObjectUtils.getString(metadata, "jwks_uri");
        if (jwksUri == null || jwksUri.isBlank()) {
            throw new KeySourceException("the discovery document at " + url + " has no jwks_uri");
        }
        return jwksUri;
    }

    /** The retriever would read file: URLs too; an issuer's document may only point at http(s). */
    private static URL httpUrl(String url, String what) throws KeySourceException {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("https") && !scheme.equals("http") || uri.getHost() == null) {
                throw new KeySourceException(what + " " + url + " is not an http(s) URL with a host");
            }
            return uri.toURL();
        } catch (java.net.URISyntaxException | java.net.MalformedURLException | IllegalArgumentException e) {
            throw new KeySourceException(what + " " + url + " is not a valid URL");
        }
    }

    @Override
    public void close() {
        // nothing held: every fetch opens and closes its own connection
    }
}
