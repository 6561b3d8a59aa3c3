package dev.outrigger.metadata.internal;

/** What the store reads from the cluster configuration: where the metadata topic is (Pulsar's keys). */
@interface MetadataConfiguration {

    String pulsarFunctionsNamespace() default "public/functions";

    String functionMetadataTopicName() default "metadata";
}
