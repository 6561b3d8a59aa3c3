package dev.outrigger.config.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsKeystoresTest {

    private static final String PASSWORD = "changeit";

    @TempDir
    static Path dir;

    private static Path store;
    private static Path certificate;
    private static Path key;

    /** A key pair made by the JDK's keytool, written as Pulsar reads it: PEM certificate, PKCS#8 PEM key. */
    @BeforeAll
    static void keyPair() throws Exception {
        store = dir.resolve("worker.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "worker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=worker", "-keystore", store.toString(), "-storetype", "PKCS12",
                "-storepass", PASSWORD, "-keypass", PASSWORD).redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0, output);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, PASSWORD.toCharArray());
        }
        certificate = dir.resolve("cert.pem");
        key = dir.resolve("key.pem");
        Files.writeString(certificate, pem("CERTIFICATE", keys.getCertificate("worker").getEncoded()));
        Files.writeString(key, pem("PRIVATE KEY", ((PrivateKey) keys.getKey("worker", PASSWORD.toCharArray()))
                .getEncoded()));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder().encodeToString(der) + "\n-----END " + type
                + "-----\n";
    }

    private static TlsSettings pemSettings(String certificateFile, String keyFile, String trust, boolean require) {
        return new TlsSettings(true, 7443, false, certificateFile, keyFile, trust, require, "JKS", null, null, "JKS",
                null, null, List.of("TLSv1.3"), List.of(), 300);
    }

    @Test
    void pemFilesBecomeAPkcs12StoreJettyCanOpen() throws Exception {
        Map<String, Object> properties = TlsKeystores.felixProperties(
                pemSettings(certificate.toString(), key.toString(), certificate.toString(), false), dir.resolve("out"), 3);
        assertEquals(true, properties.get(TlsKeystores.HTTPS_ENABLE));
        assertEquals(7443, properties.get(TlsKeystores.HTTPS_PORT));
        assertEquals("wants", properties.get(TlsKeystores.CLIENT_CERTIFICATE));
        assertEquals("TLSv1.3", properties.get(TlsKeystores.PROTOCOLS));
        KeyStore made = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of((String) properties.get(TlsKeystores.KEYSTORE)))) {
            made.load(in, ((String) properties.get(TlsKeystores.KEYSTORE_PASSWORD)).toCharArray());
        }
        assertEquals("CN=worker", ((X509Certificate) made.getCertificate("worker")).getSubjectX500Principal().getName());
        assertTrue(made.isKeyEntry("worker"));
        assertTrue(Files.exists(Path.of((String) properties.get(TlsKeystores.TRUSTSTORE))));
        assertFalse(properties.get(TlsKeystores.KEYSTORE_PASSWORD).equals(
                TlsKeystores.felixProperties(pemSettings(certificate.toString(), key.toString(), null, false),
                        dir.resolve("out"), 4).get(TlsKeystores.KEYSTORE_PASSWORD)), "a new password each time");
    }

    @Test
    void aKeyThatIsNotPkcs8IsRefusedWithTheConversionToDo() throws Exception {
        Path rsa = dir.resolve("rsa.pem");
        Files.writeString(rsa, Files.readString(key).replace("PRIVATE KEY", "RSA PRIVATE KEY"));
        TlsKeystores.TlsException refused = assertThrows(TlsKeystores.TlsException.class,
                () -> TlsKeystores.felixProperties(pemSettings(certificate.toString(), rsa.toString(), null, false),
                        dir.resolve("out"), 1));
        assertTrue(refused.getMessage().contains("tlsKeyFilePath") && refused.getMessage().contains("PKCS#8"),
                refused.getMessage());
    }

    @Test
    void missingFilesAndKeysThatAreNotKeysAreNamed() {
        TlsKeystores.TlsException missing = assertThrows(TlsKeystores.TlsException.class,
                () -> TlsKeystores.felixProperties(pemSettings("/no/cert.pem", key.toString(), null, false),
                        dir.resolve("out"), 1));
        assertTrue(missing.getMessage().startsWith("tlsCertificateFilePath /no/cert.pem"), missing.getMessage());
        TlsKeystores.TlsException notAKey = assertThrows(TlsKeystores.TlsException.class,
                () -> TlsKeystores.felixProperties(pemSettings(certificate.toString(), certificate.toString(), null,
                        false), dir.resolve("out"), 1));
        assertTrue(notAKey.getMessage().contains("holds no PEM private key"), notAKey.getMessage());
    }

    @Test
    void keyStoresArePassedOnOnceTheyOpenWithTheirPassword() throws Exception {
        TlsSettings good = new TlsSettings(true, 7443, true, null, null, null, true, "PKCS12", store.toString(),
                PASSWORD, "PKCS12", store.toString(), PASSWORD, List.of(), List.of("TLS_AES_128_GCM_SHA256"), 300);
        Map<String, Object> properties = TlsKeystores.felixProperties(good, dir.resolve("out"), 1);
        assertEquals(store.toString(), properties.get(TlsKeystores.KEYSTORE));
        assertEquals("needs", properties.get(TlsKeystores.CLIENT_CERTIFICATE));
        assertEquals("TLS_AES_128_GCM_SHA256", properties.get(TlsKeystores.CIPHERS));

        TlsSettings wrongPassword = new TlsSettings(true, 7443, true, null, null, null, false, "PKCS12",
                store.toString(), "wrong", "JKS", null, null, List.of(), List.of(), 300);
        TlsKeystores.TlsException refused = assertThrows(TlsKeystores.TlsException.class,
                () -> TlsKeystores.felixProperties(wrongPassword, dir.resolve("out"), 1));
        assertTrue(refused.getMessage().startsWith("tlsKeyStore " + store), refused.getMessage());
        assertFalse(refused.getMessage().contains("wrong"), "never the password");
    }

    @Test
    void offMeansOnlyHttpsOff() throws Exception {
        assertEquals(Map.of(TlsKeystores.HTTPS_ENABLE, false),
                TlsKeystores.felixProperties(TlsSettings.OFF, dir.resolve("out"), 1));
    }
}
