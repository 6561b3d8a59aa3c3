package dev.outrigger.pulsar.internal;

import dev.outrigger.api.config.ConfigurationPids;
import java.util.Hashtable;
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

    @Activate
    public PulsarClients(BundleContext context, PulsarClientsConfiguration config) throws PulsarClientException {
        // The clients resolve some classes through the context loader: it must be this bundle's, whoever activates us.
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(PulsarClients.class.getClassLoader());
        try {
            Authentication authentication = authentication(config);
            this.client = clientBuilder(config, authentication).build();
            try {
                this.admin = adminBuilder(config, authentication).build();
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
        LOG.info("Pulsar clients ready for {} and {}", config.pulsarServiceUrl(), config.pulsarWebServiceUrl());
    }

    @Deactivate
    void deactivate() {
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

    static Authentication authentication(PulsarClientsConfiguration config)
            throws PulsarClientException.UnsupportedAuthenticationException {
        if (!config.brokerClientAuthenticationEnabled() || config.brokerClientAuthenticationPlugin().isBlank()) {
            return null;
        }
        // Loaded by name, so only Pulsar's own Authentication classes (inside this bundle) are reachable here.
        return AuthenticationFactory.create(
                config.brokerClientAuthenticationPlugin(), config.brokerClientAuthenticationParameters());
    }

    private static ClientBuilder clientBuilder(PulsarClientsConfiguration config, Authentication authentication) {
        ClientBuilder builder = PulsarClient.builder()
                .serviceUrl(config.pulsarServiceUrl())
                .allowTlsInsecureConnection(config.tlsAllowInsecureConnection())
                .enableTlsHostnameVerification(config.tlsEnableHostnameVerification());
        if (!config.brokerClientTrustCertsFilePath().isBlank()) {
            builder.tlsTrustCertsFilePath(config.brokerClientTrustCertsFilePath());
        }
        if (authentication != null) {
            builder.authentication(authentication);
        }
        return builder;
    }

    private static PulsarAdminBuilder adminBuilder(PulsarClientsConfiguration config, Authentication authentication) {
        PulsarAdminBuilder builder = PulsarAdmin.builder()
                .serviceHttpUrl(config.pulsarWebServiceUrl())
                .allowTlsInsecureConnection(config.tlsAllowInsecureConnection())
                .enableTlsHostnameVerification(config.tlsEnableHostnameVerification());
        if (!config.brokerClientTrustCertsFilePath().isBlank()) {
            builder.tlsTrustCertsFilePath(config.brokerClientTrustCertsFilePath());
        }
        if (authentication != null) {
            builder.authentication(authentication);
        }
        return builder;
    }
}
