package dev.outrigger.pulsar.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Pulsar's broker-client keys of {@code functions_worker.yml}, as the configuration bundle maps them. The same
 * configuration also holds the file's {@code properties.brokerClient_*} entries as properties of those names (see
 * {@link BrokerClientProperties}); they have no attribute here because their names are open-ended.
 */
@ObjectClassDefinition(name = "Outrigger Pulsar clients", description = "How the worker reaches the Pulsar brokers.")
@interface PulsarClientsConfiguration {

    @AttributeDefinition(description = "Binary protocol URL of the brokers (pulsar:// or pulsar+ssl://).")
    String pulsarServiceUrl() default "pulsar://localhost:6650";

    @AttributeDefinition(description = "Admin REST URL of the brokers (http:// or https://).")
    String pulsarWebServiceUrl() default "http://localhost:8080";

    @AttributeDefinition(description = "Whether the worker authenticates to the brokers.")
    boolean brokerClientAuthenticationEnabled() default false;

    @AttributeDefinition(description = "Pulsar client Authentication class, e.g. "
            + "org.apache.pulsar.client.impl.auth.AuthenticationToken.")
    String brokerClientAuthenticationPlugin() default "";

    @AttributeDefinition(type = AttributeType.PASSWORD, description = "Parameters of that Authentication.")
    String brokerClientAuthenticationParameters() default "";

    @AttributeDefinition(description = "PEM file of the CAs trusted for TLS to the brokers.")
    String brokerClientTrustCertsFilePath() default "";

    boolean tlsAllowInsecureConnection() default false;

    boolean tlsEnableHostnameVerification() default false;

    @AttributeDefinition(description = "Deprecated by Pulsar: TLS to the brokers even with a pulsar:// service URL "
            + "(write pulsar+ssl:// instead).")
    boolean useTls() default false;
}
