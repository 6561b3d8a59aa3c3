package dev.outrigger.functions.internal;

import dev.outrigger.api.packages.PackageException;
import dev.outrigger.api.packages.PackageException.Reason;
import dev.outrigger.api.packages.PackageRef;
import dev.outrigger.api.packages.PackageStore;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/** The package stores present now, by the location schemes they serve; stores come and go with their bundles. */
@Component(service = PackageStores.class)
public final class PackageStores {

    /** Where uploaded packages go, as with Pulsar's worker when package management is off. */
    static final String UPLOAD_SCHEME = "bookkeeper";

    private final Map<String, PackageStore> bySchema = new ConcurrentHashMap<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addStore(PackageStore store, Map<String, Object> properties) {
        PackageStore.schemes(properties).forEach(scheme -> bySchema.put(scheme, store));
    }

    void removeStore(PackageStore store, Map<String, Object> properties) {
        PackageStore.schemes(properties).forEach(scheme -> bySchema.remove(scheme, store));
    }

    PackageStore forUploads() throws PackageException {
        return forScheme(UPLOAD_SCHEME);
    }

    PackageStore forLocation(PackageRef ref) throws PackageException {
        return forScheme(ref.scheme());
    }

    /** A package the user names by URL stays where it is; only its scheme must be served. */
    PackageRef reference(String url) throws PackageException {
        String scheme;
        try {
            scheme = URI.create(url.trim()).getScheme();
        } catch (IllegalArgumentException e) {
            throw new PackageException(Reason.INVALID, "Invalid package url " + url + ": " + e.getMessage(), e);
        }
        if (scheme == null || !bySchema.containsKey(scheme)) {
            throw new PackageException(Reason.INVALID, "Unsupported package url " + url
                    + " (supported schemes: " + bySchema.keySet() + ")");
        }
        return new PackageRef(url.trim(), null, -1);
    }

    private PackageStore forScheme(String scheme) throws PackageException {
        PackageStore store = bySchema.get(scheme);
        if (store == null) {
            throw new PackageException(Reason.UNAVAILABLE, "No package store for " + scheme + ": packages are unavailable");
        }
        return store;
    }
}
