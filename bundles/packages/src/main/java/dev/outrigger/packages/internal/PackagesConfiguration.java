package dev.outrigger.packages.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The {@code functions_worker.yml} keys of package storage and package URLs, read from the worker PID (every key as
 * written). Both stores read this one type: a bundle may describe a PID only once. Pulsar's keys keep Pulsar's names
 * and defaults; {@code bookkeeperMetadataServiceUri} and {@code functionPackageMaxSizeBytes} are Outrigger's own.
 */
@ObjectClassDefinition(
        name = "Outrigger packages",
        description = "Where uploaded packages are kept (BookKeeper) and which package URLs the worker fetches.")
@interface PackagesConfiguration {

    // --- BookKeeper

    @AttributeDefinition(description = "Bookies each package is written to: ensemble = write quorum = ack quorum.")
    int numFunctionPackageReplicas() default 1;

    @AttributeDefinition(description = "BookKeeper metadata service URI, e.g. zk+null://zk1:2181;zk2:2181/ledgers. "
            + "Empty: ask the broker (its internal configuration), as Pulsar's worker does.")
    String bookkeeperMetadataServiceUri() default "";

    @AttributeDefinition(description = "BookKeeper ClientAuthProvider.Factory class; empty for none.")
    String bookkeeperClientAuthenticationPlugin() default "";

    @AttributeDefinition(description = "BookKeeper client property that receives the authentication parameters.")
    String bookkeeperClientAuthenticationParametersName() default "";

    @AttributeDefinition(type = AttributeType.PASSWORD, description = "Value of that property.")
    String bookkeeperClientAuthenticationParameters() default "";

    @AttributeDefinition(description = "Largest package accepted for storage, in bytes (default 100 MiB).")
    long functionPackageMaxSizeBytes() default BookKeeperSettings.DEFAULT_MAX_SIZE;

    // --- Pulsar's package management

    @AttributeDefinition(description = "Keep uploaded packages in the brokers' package management service "
            + "(function://, sink://, source://) instead of BookKeeper, and allow registering with such URLs.")
    boolean functionsWorkerEnablePackageManagement() default false;

    // --- package URLs (Pulsar's PackageUrlValidator)

    @AttributeDefinition(description = "Directory of the function packages that file: URLs may name.")
    String functionsDirectory() default "./functions";

    @AttributeDefinition(description = "Whether file: URLs into functionsDirectory are allowed.")
    boolean enableReferencingFunctionsDirectoryFiles() default true;

    @AttributeDefinition(description = "Regular expressions of further URLs allowed for functions (full match).")
    String[] additionalEnabledFunctionsUrlPatterns() default {};

    @AttributeDefinition(description = "Directory of the connector packages that file: URLs may name.")
    String connectorsDirectory() default "./connectors";

    @AttributeDefinition(description = "Whether file: URLs into connectorsDirectory are allowed.")
    boolean enableReferencingConnectorDirectoryFiles() default true;

    @AttributeDefinition(description = "Regular expressions of further URLs allowed for sources and sinks.")
    String[] additionalEnabledConnectorUrlPatterns() default {};
}
