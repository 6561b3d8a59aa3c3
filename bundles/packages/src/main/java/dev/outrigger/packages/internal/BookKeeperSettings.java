package dev.outrigger.packages.internal;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the BookKeeper package store runs with.
 *
 * @param replicas ensemble, write and ack quorum of each package's ledger ({@code numFunctionPackageReplicas})
 * @param maxSizeBytes largest package accepted ({@code functionPackageMaxSizeBytes})
 * @param client what the BookKeeper client is built from; a change means a new client
 */
record BookKeeperSettings(int replicas, long maxSizeBytes, Client client) {

    static final long DEFAULT_MAX_SIZE = 100L * 1024 * 1024;

    /** Pulsar applies {@code properties} entries with this prefix to its BookKeeper clients, without the prefix. */
    static final String BOOKKEEPER_PROPERTY_PREFIX = "properties.bookkeeper_";

    BookKeeperSettings {
        if (replicas < 1) {
            throw new IllegalArgumentException("numFunctionPackageReplicas must be at least 1, not " + replicas);
        }
        if (maxSizeBytes < 0) {
            throw new IllegalArgumentException("functionPackageMaxSizeBytes must not be negative: " + maxSizeBytes);
        }
        Objects.requireNonNull(client, "client must not be null");
    }

    /**
     * @param metadataServiceUri the BookKeeper metadata service URI, or empty to ask the broker
     * @param authenticationPlugin {@code bookkeeperClientAuthenticationPlugin}, or empty
     * @param authenticationParametersName {@code bookkeeperClientAuthenticationParametersName}, or empty
     * @param authenticationParameters {@code bookkeeperClientAuthenticationParameters}
     * @param extraProperties BookKeeper client properties from {@code properties.bookkeeper_*}, prefix removed
     */
    record Client(
            String metadataServiceUri,
            String authenticationPlugin,
            String authenticationParametersName,
            String authenticationParameters,
            Map<String, String> extraProperties) {

        Client {
            metadataServiceUri = blankToEmpty(metadataServiceUri);
            authenticationPlugin = blankToEmpty(authenticationPlugin);
            authenticationParametersName = blankToEmpty(authenticationParametersName);
            authenticationParameters = authenticationParameters == null ? "" : authenticationParameters;
            extraProperties = Map.copyOf(extraProperties);
        }

        static Client of(String metadataServiceUri) {
            return new Client(metadataServiceUri, "", "", "", Map.of());
        }

        @Override
        public String toString() {
            // the authentication parameters are a secret
            return "Client[metadataServiceUri=" + metadataServiceUri + ", authenticationPlugin=" + authenticationPlugin
                    + ", authenticationParametersName=" + authenticationParametersName + ", extraProperties="
                    + extraProperties.keySet() + "]";
        }
    }

    static BookKeeperSettings from(PackagesConfiguration config, Map<String, ?> properties) {
        Map<String, String> extra = new TreeMap<>();
        properties.forEach((name, value) -> {
            if (name.startsWith(BOOKKEEPER_PROPERTY_PREFIX) && value != null) {
                extra.put(name.substring(BOOKKEEPER_PROPERTY_PREFIX.length()), String.valueOf(value));
            }
        });
        return new BookKeeperSettings(
                config.numFunctionPackageReplicas(),
                config.functionPackageMaxSizeBytes(),
                new Client(
                        config.bookkeeperMetadataServiceUri(),
                        config.bookkeeperClientAuthenticationPlugin(),
                        config.bookkeeperClientAuthenticationParametersName(),
                        config.bookkeeperClientAuthenticationParameters(),
                        extra));
    }

    private static String blankToEmpty(String value) {
        return value == null || value.isBlank() ? "" : value.trim();
    }
}
