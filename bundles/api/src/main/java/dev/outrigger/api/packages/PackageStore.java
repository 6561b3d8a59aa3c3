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
     * Copies a package to a file, checking its SHA-256 where the reference has one.
     *
     * @throws PackageException if it is missing, unreadable or does not match its digest (the file is then removed)
     */
    void fetch(PackageRef ref, Path target) throws PackageException;

    /** Removes a package this store keeps; a no-op for locations it only reads. Missing packages are not an error. */
    void delete(PackageRef ref) throws PackageException;
}
