package dev.outrigger.packages.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.api.metadata.ComponentType;
import dev.outrigger.api.metadata.FunctionKey;
import dev.outrigger.api.packages.PackageException;
import dev.outrigger.api.packages.PackageException.Reason;
import dev.outrigger.api.packages.PackageRef;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.bookkeeper.conf.ClientConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parts that need neither a cluster nor a server. */
class PackagesUnitTest {

    private static final String[] NONE = {};

    @TempDir
    Path dir;

    @Test
    void ledgerLocations() throws PackageException {
        assertEquals("bookkeeper://ledger/42", LedgerLocation.of(42));
        assertEquals(42, LedgerLocation.parse("bookkeeper://ledger/42"));
        assertEquals("bookkeeper", new PackageRef(LedgerLocation.of(7), null, -1).scheme());
        for (String bad : List.of("bookkeeper://ledger/", "bookkeeper://ledger/-1", "bookkeeper://ledger/1x",
                "bookkeeper://ledger/99999999999999999999", "bookkeeper:ledger/1", "http://ledger/1")) {
            PackageException e = assertThrows(PackageException.class, () -> LedgerLocation.parse(bad), bad);
            assertEquals(Reason.INVALID, e.reason());
        }
    }

    @Test
    void metadataServiceUriFromTheBroker() {
        assertEquals("zk+hierarchical://zk:2181/ledgers",
                BrokerMetadataServiceUri.derive("zk+hierarchical://zk:2181/ledgers", "zk:other:2181", "/x"));
        assertEquals("zk+null://127.0.0.1:2181/ledgers",
                BrokerMetadataServiceUri.derive(null, "zk:127.0.0.1:2181", "/ledgers"));
        assertEquals("zk+null://a:2181;b:2181/ledgers", BrokerMetadataServiceUri.derive(" ", "a:2181,b:2181", null));
        assertEquals("zk+null://a:2181/chroot/bk",
                BrokerMetadataServiceUri.derive(null, "metadata-store:zk:a:2181/chroot/", "bk"));
        assertThrows(IllegalArgumentException.class,
                () -> BrokerMetadataServiceUri.derive(null, "etcd:http://etcd:2379", "/ledgers"));
        assertThrows(IllegalArgumentException.class, () -> BrokerMetadataServiceUri.derive(null, null, null));
    }

    @Test
    void settingsFromTheWorkerConfiguration() {
        PackagesConfiguration config = config(Map.of(
                "numFunctionPackageReplicas", 3,
                "bookkeeperMetadataServiceUri", " zk+null://zk:2181/ledgers ",
                "bookkeeperClientAuthenticationPlugin", "org.apache.bookkeeper.sasl.SASLClientProviderFactory",
                "bookkeeperClientAuthenticationParametersName", "clientAuthParams",
                "bookkeeperClientAuthenticationParameters", "secret",
                "functionPackageMaxSizeBytes", 5L));
        BookKeeperSettings settings = BookKeeperSettings.from(config, Map.of(
                "properties.bookkeeper_useV2WireProtocol", true, "properties.brokerClient_x", "y", "workerPort", 1));

        assertEquals(3, settings.replicas());
        assertEquals(5, settings.maxSizeBytes());
        assertEquals("zk+null://zk:2181/ledgers", settings.client().metadataServiceUri());
        assertEquals(Map.of("useV2WireProtocol", "true"), settings.client().extraProperties());
        assertFalse(settings.toString().contains("secret"), settings.toString());

        ClientConfiguration conf = BookKeeperPackageStore.clientConfiguration(settings.client(), "zk+null://h/l");
        assertEquals("zk+null://h/l", conf.getMetadataServiceUriUnchecked());
        assertEquals("org.apache.bookkeeper.sasl.SASLClientProviderFactory", conf.getClientAuthProviderFactoryClass());
        assertEquals("secret", conf.getString("clientAuthParams"));
        assertEquals("true", conf.getString("useV2WireProtocol"));

        BookKeeperSettings defaults = BookKeeperSettings.from(config(Map.of()), Map.of());
        assertEquals(1, defaults.replicas());
        assertEquals(100L * 1024 * 1024, defaults.maxSizeBytes());
        assertEquals("", defaults.client().metadataServiceUri());
        assertEquals(null, BookKeeperPackageStore.clientConfiguration(defaults.client(), "zk+null://h/l")
                .getClientAuthProviderFactoryClass());
        assertThrows(IllegalArgumentException.class,
                () -> BookKeeperSettings.from(config(Map.of("numFunctionPackageReplicas", 0)), Map.of()));
    }

    @Test
    void customMetadataNamesOwnerFileAndFormat() {
        Map<String, byte[]> metadata = BookKeeperPackageStore.customMetadata(
                new FunctionKey("t", "n", "f"), "é.jar");
        assertEquals("t/n/f", new String(metadata.get("outrigger.owner"), StandardCharsets.UTF_8));
        assertEquals("é.jar", new String(metadata.get("outrigger.file"), StandardCharsets.UTF_8));
        assertEquals("1", new String(metadata.get("outrigger.format"), StandardCharsets.UTF_8));
    }

    @Test
    void pulsarsPackageUrlRule() {
        Path functions = dir.resolve("functions");
        Path connectors = dir.resolve("connectors");
        PackageUrlRule rule = new PackageUrlRule(true, functions.toString(), new String[] {"https://repo/f/.*"},
                true, connectors.toString(), new String[] {"https://repo/c/.*"});

        assertTrue(rule.allows(ComponentType.FUNCTION, functions.resolve("a/f.jar").toUri()));
        assertFalse(rule.allows(ComponentType.FUNCTION, connectors.resolve("c.nar").toUri()));
        assertTrue(rule.allows(ComponentType.SINK, connectors.resolve("c.nar").toUri()));
        assertTrue(rule.allows(null, connectors.resolve("c.nar").toUri()), "either kind when unknown");
        assertFalse(rule.allows(null, URI.create(functions.toUri() + "../secret")), "normalized first");
        assertFalse(rule.allows(null, URI.create("file:" + dir.resolve("functions-not").toString())),
                "a sibling whose name starts the same is outside");
        assertTrue(rule.allows(ComponentType.FUNCTION, URI.create("https://repo/f/x.jar")));
        assertTrue(rule.allows(ComponentType.FUNCTION, URI.create("https://repo/f/../f/x.jar")));
        assertFalse(rule.allows(ComponentType.FUNCTION, URI.create("https://repo/f/../c/x.jar")));
        assertFalse(rule.allows(ComponentType.FUNCTION, URI.create("https://repo/c/x.jar")));
        assertTrue(rule.allows(ComponentType.SOURCE, URI.create("https://repo/c/x.jar")));
        assertFalse(rule.allows(null, URI.create("xhttps://repo/f/x.jar")), "full match, not find");

        PackageUrlRule disabled = new PackageUrlRule(false, functions.toString(), NONE,
                false, connectors.toString(), NONE);
        assertFalse(disabled.allows(null, functions.resolve("f.jar").toUri()));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PackageUrlRule(
                false, "", new String[] {"(unclosed"}, false, "", NONE));
        assertTrue(e.getMessage().contains("additionalEnabledFunctionsUrlPatterns"), e.getMessage());
    }

    @Test
    void urlSchemes() throws PackageException {
        assertEquals("https://h/x.jar", UrlPackageStore.parse("HTTPS://h/x.jar").toString());
        assertEquals("file", UrlPackageStore.parse("file:///x.jar").getScheme());
        assertEquals(Reason.INVALID,
                assertThrows(PackageException.class, () -> UrlPackageStore.parse("s3://b/x.jar")).reason());
        assertEquals(Reason.INVALID,
                assertThrows(PackageException.class, () -> UrlPackageStore.parse("http://h/ x")).reason());
    }

    @Test
    void targetFileMovesOnlyVerifiedBytesIntoPlace() throws Exception {
        byte[] bytes = "package bytes".getBytes(StandardCharsets.UTF_8);
        String sha = BookKeeperPackageStoreTest.sha256(bytes);
        Path target = dir.resolve("a/b/p.jar");

        try (TargetFile out = TargetFile.create(target)) {
            out.write(bytes, 0, 7);
            out.write(bytes, 7, bytes.length - 7);
            assertFalse(Files.exists(target), "not before it is verified");
            out.commit(new PackageRef("x:y", sha, bytes.length), "Package x:y");
        }
        assertEquals("package bytes", Files.readString(target));

        PackageException e;
        try (TargetFile out = TargetFile.create(target)) {
            out.write(bytes, 0, bytes.length);
            e = assertThrows(PackageException.class,
                    () -> out.commit(new PackageRef("x:y", sha, bytes.length + 1), "Package x:y"));
        }
        assertEquals(Reason.CORRUPT, e.reason());
        assertTrue(e.getMessage().startsWith("Package x:y is corrupt"), e.getMessage());
        try (Stream<Path> left = Files.list(target.getParent())) {
            assertEquals(List.of(), left.toList(), "neither the old copy nor the partial file");
        }
    }

    /** An instance of the configuration annotation: the given values, the annotation's defaults for the rest. */
    private static PackagesConfiguration config(Map<String, Object> values) {
        return (PackagesConfiguration) Proxy.newProxyInstance(
                PackagesConfiguration.class.getClassLoader(),
                new Class<?>[] {PackagesConfiguration.class},
                (proxy, method, args) -> values.containsKey(method.getName())
                        ? values.get(method.getName())
                        : method.getDefaultValue());
    }
}
