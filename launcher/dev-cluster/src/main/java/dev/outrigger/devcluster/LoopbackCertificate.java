package dev.outrigger.devcluster;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for loopback ({@code 127.0.0.1}, {@code localhost}) made by the JDK's keytool, written as
 * Pulsar reads TLS files: the certificate in PEM, the key in PKCS#8 PEM. Being self-signed, the certificate is also
 * the file its clients trust.
 *
 * @param certificate the PEM certificate
 * @param key the PKCS#8 PEM private key
 */
public record LoopbackCertificate(Path certificate, Path key) {

    private static final String PASSWORD = "changeit";

    /**
     * @param dir where the files go ({@code <commonName>.cert.pem}, {@code <commonName>.key-pk8.pem})
     * @param commonName the subject's CN
     */
    public static LoopbackCertificate create(Path dir, String commonName) {
        try {
            Files.createDirectories(dir);
            Path store = dir.resolve(commonName + ".p12");
            Files.deleteIfExists(store);
            Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", "loopback", "-keyalg", "RSA", "-keysize", "2048", "-validity", "30",
                    "-dname", "CN=" + commonName, "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                    "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD,
                    "-keypass", PASSWORD).redirectErrorStream(true).start();
            String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
                throw new IllegalStateException("keytool could not make a certificate for " + commonName + ": "
                        + output);
            }
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                keys.load(in, PASSWORD.toCharArray());
            }
            Path certificate = dir.resolve(commonName + ".cert.pem");
            Path key = dir.resolve(commonName + ".key-pk8.pem");
            Files.writeString(certificate, pem("CERTIFICATE", keys.getCertificate("loopback").getEncoded()));
            Files.writeString(key, pem("PRIVATE KEY",
                    ((PrivateKey) keys.getKey("loopback", PASSWORD.toCharArray())).getEncoded()));
            return new LoopbackCertificate(certificate, key);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while making a certificate", e);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot make a certificate for " + commonName + " in " + dir + ": " + e, e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
