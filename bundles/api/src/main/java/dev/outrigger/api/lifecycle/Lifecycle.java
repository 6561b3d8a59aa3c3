package dev.outrigger.api.lifecycle;

/**
 * The contract between the launcher and the bundles. The launcher lives outside the framework and cannot share
 * our types, so it speaks in framework properties and a JDK-typed service.
 */
public final class Lifecycle {

    /** Framework property: absolute path of the {@code functions_worker.yml} to read. */
    public static final String CONFIG_FILE_PROPERTY = "outrigger.config.file";

    /**
     * Service property on the {@code java.util.function.Consumer<String>} the launcher registers. A bundle that
     * cannot let the worker start (invalid configuration, broker unreachable, a cluster we do not own) passes the
     * reason to it; the launcher prints it, stops the framework and exits non-zero.
     */
    public static final String FATAL_ERROR_PROPERTY = "outrigger.fatal";

    /** LDAP filter selecting that service. */
    public static final String FATAL_ERROR_FILTER = "(" + FATAL_ERROR_PROPERTY + "=true)";

    private Lifecycle() {}
}
