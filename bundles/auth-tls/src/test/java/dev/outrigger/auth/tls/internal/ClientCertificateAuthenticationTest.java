package dev.outrigger.auth.tls.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.outrigger.api.security.AuthenticationException;
import org.junit.jupiter.api.Test;

class ClientCertificateAuthenticationTest {

    @Test
    void theRoleIsTheMostSpecificCommonName() throws Exception {
        assertEquals("admin", ClientCertificateAuthentication.commonName("CN=admin,OU=ops,O=Example,C=US"));
        assertEquals("leaf", ClientCertificateAuthentication.commonName("CN=leaf,CN=parent,O=Example"));
        assertEquals("a,b", ClientCertificateAuthentication.commonName("CN=a\\,b,O=Example"));
    }

    @Test
    void aSubjectWithoutCommonNameIsRefused() {
        assertThrows(AuthenticationException.class,
                () -> ClientCertificateAuthentication.commonName("OU=ops,O=Example"));
        assertThrows(AuthenticationException.class, () -> ClientCertificateAuthentication.commonName("not a dn"));
    }
}
