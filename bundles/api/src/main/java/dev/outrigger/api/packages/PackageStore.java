package dev.outrigger.api.packages;

import dev.outrigger.api.metadata.FunctionKey;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * One way of keeping packages, registered as a service with {@link #SCHEMES} naming the location schemes it serves.
 * Stores are picked by scheme, so a new kind of store is a new bundle.
 */
@ConsumerType
public interface PackageStore {

    /** Service property: the location schemes this store serves (String or String[]). */
    String SCHEMES = "outrigger.package.schemes";

    /**
     * Service property (Boolean, default false): this store keeps the packages users upload, in place of the
     * BookKeeper store. Pulsar's package management store says so when {@code functionsWorkerEnablePackageManagement}
     * is on.
     */
    String UPLOADS = "outrigger.package.uploads";

    /**
     * Service property (Boolean, default true): whether a component's package in this store is deleted when the
     * component is deregistered or moves to another package. Pulsar's package management keeps them (a package there
     * may be shared), so its store says false.
     */
    String DELETED_WITH_COMPONENT = "outrigger.package.deletedWithComponent";

    /**
     * @param serviceProperties the properties of a store's service registration
     * @return the schemes it serves, from {@link #SCHEMES}
     */
    static List<String> schemes(Map<String, ?> serviceProperties) {
        Object value = serviceProperties.get(SCHEMES);
        if (value instanceof String scheme) {
            return List.of(scheme);
        }
        if (value instanceof String[] schemes) {
            return List.of(schemes);
        }
        return List.of();
    }

    /**
     * @param serviceProperties the properties of a store's service registration
     * @param key a Boolean property such as {@link #UPLOADS}
     * @param otherwise its value when absent or not a Boolean (or the String "true"/"false")
     * @return the property's value
     */
    static boolean flag(Map<String, ?> serviceProperties, String key, boolean otherwise) {
        Object value = serviceProperties.get(key);
        if (value instanceof Boolean flag) {
            return flag;
        }
        if (value instanceof String text && ("true".equalsIgnoreCase(text) || "false".equalsIgnoreCase(text))) {
            return Boolean.parseBoolean(text);
        }
        return otherwise;
    }

    /**
     * Keeps a package the user uploaded. A store that only fetches (URLs) throws {@link UnsupportedOperationException}.
     *
     * @param owner the component the package belongs to
     * @param fileName the name the user gave it, kept for downloads
     * @param data its bytes; read to the end, not closed
     * @return where it is now, with its SHA-256 and size; nothing is left behind if this fails
     * @throws PackageException if it cannot be stored, or is larger than this store allows
     */
    PackageRef store(FunctionKey owner, String fileName, InputStream data) throws PackageException;

    /**
     * Keeps a package uploaded for one version of a component. Stores that name packages after their owner's version
     * (Pulsar's package management) override this; by default it is {@link #store(FunctionKey, String, InputStream)}.
     *
     * @param owner the component version the package is for
     * @param fileName the name the user gave it
     * @param data its bytes; read to the end, not closed
     * @return where it is now; nothing is left behind if this fails
     * @throws PackageException if it cannot be stored
     */
    default PackageRef store(PackageOwner owner, String fileName, InputStream data) throws PackageException {
        return store(owner.key(), fileName, data);
    }

    /**
     * Keeps a package under a path the user chose ({@code pulsar-admin functions upload --path}), replacing nothing:
     * the caller keeps track of which package a path names. Stores where the path is the package's name (Pulsar's
     * package management) return a reference whose location is the path.
     *
     * @param path the path, as the user gave it
     * @param data its bytes; read to the end, not closed
     * @return where it is now; nothing is left behind if this fails
     * @throws PackageException if it cannot be stored, or the path is not a name this store accepts
     * @throws UnsupportedOperationException if this store does not keep uploaded packages
     */
    default PackageRef storeAt(String path, InputStream data) throws PackageException {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not keep packages by path");
    }

    /**
     * Checks, before a component is registered or updated with it, a package URL of a scheme this store serves.
     * Components that already use a URL keep fetching it whatever this says.
     *
     * @param url the URL the user named
     * @throws PackageException INVALID with the reason a person can act on, if the URL must not be used
     */
    default void checkUrl(String url) throws PackageException {
        // accepted
    }

    /**
     * Copies a package to a file, checking its SHA-256 where the reference has one.
     *
     * @throws PackageException if it is missing, unreadable or does not match its digest (the file is then removed)
     */
    void fetch(PackageRef ref, Path target) throws PackageException;

    /** Removes a package this store keeps; a no-op for locations it only reads. Missing packages are not an error. */
    void delete(PackageRef ref) throws PackageException;
}
