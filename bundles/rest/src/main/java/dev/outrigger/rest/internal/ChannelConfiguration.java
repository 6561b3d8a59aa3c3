package dev.outrigger.rest.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** How this worker reaches the others' admin API: Pulsar's keys, from the cluster configuration. */
@ObjectClassDefinition(name = "Outrigger worker channel", description = "Calls from this worker to the others.")
@interface ChannelConfiguration {

    @AttributeDefinition(description = "Whether the workers serve their admin API over TLS (on workerPortTls).")
    boolean tlsEnabled() default false;

    @AttributeDefinition(description = "PEM file of the CAs trusted for the other workers' certificates; the JDK's "
            + "when empty.")
    String tlsTrustCertsFilePath() default "";

    @AttributeDefinition(description = "Trust any certificate (Pulsar's tlsAllowInsecureConnection).")
    boolean tlsAllowInsecureConnection() default false;

    @AttributeDefinition(description = "Check that a worker's certificate names its host (false in Pulsar 4.0).")
    boolean tlsEnableHostnameVerification() default false;
}
