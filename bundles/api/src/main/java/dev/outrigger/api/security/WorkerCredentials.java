package dev.outrigger.api.security;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What this worker presents when it calls another worker's admin API: the credentials of its broker client ({@code
 * brokerClientAuthentication*}), as Pulsar's worker does. Registered by the bundle owning the broker clients.
 */
@ProviderType
public interface WorkerCredentials {

    /**
     * @param host the host the request goes to (some methods sign per host)
     * @return the HTTP headers to add; empty when the worker has no client authentication; never logged
     */
    Map<String, String> httpHeaders(String host);

    /**
     * A client certificate and its key, for workers that need one on connect
     * ({@code tlsRequireTrustedClientCertOnConnect}): Pulsar's {@code AuthenticationTls} as broker client
     * authentication gives it.
     *
     * @param chain the certificate chain, the client's first
     * @param key its private key; never logged
     */
    record TlsClientKey(List<X509Certificate> chain, PrivateKey key) {

        public TlsClientKey {
            chain = List.copyOf(chain);
        }

        @Override
        public String toString() {
            return "TlsClientKey[" + (chain.isEmpty() ? "no certificate" : chain.get(0).getSubjectX500Principal())
                    + "]";
        }
    }

    /** @return the client certificate to present on TLS connections, if this worker's authentication has one */
    default Optional<TlsClientKey> tlsClientKey() {
        return Optional.empty();
    }
}
