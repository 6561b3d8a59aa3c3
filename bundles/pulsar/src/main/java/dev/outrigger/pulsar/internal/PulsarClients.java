package dev.outrigger.pulsar.internal;

import dev.outrigger.api.config.ConfigurationPids;
import dev.outrigger.api.security.WorkerCredentials;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminBuilder;
import org.apache.pulsar.client.api.Authentication;
import org.apache.pulsar.client.api.AuthenticationFactory;
import org.apache.pulsar.client.api.ClientBuilder;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes one {@link PulsarClient} and one {@link PulsarAdmin} for the whole worker. A configuration change
 * deactivates this component, so every user of the clients is handed new ones built from the new settings.
 */
@Component(
        configurationPid = ConfigurationPids.PULSAR,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true,
        service = {})
@Designate(ocd = PulsarClientsConfiguration.class)
public final class PulsarClients {

    private static final Logger LOG = LoggerFactory.getLogger(PulsarClients.class);

    private final PulsarClient client;
    private final PulsarAdmin admin;
    private final ServiceRegistration<PulsarClient> clientRegistration;
    private final ServiceRegistration<PulsarAdmin> adminRegistration;
    private final ServiceRegistration<WorkerCredentials> credentialsRegistration;

    /** @param configuration all of it, for its {@code brokerClient_*} entries, which have no attribute */
    @Activate
    public PulsarClients(BundleContext context, PulsarClientsConfiguration config, Map<String, Object> configuration)
            throws PulsarClientException {
        Map<String, Object> brokerClientConf = BrokerClientProperties.of(configuration);
        if (!brokerClientConf.isEmpty()) {
            LOG.info("Applying properties.brokerClient_* to the Pulsar client and admin: {}",
                    BrokerClientProperties.describe(brokerClientConf));
        }
        if (config.useTls() && config.pulsarServiceUrl().startsWith("pulsar://")) {
            LOG.warn("useTls is deprecated by Pulsar: with it the client speaks TLS to {} and uses the brokers' TLS "
                    + "addresses, as Pulsar's client does; write pulsarServiceUrl as pulsar+ssl://... instead",
                    config.pulsarServiceUrl());
        }
        // The clients resolve some classes through the context loader: it must be this bundle's, whoever activates us.
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(PulsarClients.class.getClassLoader());
        Authentication authentication;
        try {
            authentication = authentication(config);
            this.client = clientBuilder(config, brokerClientConf, authentication).build();
            try {
                this.admin = adminBuilder(config, brokerClientConf, authentication).build();
            } catch (PulsarClientException | RuntimeException e) {
                client.close();
                throw e;
            }
        } finally {
            thread.setContextClassLoader(previous);
        }
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(Constants.SERVICE_DESCRIPTION, "Outrigger's client of the Pulsar brokers");
        properties.put("pulsarServiceUrl", config.pulsarServiceUrl());
        properties.put("pulsarWebServiceUrl", config.pulsarWebServiceUrl());
        this.clientRegistration = context.registerService(PulsarClient.class, client, properties);
        this.adminRegistration = context.registerService(PulsarAdmin.class, admin, properties);
        this.credentialsRegistration = context.registerService(WorkerCredentials.class,
                new BrokerClientCredentials(authentication), new Hashtable<>(Map.of(Constants.SERVICE_DESCRIPTION,
                        "What this worker presents to other workers: its broker client's credentials")));
        LOG.info("Pulsar clients ready for {} and {}", config.pulsarServiceUrl(), config.pulsarWebServiceUrl());
    }

    @Deactivate
    void deactivate() {
        credentialsRegistration.unregister();
        adminRegistration.unregister();
        clientRegistration.unregister();
        // Closing waits out the HTTP client's 2 s shutdown quiet period; nobody needs to wait for that.
        Thread closer = new Thread(admin::close, "outrigger-pulsar-admin-close");
        closer.setDaemon(true);
        closer.start();
        client.closeAsync().whenComplete((ignored, failure) -> {
            if (failure != null) {
                LOG.warn("Closing the Pulsar client failed: {}", failure.toString());
            }
        });
        LOG.debug("Pulsar clients closing");
    }

    /**
     * Pulsar's worker calls other workers with its broker client's authentication (its internal admin client is
     * built from {@code brokerClientAuthentication*}): the HTTP headers that authentication sends.
     */
    private record BrokerClientCredentials(Authentication authentication) implements WorkerCredentials {

        @Override
        public java.util.Optional<TlsClientKey> tlsClientKey() {
            if (authentication == null) {
                return java.util.Optional.empty();
            }
            try {
                var data = authentication.getAuthData();
                if (!data.hasDataForTls() || data.getTlsCertificates() == null || data.getTlsPrivateKey() == null) {
                    return java.util.Optional.empty();
                }
                java.util.List<java.security.cert.X509Certificate> chain = java.util.Arrays.stream(
                                data.getTlsCertificates())
                        .filter(java.security.cert.X509Certificate.class::isInstance)
                        .map(java.security.cert.X509Certificate.class::cast).toList();
                return java.util.Optional.of(new TlsClientKey(chain, data.getTlsPrivateKey()));
            } catch (Exception e) {
                throw new IllegalStateException("The broker client authentication "
                        + authentication.getAuthMethodName() + " gave no TLS key: " + e.getClass().getName(), e);
            }
        }

        @Override
        public Map<String, String> httpHeaders(String host) {
            if (authentication == null) {
                return Map.of();
            }
            try {
                var data = authentication.getAuthData(host);
                if (!data.hasDataForHttp()) {
                    return Map.of();
                }
                Set<Map.Entry<String, String>> headers = data.getHttpHeaders();
                Map<String, String> copy = new LinkedHashMap<>();
                if (headers != null) {
                    headers.forEach(header -> copy.put(header.getKey(), header.getValue()));
                }
                return copy;
            } catch (Exception e) {
                // never the credentials themselves in the message, only what failed
                throw new IllegalStateException("The broker client authentication "
                        + authentication.getAuthMethodName() + " gave no HTTP credentials: " + e.getClass().getName(),
                        e);
            }
        }
    }

    static Authentication authentication(PulsarClientsConfiguration config)
            throws PulsarClientException.UnsupportedAuthenticationException {
        if (!config.brokerClientAuthenticationEnabled() || config.brokerClientAuthenticationPlugin().isBlank()) {
            return null;
        }
        // Loaded by name, so only Pulsar's own Authentication classes (inside this bundle) are reachable here.
        return AuthenticationFactory.create(
                config.brokerClientAuthenticationPlugin(), config.brokerClientAuthenticationParameters());
    }

    /** The most the worker's client waits between reconnection attempts. */
    static final long MAX_BACKOFF_SECONDS = 5;

    /**
     * In the order of Pulsar's worker ({@code WorkerUtils.getPulsarClient}): the service URL, then the
     * {@code brokerClient_*} entries (before the authentication, which their reload would drop), then the typed keys,
     * which win over the entries. {@code useTls} as Pulsar applies it: true makes the client speak TLS even to a
     * {@code pulsar://} URL; false does not turn TLS off for {@code pulsar+ssl://}.
     */
    @SuppressWarnings("deprecation") // enableTls: Pulsar's worker still honours useTls
    static ClientBuilder clientBuilder(PulsarClientsConfiguration config, Map<String, Object> brokerClientConf,
            Authentication authentication) {
        // Reconnect backoff capped at 5 s, not the client's 60 s: after a broker comes back, the leader's exclusive
        // producers (and so every metadata write) and the instances are back within seconds, not a minute
        // (issue 11, broker restart). A brokerClient_maxBackoffIntervalNanos entry still overrides it.
        ClientBuilder builder = PulsarClient.builder().serviceUrl(config.pulsarServiceUrl())
                .maxBackoffInterval(MAX_BACKOFF_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
        if (!brokerClientConf.isEmpty()) {
            loadConf(brokerClientConf, builder::loadConf);
        }
        if (authentication != null) {
            builder.authentication(authentication);
        }
        builder.enableTls(config.useTls())
                .allowTlsInsecureConnection(config.tlsAllowInsecureConnection())
                .enableTlsHostnameVerification(config.tlsEnableHostnameVerification());
        if (!config.brokerClientTrustCertsFilePath().isBlank()) {
            builder.tlsTrustCertsFilePath(config.brokerClientTrustCertsFilePath());
        }
        return builder;
    }

    /** As {@link #clientBuilder}, in the order of {@code WorkerUtils.getPulsarAdminClient}, which has no useTls. */
    static PulsarAdminBuilder adminBuilder(PulsarClientsConfiguration config, Map<String, Object> brokerClientConf,
            Authentication authentication) {
        PulsarAdminBuilder builder = PulsarAdmin.builder().serviceHttpUrl(config.pulsarWebServiceUrl());
        if (!brokerClientConf.isEmpty()) {
            loadConf(brokerClientConf, builder::loadConf);
        }
        if (authentication != null) {
            builder.authentication(authentication);
        }
        if (!config.brokerClientTrustCertsFilePath().isBlank()) {
            builder.tlsTrustCertsFilePath(config.brokerClientTrustCertsFilePath());
        }
        builder.allowTlsInsecureConnection(config.tlsAllowInsecureConnection())
                .enableTlsHostnameVerification(config.tlsEnableHostnameVerification());
        return builder;
    }

    /**
     * The client's own failure names the key and often the value: it is passed on only when no entry is secret, else
     * only its type is.
     */
    private static void loadConf(Map<String, Object> brokerClientConf, Consumer<Map<String, Object>> loader) {
        try {
            // loadConf may keep the map: a copy of its own
            loader.accept(new HashMap<>(brokerClientConf));
        } catch (RuntimeException e) {
            boolean secret = brokerClientConf.keySet().stream().anyMatch(dev.outrigger.api.config.SecretKeys::isSecret);
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalArgumentException("Pulsar's client does not take properties.brokerClient_* "
                    + brokerClientConf.keySet() + ": " + (secret ? cause.getClass().getName() : cause.toString()),
                    secret ? null : e);
        }
    }
}
