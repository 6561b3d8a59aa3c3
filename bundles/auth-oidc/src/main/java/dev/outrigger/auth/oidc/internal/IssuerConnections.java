package dev.outrigger.auth.oidc.internal;

import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.ResourceRetriever;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/** How the issuers' discovery documents and key sets are fetched: Pulsar's timeouts and trusted CAs. */
final class IssuerConnections {

    /** Discovery documents of large providers are a few kilobytes and key sets less; this only bounds a bad answer. */
    private static final int SIZE_LIMIT_BYTES = 512 * 1024;

    private IssuerConnections() {}

    /**
     * @throws IllegalArgumentException naming {@code openIDTokenIssuerTrustCertsFilePath} if its file cannot be used
     */
    static ResourceRetriever retriever(OidcSettings settings) {
        SSLSocketFactory sockets = settings.trustCertsFile() == null ? null : trusting(settings.trustCertsFile());
        // disconnect after use: a refresh every few hours gains nothing from a kept-alive connection
        return new DefaultResourceRetriever(settings.connectTimeoutMillis(), settings.readTimeoutMillis(),
                SIZE_LIMIT_BYTES, true, sockets);
    }

    /** As Pulsar: only the CAs of the file are trusted for the issuers, not the JVM's. */
    private static SSLSocketFactory trusting(String file) {
        Path path = Path.of(file);
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(path)) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(OidcSettings.TRUST_CERTS_FILE_PATH + ": cannot read certificates from "
                    + path + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException(OidcSettings.TRUST_CERTS_FILE_PATH + ": " + path
                    + " holds no PEM certificate");
        }
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int index = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("issuer-ca-" + index++, certificate);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(OidcSettings.TRUST_CERTS_FILE_PATH + ": the certificates of " + path
                    + " cannot be trusted (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
    }
}
