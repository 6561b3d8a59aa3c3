package dev.outrigger.auth.tls.internal;

import dev.outrigger.api.security.AuthenticationException;
import dev.outrigger.api.security.AuthenticationProvider;
import dev.outrigger.api.security.AuthenticationRequest;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.osgi.service.component.annotations.Component;

/**
 * Pulsar's {@code AuthenticationProviderTls}: the role is the common name (CN) of the client certificate. The chain
 * was verified by the TLS listener against {@code tlsTrustCertsFilePath} (or {@code tlsTrustStore}) during the
 * handshake; a request over plain HTTP, or without a certificate, is not authenticated by this method.
 */
@Component(property = AuthenticationProvider.PULSAR_CLASS_NAMES
        + "=org.apache.pulsar.broker.authentication.AuthenticationProviderTls")
public final class ClientCertificateAuthentication implements AuthenticationProvider {

    @Override
    public String authenticationMethod() {
        return "tls";
    }

    @Override
    public String authenticate(AuthenticationRequest request) throws AuthenticationException {
        List<X509Certificate> chain = request.clientCertificates();
        if (chain.isEmpty()) {
            throw new AuthenticationException("No client certificate from " + request.remoteAddress());
        }
        String subject = chain.get(0).getSubjectX500Principal().getName();
        return commonName(subject);
    }

    /** The last CN of the subject, as Pulsar takes it (the most specific one). */
    static String commonName(String subject) throws AuthenticationException {
        try {
            List<Rdn> rdns = new LdapName(subject).getRdns();
            // LdapName lists the least specific first
            for (int i = rdns.size() - 1; i >= 0; i--) {
                if ("CN".equalsIgnoreCase(rdns.get(i).getType())) {
                    String value = String.valueOf(rdns.get(i).getValue()).trim();
                    if (!value.isEmpty()) {
                        return value;
                    }
                }
            }
        } catch (InvalidNameException e) {
            throw new AuthenticationException("Client certificate subject is not a distinguished name");
        }
        throw new AuthenticationException("Client certificate subject has no common name (CN)");
    }
}
