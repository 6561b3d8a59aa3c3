package dev.outrigger.auth.basic.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.api.security.AuthenticationException;
import dev.outrigger.api.security.AuthenticationRequest;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BasicAuthenticationProviderTest {

    // made outside Java, so the check does not just agree with itself:
    //   openssl passwd -apr1 -salt Zx9Qa1bC apr-secret; openssl passwd -1 -salt Qw3rTy md5-secret;
    //   perl -e 'print crypt("des-pass", "aB")'
    private static final String APR1 = "apr:$apr1$Zx9Qa1bC$hYMpZpWvQ3kT48oIiLkV5/";
    private static final String MD5 = "md5:$1$Qw3rTy$qqap47/1l55zXbU3CocxC.";
    private static final String DES = "des:aBtm168oWuTuc";
    private static final String USERS = APR1 + "\n" + MD5 + "\n" + DES + "\n";

    @TempDir
    Path dir;

    private final AtomicLong ticker = new AtomicLong(5_000_000_000L);

    @Test
    void apr1Md5AndDesCryptUsersAccepted() throws Exception {
        BasicAuthenticationProvider provider = provider(dataUrl(USERS));
        assertEquals("apr", provider.authenticate(basic("apr", "apr-secret")));
        assertEquals("md5", provider.authenticate(basic("md5", "md5-secret")));
        assertEquals("des", provider.authenticate(basic("des", "des-pass")));
        assertEquals("basic", provider.authenticationMethod());
    }

    @Test
    void usersFromAPathAFileUrlOrBase64() throws Exception {
        Path file = Files.writeString(dir.resolve("users"), USERS);
        String base64 = Base64.getEncoder().encodeToString(USERS.getBytes(StandardCharsets.UTF_8));
        for (String setting : List.of(file.toString(), file.toUri().toString(), base64)) {
            assertEquals("apr", provider(setting).authenticate(basic("apr", "apr-secret")), setting);
        }
    }

    @Test
    void wrongPasswordRefused() throws Exception {
        BasicAuthenticationProvider provider = provider(dataUrl(USERS));
        assertRefused(provider, basic("apr", "md5-secret"), "Unknown user or invalid password");
        assertRefused(provider, basic("md5", "apr-secret"), "Unknown user or invalid password");
        assertRefused(provider, basic("des", "des-pas"), "Unknown user or invalid password");
    }

    @Test
    void unknownUserRefused() throws Exception {
        BasicAuthenticationProvider provider = provider(dataUrl(USERS));
        assertRefused(provider, basic("mallory", "apr-secret"), "Unknown user or invalid password");
        assertRefused(provider, basic("", "apr-secret"), "Unknown user or invalid password");
    }

    @Test
    void malformedHeadersRefused() throws Exception {
        BasicAuthenticationProvider provider = provider(dataUrl(USERS));
        assertRefused(provider, header(null), "has to be started with \"Basic \"");
        assertRefused(provider, header("Bearer abc"), "has to be started with \"Basic \"");
        assertRefused(provider, header("Basic"), "has to be started with \"Basic \"");
        assertRefused(provider, header("Basic " + encode("apr:apr-secret") + " more"),
                "Base64 encoded token is not found");
        assertRefused(provider, header("Basic !!not-base64!!"), "Base64 decoding is failure");
        assertRefused(provider, header("Basic " + encode("apr")), "Base64 decoded params are invalid");
        assertRefused(provider, header("Basic " + encode("apr:")), "Base64 decoded params are invalid");
        // Pulsar splits on every ':', so a password holding one cannot log in
        assertRefused(provider, header("Basic " + encode("apr:apr-secret:x")), "Base64 decoded params are invalid");
    }

    @Test
    void schemeIsCaseInsensitiveAsInPulsar() throws Exception {
        BasicAuthenticationProvider provider = provider(dataUrl(USERS));
        assertEquals("apr", provider.authenticate(header("basic " + encode("apr:apr-secret"))));
    }

    @Test
    void usersFileChangePickedUp() throws Exception {
        Path file = Files.writeString(dir.resolve("users"), APR1 + "\n");
        BasicAuthenticationProvider provider = provider(file.toString());
        assertEquals("apr", provider.authenticate(basic("apr", "apr-secret")));
        assertRefused(provider, basic("des", "des-pass"), "Unknown user or invalid password");

        replace(file, DES + "\n");
        ticker.addAndGet(999_000_000L); // within the second: not looked at yet
        assertEquals("apr", provider.authenticate(basic("apr", "apr-secret")));
        ticker.addAndGet(1_000_000L);
        assertEquals("des", provider.authenticate(basic("des", "des-pass")));
        assertRefused(provider, basic("apr", "apr-secret"), "Unknown user or invalid password");
    }

    @Test
    void usersFileChangeThatCannotBeUsedKeepsThePreviousUsers() throws Exception {
        Path file = Files.writeString(dir.resolve("users"), APR1 + "\n");
        BasicAuthenticationProvider provider = provider(file.toString());

        replace(file, "not a user line\n");
        ticker.addAndGet(1_000_000_000L);
        assertEquals("apr", provider.authenticate(basic("apr", "apr-secret")));

        replace(file, MD5 + "\n");
        ticker.addAndGet(1_000_000_000L);
        assertEquals("md5", provider.authenticate(basic("md5", "md5-secret")));
    }

    @Test
    void unsupportedHashRefusesOnlyThatUser() throws Exception {
        BasicAuthenticationProvider provider = provider(dataUrl(APR1 + "\nsha:$6$salt$abcdefghijklmnop\nshort:ab\n"));
        assertRefused(provider, basic("sha", "anything"), "Unknown user or invalid password");
        assertRefused(provider, basic("short", "ab"), "Unknown user or invalid password");
        assertEquals("apr", provider.authenticate(basic("apr", "apr-secret")));
    }

    @Test
    void modifiedConfigurationAppliesInPlace() throws Exception {
        BasicAuthenticationProvider provider = provider(dataUrl(APR1));
        provider.apply(dataUrl(DES));
        assertEquals("des", provider.authenticate(basic("des", "des-pass")));
        assertRefused(provider, basic("apr", "apr-secret"), "Unknown user or invalid password");

        provider.apply("");
        assertRefused(provider, basic("des", "des-pass"), "misconfigured: basic authentication needs basicAuthConf");

        provider.apply(dataUrl(MD5));
        assertEquals("md5", provider.authenticate(basic("md5", "md5-secret")));
    }

    @Test
    void invalidConfigurationsFailActivation() throws IOException {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> provider(" ")).getMessage()
                .contains("needs basicAuthConf"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> provider(dataUrl(APR1 + "\nbroken\n")))
                .getMessage().contains("basicAuthConf line 2 is not user:hash"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> provider(dataUrl("\n\n"))).getMessage()
                .contains("no user:hash line"));
        Path missing = dir.resolve("absent");
        assertTrue(assertThrows(IOException.class, () -> provider(missing.toUri().toString())).getMessage()
                .contains("basicAuthConf: cannot read " + missing));
        String notAnything = "no-such-file*";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> provider(notAnything));
        assertTrue(e.getMessage().contains("not the path of an existing file"), e.getMessage());
    }

    @Test
    void systemPropertyIsPulsarsFallback() throws Exception {
        BasicAuthenticationConfiguration unset = new BasicAuthenticationConfiguration() {
            @Override
            public String _basicAuthConf() {
                return "";
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return BasicAuthenticationConfiguration.class;
            }
        };
        System.setProperty(BasicAuthenticationProvider.SYSTEM_PROPERTY, dataUrl(MD5));
        try {
            assertEquals("md5", new BasicAuthenticationProvider(unset).authenticate(basic("md5", "md5-secret")));
        } finally {
            System.clearProperty(BasicAuthenticationProvider.SYSTEM_PROPERTY);
        }
        assertThrows(IllegalArgumentException.class, () -> new BasicAuthenticationProvider(unset));
    }

    // --- helpers --------------------------------------------------------------------------------------------------

    private BasicAuthenticationProvider provider(String basicAuthConf) throws IOException {
        return new BasicAuthenticationProvider(basicAuthConf, ticker::get);
    }

    /** Asserts the refusal and its reason, and that the message holds no password. */
    private static void assertRefused(BasicAuthenticationProvider provider, AuthenticationRequest request,
            String reason) {
        AuthenticationException e = assertThrows(AuthenticationException.class, () -> provider.authenticate(request));
        assertTrue(e.getMessage().contains(reason), "expected [" + reason + "] in: " + e.getMessage());
        for (String password : List.of("apr-secret", "md5-secret", "des-pass")) {
            assertFalse(e.getMessage().contains(password), e.getMessage());
        }
    }

    private static AuthenticationRequest basic(String user, String password) {
        return header("Basic " + encode(user + ":" + password));
    }

    private static String encode(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String dataUrl(String text) {
        return "data:;base64," + encode(text);
    }

    private static AuthenticationRequest header(String authorization) {
        return new AuthenticationRequest() {
            @Override
            public Optional<String> header(String name) {
                return name.equalsIgnoreCase("Authorization") ? Optional.ofNullable(authorization) : Optional.empty();
            }

            @Override
            public List<X509Certificate> clientCertificates() {
                return List.of();
            }

            @Override
            public String remoteAddress() {
                return "127.0.0.1:50000";
            }
        };
    }

    /** Rewrites the file and moves its modification time on, as file systems with coarse timestamps may not. */
    private static void replace(Path file, String text) throws IOException {
        FileTime before = Files.getLastModifiedTime(file);
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, FileTime.fromMillis(before.toMillis() + 10_000));
    }
}
