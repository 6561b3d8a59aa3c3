package dev.outrigger.pulsar.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.internal.PulsarAdminImpl;
import org.apache.pulsar.client.api.Authentication;
import org.apache.pulsar.client.api.AuthenticationFactory;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.impl.PulsarClientImpl;
import org.apache.pulsar.client.impl.auth.AuthenticationToken;
import org.apache.pulsar.client.impl.conf.ClientConfigurationData;
import org.junit.jupiter.api.Test;

/** What can be checked without a broker: building the clients connects to nothing. */
class PulsarClientsTest {

    private static final String TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ3b3JrZXIifQ.not-a-real-signature";

    /** The configuration with its defaults, and these attributes set. */
    private static PulsarClientsConfiguration config(Map<String, Object> values) {
        return (PulsarClientsConfiguration) Proxy.newProxyInstance(PulsarClientsConfiguration.class.getClassLoader(),
                new Class<?>[] {PulsarClientsConfiguration.class},
                (proxy, method, args) -> values.containsKey(method.getName())
                        ? values.get(method.getName())
                        : method.getDefaultValue());
    }

    private static ClientConfigurationData clientConf(PulsarClientsConfiguration config, Map<String, Object> conf,
            Authentication authentication) throws Exception {
        try (PulsarClient client = PulsarClients.clientBuilder(config, conf, authentication).build()) {
            return ((PulsarClientImpl) client).getConfiguration().clone();
        }
    }

    private static ClientConfigurationData adminConf(PulsarClientsConfiguration config, Map<String, Object> conf,
            Authentication authentication) throws Exception {
        try (PulsarAdmin admin = PulsarClients.adminBuilder(config, conf, authentication).build()) {
            return ((PulsarAdminImpl) admin).getClientConfigData().clone();
        }
    }

    /** Reconnection after a broker comes back within seconds, not the client's minute; an entry may still say. */
    @Test
    void theReconnectBackoffIsCappedAtFiveSecondsUnlessAnEntrySaysOtherwise() throws Exception {
        assertEquals(java.util.concurrent.TimeUnit.SECONDS.toNanos(5),
                clientConf(config(Map.of()), Map.of(), null).getMaxBackoffIntervalNanos());
        assertEquals(java.util.concurrent.TimeUnit.SECONDS.toNanos(30), clientConf(config(Map.of()),
                Map.of("maxBackoffIntervalNanos", java.util.concurrent.TimeUnit.SECONDS.toNanos(30)), null)
                .getMaxBackoffIntervalNanos());
    }

    @Test
    void onlyBrokerClientEntriesAreTakenWithoutTheirPrefix() {
        Map<String, Object> properties = new HashMap<>();
        properties.put("brokerClient_operationTimeoutMs", "1234");
        properties.put("brokerClient_tlsTrustStorePassword", "changeit");
        properties.put("brokerClient_empty", null);
        properties.put("brokerClientAuthenticationPlugin", "org.apache.pulsar.client.impl.auth.AuthenticationToken");
        properties.put("pulsarServiceUrl", "pulsar://localhost:6650");
        properties.put("component.name", "dev.outrigger.pulsar.internal.PulsarClients");
        properties.put("BrokerClient_numIoThreads", 2);

        assertEquals(Map.of("operationTimeoutMs", "1234", "tlsTrustStorePassword", "changeit"),
                BrokerClientProperties.of(properties));
        assertEquals(Map.of(), BrokerClientProperties.of(null));
    }

    @Test
    void secretValuesAreNeverShown() {
        for (String key : List.of("authParams", "authParamMap", "tlsTrustStorePassword", "tlsKeyStorePassword",
                "socks5ProxyPassword", "tokenSecretKey", "brokerClientAuthenticationParameters", "oauthCredentials")) {
            assertTrue(dev.outrigger.api.config.SecretKeys.isSecret(key), key);
        }
        assertFalse(dev.outrigger.api.config.SecretKeys.isSecret("operationTimeoutMs"));
        assertFalse(dev.outrigger.api.config.SecretKeys.isSecret("authPluginClassName"));

        Map<String, Object> conf = new TreeMap<>(Map.of("authParams", "token:" + TOKEN,
                "tlsTrustStorePassword", "changeit", "operationTimeoutMs", 1234, "tlsCiphers",
                new String[] {"A", "B"}));
        String described = BrokerClientProperties.describe(conf);
        assertEquals("authParams=***, operationTimeoutMs=1234, tlsCiphers=[A, B], tlsTrustStorePassword=***",
                described);
    }

    @Test
    void theEntriesReachTheClientAndTheAdmin() throws Exception {
        Map<String, Object> conf = BrokerClientProperties.of(Map.of(
                "brokerClient_operationTimeoutMs", "1234",
                "brokerClient_connectionTimeoutMs", 4321,
                "brokerClient_numIoThreads", "2",
                "brokerClient_tlsTrustStoreType", "PKCS12",
                "brokerClient_noSuchKey", "ignored, as Pulsar's client ignores it"));
        PulsarClientsConfiguration config = config(Map.of());

        ClientConfigurationData client = clientConf(config, conf, null);
        assertEquals(1234, client.getOperationTimeoutMs());
        assertEquals(4321, client.getConnectionTimeoutMs());
        assertEquals(2, client.getNumIoThreads());
        assertEquals("PKCS12", client.getTlsTrustStoreType());
        assertEquals("pulsar://localhost:6650", client.getServiceUrl(), "the typed key is not overwritten");

        ClientConfigurationData admin = adminConf(config, conf, null);
        assertEquals(4321, admin.getConnectionTimeoutMs());
        assertEquals("PKCS12", admin.getTlsTrustStoreType());
        assertEquals("http://localhost:8080", admin.getServiceUrl());
    }

    @Test
    void theAuthenticationAndTheTypedKeysSurviveTheEntries() throws Exception {
        Authentication token = AuthenticationFactory.token(TOKEN);
        Map<String, Object> conf = Map.of("operationTimeoutMs", 1234, "tlsAllowInsecureConnection", "true");
        PulsarClientsConfiguration config = config(Map.of("brokerClientTrustCertsFilePath", "/etc/ca.pem"));

        ClientConfigurationData client = clientConf(config, conf, token);
        assertInstanceOf(AuthenticationToken.class, client.getAuthentication());
        assertEquals("/etc/ca.pem", client.getTlsTrustCertsFilePath());
        assertFalse(client.isTlsAllowInsecureConnection(), "tlsAllowInsecureConnection (false) wins, as in Pulsar");
        assertEquals(1234, client.getOperationTimeoutMs());

        ClientConfigurationData admin = adminConf(config, conf, token);
        assertInstanceOf(AuthenticationToken.class, admin.getAuthentication());
        assertEquals("/etc/ca.pem", admin.getTlsTrustCertsFilePath());
        assertFalse(admin.isTlsAllowInsecureConnection());
    }

    @Test
    void useTlsMakesTheClientSpeakTlsToAPulsarUrlAsPulsarsDoes() throws Exception {
        assertTrue(clientConf(config(Map.of("useTls", true)), Map.of(), null).isUseTls());
        assertFalse(clientConf(config(Map.of()), Map.of(), null).isUseTls());
        assertTrue(clientConf(config(Map.of("pulsarServiceUrl", "pulsar+ssl://localhost:6651")), Map.of(), null)
                .isUseTls(), "false does not turn TLS off for pulsar+ssl://");
        assertFalse(clientConf(config(Map.of()), Map.of("useTls", "true"), null).isUseTls(),
                "the typed key wins over brokerClient_useTls, as in Pulsar's worker");
    }

    @Test
    void entriesTheClientRefusesAreNamedWithoutSecretValues() {
        PulsarClientsConfiguration config = config(Map.of());
        IllegalArgumentException plain = assertThrows(IllegalArgumentException.class,
                () -> PulsarClients.clientBuilder(config, Map.of("operationTimeoutMs", "soon"), null));
        assertTrue(plain.getMessage().contains("[operationTimeoutMs]"), plain.getMessage());

        IllegalArgumentException secret = assertThrows(IllegalArgumentException.class,
                () -> PulsarClients.adminBuilder(config, Map.of("authParamMap", "token:" + TOKEN,
                        "operationTimeoutMs", "soon"), null));
        assertFalse(secret.getMessage().contains(TOKEN), secret.getMessage());
        assertNull(secret.getCause(), "the client's own message may hold the value");
    }
}
