package dev.outrigger.rest.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import dev.outrigger.api.security.WorkerCredentials;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS context of calls to other workers, from Pulsar's keys: the CAs of {@code tlsTrustCertsFilePath} (else the
 * JDK's), {@code tlsAllowInsecureConnection} and {@code tlsEnableHostnameVerification}; and the client certificate
 * of this worker's broker client authentication, for workers that need one. The JDK's HTTP client always
 * asks for the host name check; trust managers that check the chain only are how it is turned off.
 */
final class WorkerTrust {

    private WorkerTrust() {}

    /** @param clientKey the certificate to present when a worker asks for one, or null */
    static SSLContext context(ChannelConfiguration config, WorkerCredentials.TlsClientKey clientKey)
            throws IOException {
        try {
            X509TrustManager trust = config.tlsAllowInsecureConnection() ? new TrustAll()
                    : chainOnlyUnless(config.tlsEnableHostnameVerification(), trustManager(config.tlsTrustCertsFilePath()));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(clientKey == null ? null : keyManagers(clientKey), new TrustManager[] {trust}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("Cannot set up TLS to the other workers: " + e.getMessage(), e);
        }
    }

    private static KeyManager[] keyManagers(WorkerCredentials.TlsClientKey clientKey)
            throws IOException, GeneralSecurityException {
        // in memory only; the password protects nothing here, the store never leaves this object
        char[] password = new char[0];
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("worker", clientKey.key(), password, clientKey.chain().toArray(Certificate[]::new));
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, password);
        return factory.getKeyManagers();
    }

    private static X509ExtendedTrustManager trustManager(String caFile) throws IOException, GeneralSecurityException {
        KeyStore store = null;
        if (caFile != null && !caFile.isBlank()) {
            store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            try (InputStream in = Files.newInputStream(Path.of(caFile.trim()))) {
                int i = 0;
                for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    store.setCertificateEntry("ca-" + i++, certificate);
                }
            }
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509ExtendedTrustManager extended) {
                return extended;
            }
        }
        throw new GeneralSecurityException("No X.509 trust manager in this JVM");
    }

    private static X509TrustManager chainOnlyUnless(boolean verifyHostname, X509ExtendedTrustManager delegate) {
        return verifyHostname ? delegate : new ChainOnly(delegate);
    }

    /** Checks the chain, not the host name (the two-argument checks carry no endpoint to compare with). */
    private static final class ChainOnly extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager delegate;

        ChainOnly(X509ExtendedTrustManager delegate) {
            this.delegate = delegate;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            delegate.checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            delegate.checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }
    }

    /** Pulsar's {@code tlsAllowInsecureConnection}: the operator chose to trust any certificate. */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
