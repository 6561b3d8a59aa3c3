package dev.outrigger.devcluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The broker's standalone.conf as written, read back the way the broker reads it (a .properties file). */
class StandaloneConfTest {

    private static final List<String> SECURITY_KEYS = List.of("authenticationEnabled", "authenticationProviders",
            "tokenSecretKey", "authorizationEnabled", "superUserRoles", "brokerClientAuthenticationPlugin",
            "brokerClientAuthenticationParameters");

    @Test
    void secureModeTurnsOnTokenAuthenticationAndAuthorization() throws Exception {
        Path key = Path.of("/tmp/outrigger test/conf/secret.key");

        Properties conf = load(StandaloneConf.standalone(2181, 6650, 8080, key, "header.payload.signature"));

        assertEquals("true", conf.getProperty("authenticationEnabled"));
        assertEquals("org.apache.pulsar.broker.authentication.AuthenticationProviderToken",
                conf.getProperty("authenticationProviders"));
        assertEquals("file:///tmp/outrigger%20test/conf/secret.key", conf.getProperty("tokenSecretKey"));
        assertEquals("true", conf.getProperty("authorizationEnabled"));
        assertEquals("admin,outrigger-worker", conf.getProperty("superUserRoles"));
        assertEquals("org.apache.pulsar.client.impl.auth.AuthenticationToken",
                conf.getProperty("brokerClientAuthenticationPlugin"));
        assertEquals("token:header.payload.signature", conf.getProperty("brokerClientAuthenticationParameters"));
        // the rest is the open cluster's configuration, unchanged
        assertEquals("6650", conf.getProperty("brokerServicePort"));
        assertEquals("8080", conf.getProperty("webServicePort"));
        assertEquals("zk:127.0.0.1:2181", conf.getProperty("metadataStoreUrl"));
    }

    @Test
    void openModeHasNoSecurityKeys() throws Exception {
        Properties conf = load(StandaloneConf.standalone(2181, 6650, 8080));

        for (String key : SECURITY_KEYS) {
            assertFalse(conf.containsKey(key), key);
        }
        assertEquals(StandaloneConf.standalone(2181, 6650, 8080),
                StandaloneConf.standalone(2181, 6650, 8080, null, null));
    }

    @Test
    void secureModeAddsOnlyTheSecurityKeys() throws Exception {
        Properties open = load(StandaloneConf.standalone(2181, 6650, 8080));
        Properties secure = load(StandaloneConf.standalone(2181, 6650, 8080, Path.of("/k"), "a.b.c"));

        assertEquals(open.size() + SECURITY_KEYS.size(), secure.size());
        open.forEach((key, value) -> assertEquals(value, secure.get(key), String.valueOf(key)));
        assertTrue(SECURITY_KEYS.stream().allMatch(secure::containsKey));
    }

    @Test
    void securityNamesParseAsTheSystemPropertyGivesThem() {
        assertEquals(LocalPulsarCluster.Security.TOKEN, LocalPulsarCluster.Security.parse("token"));
        assertEquals(LocalPulsarCluster.Security.TOKEN, LocalPulsarCluster.Security.parse(" TOKEN "));
        assertEquals(LocalPulsarCluster.Security.NONE, LocalPulsarCluster.Security.parse("none"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LocalPulsarCluster.Security.parse("tls"));
        assertEquals("Unknown security 'tls': expected none or token", e.getMessage());
    }

    private static Properties load(String content) throws Exception {
        Properties properties = new Properties();
        properties.load(new StringReader(content));
        return properties;
    }
}
