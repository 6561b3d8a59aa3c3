package dev.outrigger.config.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns Pulsar's TLS server settings into Felix HTTP's (Jetty's) HTTPS properties. Jetty under Felix reads key stores
 * only, so PEM certificates and PKCS#8 keys are written into PKCS#12 stores with a random password, in a directory
 * only this process reads; key stores named by {@code tlsKeyStore} are checked and passed on as they are. Every error
 * names the key and, for files, the path; never a password or key material.
 */
final class TlsKeystores {

    static final String HTTPS_ENABLE = "org.apache.felix.https.enable";
    static final String HTTPS_PORT = "org.osgi.service.http.port.secure";
    static final String KEYSTORE = "org.apache.felix.https.keystore";
    static final String KEYSTORE_PASSWORD = "org.apache.felix.https.keystore.password";
    static final String KEYSTORE_KEY_PASSWORD = "org.apache.felix.https.keystore.key.password";
    static final String KEYSTORE_TYPE = "org.apache.felix.https.keystore.type";
    static final String TRUSTSTORE = "org.apache.felix.https.truststore";
    static final String TRUSTSTORE_PASSWORD = "org.apache.felix.https.truststore.password";
    static final String TRUSTSTORE_TYPE = "org.apache.felix.https.truststore.type";
    static final String CLIENT_CERTIFICATE = "org.apache.felix.https.clientcertificate";
    static final String PROTOCOLS = "org.apache.felix.https.jetty.protocols.included";
    static final String CIPHERS = "org.apache.felix.https.jetty.ciphersuites.included";
    /** Ours: changes with every rebuild of the stores, so that Felix HTTP reloads them even when their paths stay. */
    static final String GENERATION = "outrigger.tls.generation";

    /** Every property this class may write, so that a change removes the ones no longer wanted. */
    static final List<String> PROPERTIES = List.of(HTTPS_ENABLE, HTTPS_PORT, KEYSTORE, KEYSTORE_PASSWORD,
            KEYSTORE_KEY_PASSWORD, KEYSTORE_TYPE, TRUSTSTORE, TRUSTSTORE_PASSWORD, TRUSTSTORE_TYPE, CLIENT_CERTIFICATE,
            PROTOCOLS, CIPHERS, GENERATION);

    private static final Pattern PEM_KEY = Pattern.compile(
            "-----BEGIN ([A-Z ]*)PRIVATE KEY-----(.*?)-----END \\1PRIVATE KEY-----", Pattern.DOTALL);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A setting that cannot be used; the message is an operator's. */
    static final class TlsException extends Exception {
        private static final long serialVersionUID = 1L;

        TlsException(String message) {
            super(message);
        }
    }

    private TlsKeystores() {}

    /**
     * @param dir where PKCS#12 stores made from PEM files go (created, readable by this user only)
     * @param generation a number that differs from the previous call's
     * @return Felix HTTP properties; only {@link #HTTPS_ENABLE} false when TLS is off
     */
    static Map<String, Object> felixProperties(TlsSettings tls, Path dir, long generation) throws TlsException {
        Map<String, Object> properties = new LinkedHashMap<>();
        if (!tls.enabled()) {
            properties.put(HTTPS_ENABLE, Boolean.FALSE);
            return properties;
        }
        properties.put(HTTPS_ENABLE, Boolean.TRUE);
        properties.put(HTTPS_PORT, tls.portTls());
        properties.put(GENERATION, generation);
        boolean trusted;
        if (tls.withKeyStore()) {
            open("tlsKeyStore", tls.keyStore(), tls.keyStoreType(), tls.keyStorePassword());
            properties.put(KEYSTORE, tls.keyStore());
            properties.put(KEYSTORE_TYPE, tls.keyStoreType());
            if (tls.keyStorePassword() != null) {
                properties.put(KEYSTORE_PASSWORD, tls.keyStorePassword());
                properties.put(KEYSTORE_KEY_PASSWORD, tls.keyStorePassword());
            }
            trusted = tls.trustStore() != null;
            if (trusted) {
                open("tlsTrustStore", tls.trustStore(), tls.trustStoreType(), tls.trustStorePassword());
                properties.put(TRUSTSTORE, tls.trustStore());
                properties.put(TRUSTSTORE_TYPE, tls.trustStoreType());
                if (tls.trustStorePassword() != null) {
                    properties.put(TRUSTSTORE_PASSWORD, tls.trustStorePassword());
                }
            }
        } else {
            List<Certificate> chain = certificates("tlsCertificateFilePath", tls.certificateFile());
            PrivateKey key = privateKey(tls.keyFile());
            String password = password();
            KeyStore store = emptyStore();
            try {
                store.setKeyEntry("worker", key, password.toCharArray(), chain.toArray(Certificate[]::new));
            } catch (GeneralSecurityException e) {
                throw new TlsException("tlsKeyFilePath " + tls.keyFile() + " does not hold the key of the certificate "
                        + "in tlsCertificateFilePath " + tls.certificateFile() + ": " + e.getMessage());
            }
            Path keystore = write(store, password, dir, "keystore-" + generation + ".p12");
            properties.put(KEYSTORE, keystore.toString());
            properties.put(KEYSTORE_TYPE, "PKCS12");
            properties.put(KEYSTORE_PASSWORD, password);
            properties.put(KEYSTORE_KEY_PASSWORD, password);
            trusted = tls.trustCertsFile() != null;
            if (trusted) {
                KeyStore trust = emptyStore();
                int i = 0;
                for (Certificate certificate : certificates("tlsTrustCertsFilePath", tls.trustCertsFile())) {
                    try {
                        trust.setCertificateEntry("trusted-" + i++, certificate);
                    } catch (GeneralSecurityException e) {
                        throw new TlsException("tlsTrustCertsFilePath " + tls.trustCertsFile() + ": " + e.getMessage());
                    }
                }
                String trustPassword = password();
                Path truststore = write(trust, trustPassword, dir, "truststore-" + generation + ".p12");
                properties.put(TRUSTSTORE, truststore.toString());
                properties.put(TRUSTSTORE_TYPE, "PKCS12");
                properties.put(TRUSTSTORE_PASSWORD, trustPassword);
            }
        }
        // Pulsar wants a client certificate whenever it can check one, and needs one when told to
        properties.put(CLIENT_CERTIFICATE, tls.requireTrustedClientCert() ? "needs" : trusted ? "wants" : "none");
        if (!tls.protocols().isEmpty()) {
            properties.put(PROTOCOLS, String.join(",", tls.protocols()));
        }
        if (!tls.ciphers().isEmpty()) {
            properties.put(CIPHERS, String.join(",", tls.ciphers()));
        }
        return properties;
    }

    /** Stores of earlier generations, once Jetty uses the new ones. */
    static void deleteOlderThan(Path dir, long generation) {
        try (var files = Files.list(dir)) {
            files.filter(file -> {
                Matcher matcher = Pattern.compile("(keystore|truststore)-(\\d+)\\.p12").matcher(file.getFileName()
                        .toString());
                return matcher.matches() && Long.parseLong(matcher.group(2)) < generation;
            }).forEach(file -> file.toFile().delete());
        } catch (IOException e) {
            // a leftover store is harmless: it is in our private directory and wiped at the next start
        }
    }

    private static List<Certificate> certificates(String key, String file) throws TlsException {
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            Collection<? extends Certificate> certificates =
                    CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new TlsException(key + " " + file + " holds no certificate");
            }
            return new ArrayList<>(certificates);
        } catch (IOException e) {
            throw new TlsException(key + " " + file + " cannot be read: " + e.getClass().getSimpleName());
        } catch (GeneralSecurityException e) {
            throw new TlsException(key + " " + file + " is not a PEM X.509 certificate: " + e.getMessage());
        }
    }

    private static PrivateKey privateKey(String file) throws TlsException {
        String text;
        try {
            text = Files.readString(Path.of(file), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new TlsException("tlsKeyFilePath " + file + " cannot be read: " + e.getClass().getSimpleName());
        }
        Matcher matcher = PEM_KEY.matcher(text);
        if (!matcher.find()) {
            throw new TlsException("tlsKeyFilePath " + file + " holds no PEM private key");
        }
        if (!matcher.group(1).isEmpty()) {
            throw new TlsException("tlsKeyFilePath " + file + " holds a " + matcher.group(1).trim() + " key; Pulsar "
                    + "and Outrigger read PKCS#8 (-----BEGIN PRIVATE KEY-----): convert it with "
                    + "openssl pkcs8 -topk8 -nocrypt -in old.pem -out key.pem");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(matcher.group(2));
        } catch (IllegalArgumentException e) {
            throw new TlsException("tlsKeyFilePath " + file + " is not valid PEM (bad base64)");
        }
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "EdDSA")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new TlsException("tlsKeyFilePath " + file + " holds no RSA, EC or EdDSA private key in PKCS#8");
    }

    private static void open(String key, String file, String type, String password) throws TlsException {
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            KeyStore.getInstance(type).load(in, password == null ? null : password.toCharArray());
        } catch (IOException e) {
            throw new TlsException(key + " " + file + " cannot be read as a " + type + " key store with its password: "
                    + e.getClass().getSimpleName());
        } catch (GeneralSecurityException e) {
            throw new TlsException(key + " " + file + " is not a " + type + " key store: " + e.getMessage());
        }
    }

    private static KeyStore emptyStore() throws TlsException {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new TlsException("This JVM cannot make a PKCS#12 key store: " + e);
        }
    }

    private static Path write(KeyStore store, String password, Path dir, String name) throws TlsException {
        try {
            Files.createDirectories(dir);
            try {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the framework's directory is all we have
            }
            Path file = dir.resolve(name);
            try (OutputStream out = Files.newOutputStream(file)) {
                store.store(out, password.toCharArray());
            }
            return file;
        } catch (IOException | GeneralSecurityException e) {
            throw new TlsException("Cannot write the TLS key store in " + dir + ": " + e);
        }
    }

    private static String password() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
