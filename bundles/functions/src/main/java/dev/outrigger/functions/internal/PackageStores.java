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

/**
 * The package stores present now, by the location schemes they serve; stores come and go with their bundles. Uploads
 * go to the store that says {@link PackageStore#UPLOADS} (Pulsar's package management while
 * {@code functionsWorkerEnablePackageManagement} is on), otherwise to BookKeeper.
 */
@Component(service = PackageStores.class)
public final class PackageStores {

    /**
     * Where uploaded packages go, as with Pulsar's worker when package management is off. Locations of this scheme are
     * named by the worker alone, never by a user's package URL: a ledger named by number could be another component's
     * package, read by someone who may not read it and deleted along with the wrong function.
     */
    static final String UPLOAD_SCHEME = "bookkeeper";

    /** A store and the service properties it was registered with. */
    private record Registered(PackageStore store, Map<String, ?> properties) {}

    private final Map<String, Registered> byScheme = new ConcurrentHashMap<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeStore", updated = "updatedStore")
    void addStore(PackageStore store, Map<String, Object> properties) {
        Registered registered = new Registered(store, Map.copyOf(properties));
        PackageStore.schemes(properties).forEach(scheme -> byScheme.put(scheme, registered));
    }

    void updatedStore(PackageStore store, Map<String, Object> properties) {
        addStore(store, properties);
    }

    void removeStore(PackageStore store, Map<String, Object> properties) {
        PackageStore.schemes(properties).forEach(scheme -> byScheme.computeIfPresent(scheme,
                (key, registered) -> registered.store() == store ? null : registered));
    }

    /** @return the store for uploaded packages: the one that says {@link PackageStore#UPLOADS}, else BookKeeper */
    PackageStore forUploads() throws PackageException {
        for (Registered registered : byScheme.values()) {
            if (PackageStore.flag(registered.properties(), PackageStore.UPLOADS, false)) {
                return registered.store();
            }
        }
        return forScheme(UPLOAD_SCHEME);
    }

    PackageStore forLocation(PackageRef ref) throws PackageException {
        return forScheme(ref.scheme());
    }

    /**
     * @return whether the package goes with its component when that is deregistered or gets another package: true but
     *     for stores that keep them (Pulsar's package management); true too when no store serves it now
     */
    boolean deletedWithComponent(PackageRef ref) {
        Registered registered = byScheme.get(ref.scheme());
        return registered == null
                || PackageStore.flag(registered.properties(), PackageStore.DELETED_WITH_COMPONENT, true);
    }

    /**
     * A package the user names by URL stays where it is; its scheme must be served, not be {@link #UPLOAD_SCHEME}, and
     * its store must accept it for a new component or version ({@link PackageStore#checkUrl}).
     */
    PackageRef reference(String url) throws PackageException {
        String trimmed = url.trim();
        String scheme;
        try {
            scheme = URI.create(trimmed).getScheme();
        } catch (IllegalArgumentException e) {
            throw new PackageException(Reason.INVALID, "Invalid package url " + url + ": " + e.getMessage(), e);
        }
        Registered registered = scheme == null || scheme.equals(UPLOAD_SCHEME) ? null : byScheme.get(scheme);
        if (registered == null) {
            throw new PackageException(Reason.INVALID, "Unsupported package url " + url
                    + " (supported schemes: " + byScheme.keySet().stream()
                            .filter(served -> !served.equals(UPLOAD_SCHEME)).sorted().toList() + ")");
        }
        registered.store().checkUrl(trimmed);
        return new PackageRef(trimmed, null, -1);
    }

    private PackageStore forScheme(String scheme) throws PackageException {
        Registered registered = byScheme.get(scheme);
        if (registered == null) {
            throw new PackageException(Reason.UNAVAILABLE, "No package store for " + scheme + ": packages are unavailable");
        }
        return registered.store();
    }
}
