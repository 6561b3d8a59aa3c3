package dev.outrigger.config.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Pulsar's TLS server keys of {@code functions_worker.yml}, as written: either PEM files ({@code tlsCertificateFilePath},
 * {@code tlsKeyFilePath} in PKCS#8, {@code tlsTrustCertsFilePath}) or key stores ({@code tlsEnabledWithKeyStore} with
 * {@code tlsKeyStore*}, {@code tlsTrustStore*}). Pure: the files are read when {@link TlsKeystores} turns the settings
 * into Jetty's.
 */
record TlsSettings(
        boolean enabled,
        Integer portTls,
        boolean withKeyStore,
        String certificateFile,
        String keyFile,
        String trustCertsFile,
        boolean requireTrustedClientCert,
        String keyStoreType,
        String keyStore,
        String keyStorePassword,
        String trustStoreType,
        String trustStore,
        String trustStorePassword,
        List<String> protocols,
        List<String> ciphers,
        long refreshSeconds) {

    static final TlsSettings OFF = new TlsSettings(false, null, false, null, null, null, false, "JKS", null, null,
            "JKS", null, null, List.of(), List.of(), 300);

    /** @param values the file's typed values by key */
    static TlsSettings of(Map<String, Object> values) {
        boolean withKeyStore = Boolean.TRUE.equals(values.get("tlsEnabledWithKeyStore"));
        boolean enabled = Boolean.TRUE.equals(values.get("tlsEnabled")) || withKeyStore;
        return new TlsSettings(enabled,
                (Integer) values.get("workerPortTls"),
                withKeyStore,
                text(values, "tlsCertificateFilePath"),
                text(values, "tlsKeyFilePath"),
                text(values, "tlsTrustCertsFilePath"),
                Boolean.TRUE.equals(values.get("tlsRequireTrustedClientCertOnConnect")),
                orDefault(text(values, "tlsKeyStoreType"), "JKS"),
                text(values, "tlsKeyStore"),
                text(values, "tlsKeyStorePassword"),
                orDefault(text(values, "tlsTrustStoreType"), "JKS"),
                text(values, "tlsTrustStore"),
                text(values, "tlsTrustStorePassword"),
                list(values, "webServiceTlsProtocols"),
                list(values, "webServiceTlsCiphers"),
                values.get("tlsCertRefreshCheckDurationSec") instanceof Long seconds ? seconds : 300);
    }

    /** What is missing for the settings to describe a listener, each naming the key; empty when TLS is off. */
    List<String> errors(String source) {
        List<String> errors = new ArrayList<>();
        if (!enabled) {
            return errors;
        }
        if (portTls == null) {
            errors.add("tlsEnabled is true in " + source + " but workerPortTls is not set");
        }
        if (withKeyStore) {
            if (keyStore == null) {
                errors.add("tlsEnabledWithKeyStore is true in " + source + " but tlsKeyStore is not set");
            }
        } else {
            if (certificateFile == null) {
                errors.add("tlsEnabled is true in " + source + " but tlsCertificateFilePath is not set");
            }
            if (keyFile == null) {
                errors.add("tlsEnabled is true in " + source + " but tlsKeyFilePath is not set");
            }
        }
        if (requireTrustedClientCert && (withKeyStore ? trustStore == null : trustCertsFile == null)) {
            errors.add("tlsRequireTrustedClientCertOnConnect is true in " + source + " but "
                    + (withKeyStore ? "tlsTrustStore" : "tlsTrustCertsFilePath") + " names no trusted certificates");
        }
        return errors;
    }

    /** The files the listener is built from, to notice when they change. */
    List<Path> sourceFiles() {
        List<Path> files = new ArrayList<>();
        for (String file : withKeyStore ? Arrays.asList(keyStore, trustStore)
                : Arrays.asList(certificateFile, keyFile, trustCertsFile)) {
            if (file != null) {
                files.add(Path.of(file));
            }
        }
        return files;
    }

    @Override
    public String toString() {
        // never the passwords
        return enabled ? "TLS on port " + portTls + (withKeyStore ? " from " + keyStore : " from " + certificateFile)
                : "TLS off";
    }

    private static String text(Map<String, Object> values, String key) {
        return values.get(key) instanceof String text && !text.isBlank() ? text.trim() : null;
    }

    private static String orDefault(String value, String fallback) {
        return value == null ? fallback : value;
    }

    private static List<String> list(Map<String, Object> values, String key) {
        return values.get(key) instanceof String[] array
                ? Arrays.stream(array).map(String::trim).filter(value -> !value.isEmpty()).toList()
                : List.of();
    }
}
