package dev.outrigger.api.security;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** What an HTTP request presents for authentication, as the admin API received it. */
@ProviderType
public interface AuthenticationRequest {

    /** @return the first value of a request header (names are case-insensitive), if present */
    Optional<String> header(String name);

    /** @return the client's certificate chain from the TLS handshake, client first; empty on plain HTTP */
    List<X509Certificate> clientCertificates();

    /** @return the peer's address as {@code host:port}, for log lines */
    String remoteAddress();
}
