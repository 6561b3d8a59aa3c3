package dev.outrigger.packages.internal;

import dev.outrigger.api.packages.PackageException;
import dev.outrigger.api.packages.PackageException.Reason;
import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pulsar.client.admin.PulsarAdmin;

/**
 * Where the ledgers are, when {@code bookkeeperMetadataServiceUri} is not set: the broker's internal configuration, as
 * Pulsar's worker reads it at start-up ({@code PulsarWorkerService} and {@code WorkerUtils.initializeDlogNamespace}):
 * the broker's {@code bookkeeperMetadataServiceUri} if it has one, else its metadata store's ZooKeeper servers with the
 * ledgers root path.
 */
final class BrokerMetadataServiceUri {

    static final String DEFAULT_LEDGERS_ROOT = "/ledgers";

    /** Metadata stores BookKeeper's client cannot use. */
    private static final List<String> NOT_ZOOKEEPER = List.of("etcd:", "rocksdb:", "memory:", "oxia:");

    private BrokerMetadataServiceUri() {}

    /**
     * Asks the broker. {@code InternalConfigurationData}'s package is not exported by the pulsar bundle, so its
     * getters are called by name; the call itself only names erased types.
     *
     * @throws PackageException UNAVAILABLE if the broker cannot be asked or its answer cannot be used
     */
    static String ask(PulsarAdmin admin, Duration timeout) throws PackageException {
        Object data;
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        // the admin client resolves some of its classes through the context loader: it must be its own bundle's
        Thread.currentThread().setContextClassLoader(PulsarAdmin.class.getClassLoader());
        try {
            CompletableFuture<?> answer = admin.brokers().getInternalConfigurationDataAsync();
            data = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted", e);
        } catch (ExecutionException e) {
            throw unavailable(String.valueOf(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            throw unavailable("no answer within " + timeout.toSeconds() + " s", e);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
        try {
            return derive(
                    getter(data, "getBookkeeperMetadataServiceUri"),
                    getter(data, "getMetadataStoreUrl"),
                    getter(data, "getLedgersRootPath"));
        } catch (IllegalArgumentException e) {
            throw new PackageException(Reason.UNAVAILABLE, e.getMessage(), e);
        }
    }

    /**
     * @return the broker's BookKeeper metadata service URI if set, else one built from its metadata store
     * @throws IllegalArgumentException if neither names ZooKeeper servers
     */
    static String derive(String bookkeeperMetadataServiceUri, String metadataStoreUrl, String ledgersRootPath) {
        if (bookkeeperMetadataServiceUri != null && !bookkeeperMetadataServiceUri.isBlank()) {
            return bookkeeperMetadataServiceUri.trim();
        }
        if (metadataStoreUrl == null || metadataStoreUrl.isBlank()) {
            throw new IllegalArgumentException("The broker reports neither a BookKeeper metadata service URI nor a "
                    + "metadata store URL; set bookkeeperMetadataServiceUri");
        }
        String store = metadataStoreUrl.trim();
        if (store.startsWith("metadata-store:")) {
            store = store.substring("metadata-store:".length());
        }
        String lower = store.toLowerCase(Locale.ROOT);
        if (NOT_ZOOKEEPER.stream().anyMatch(lower::startsWith)) {
            throw new IllegalArgumentException("The broker's metadata store " + metadataStoreUrl + " is not ZooKeeper "
                    + "and it reports no BookKeeper metadata service URI; set bookkeeperMetadataServiceUri");
        }
        if (lower.startsWith("zk:")) {
            store = store.substring("zk:".length());
        }
        int slash = store.indexOf('/');
        String servers = slash < 0 ? store : store.substring(0, slash);
        String chroot = slash < 0 ? "" : store.substring(slash).replaceAll("/+$", "");
        String root = ledgersRootPath == null || ledgersRootPath.isBlank() ? DEFAULT_LEDGERS_ROOT : ledgersRootPath;
        if (!root.startsWith("/")) {
            root = "/" + root;
        }
        if (servers.isBlank()) {
            throw new IllegalArgumentException("No ZooKeeper servers in the broker's metadata store URL "
                    + metadataStoreUrl + "; set bookkeeperMetadataServiceUri");
        }
        // BookKeeper separates hosts with ';' in a metadata service URI
        return "zk+null://" + servers.replace(',', ';') + chroot + root;
    }

    private static String getter(Object data, String name) throws PackageException {
        try {
            Object value = data.getClass().getMethod(name).invoke(data);
            return value == null ? null : value.toString();
        } catch (NoSuchMethodException | IllegalAccessException | InvocationTargetException e) {
            throw unavailable("unexpected answer " + data.getClass().getName() + " (" + e + ")", e);
        }
    }

    private static PackageException unavailable(String why, Throwable cause) {
        return new PackageException(Reason.UNAVAILABLE, "Cannot learn where BookKeeper keeps its ledgers from the "
                + "broker's internal configuration (set bookkeeperMetadataServiceUri to skip this): " + why, cause);
    }
}
