package dev.outrigger.packages.internal;

import dev.outrigger.api.config.ConfigurationPids;
import dev.outrigger.api.metadata.ComponentType;
import dev.outrigger.api.metadata.FunctionKey;
import dev.outrigger.api.packages.PackageException;
import dev.outrigger.api.packages.PackageException.Reason;
import dev.outrigger.api.packages.PackageOwner;
import dev.outrigger.api.packages.PackageRef;
import dev.outrigger.api.packages.PackageStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.packages.management.core.common.PackageMetadata;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Packages in the brokers' package management service ({@code function://}, {@code sink://}, {@code source://}),
 * through the broker admin client, as Pulsar 4.0.8's worker uses it (ComponentImpl, FunctionActioner):
 * <ul>
 *   <li>a component whose package URL names such a package fetches it from the brokers whatever
 *       {@code functionsWorkerEnablePackageManagement} says, but a register or update may name one only while it is
 *       on ({@link #checkUrl}, with Pulsar's message);</li>
 *   <li>while it is on, this store takes uploaded packages ({@link PackageStore#UPLOADS}), under the name Pulsar's
 *       worker gives them: {@code function://tenant/namespace/name@<metadata version>} with the component's create
 *       time in the package metadata; and {@code functions upload --path} stores under the path, which must then be a
 *       package name;</li>
 *   <li>packages here are not deleted with their component ({@link PackageStore#DELETED_WITH_COMPONENT} false): Pulsar
 *       stopped deleting them in 2.11 (apache/pulsar#18030), as a package may serve several components.</li>
 * </ul>
 * The SHA-256 of an uploaded package is recorded in its reference and checked on every fetch, as for BookKeeper.
 */
@Component(
        configurationPid = ConfigurationPids.WORKER,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {}) // registered by hand, without the worker PID's keys; described by BookKeeperPackageStore's OCD
public final class PackageManagementStore implements PackageStore {

    private static final Logger LOG = LoggerFactory.getLogger(PackageManagementStore.class);

    /** Pulsar's {@code PackageType}s, the schemes of package names. */
    static final List<String> SCHEMES = List.of("function", "sink", "source");
    private static final int BUFFER_SIZE = 64 * 1024;

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile PulsarAdmin admin;

    private volatile boolean enabled;
    private volatile long maxSizeBytes;
    private final ServiceRegistration<PackageStore> registration;

    @Activate
    public PackageManagementStore(BundleContext context, PackagesConfiguration config) {
        this(config.functionsWorkerEnablePackageManagement(), config.functionPackageMaxSizeBytes(), null, context);
    }

    /** For tests. */
    PackageManagementStore(boolean enabled, long maxSizeBytes, PulsarAdmin admin) {
        this(enabled, maxSizeBytes, admin, null);
    }

    private PackageManagementStore(boolean enabled, long maxSizeBytes, PulsarAdmin admin, BundleContext context) {
        this.enabled = enabled;
        this.maxSizeBytes = maxSizeBytes;
        this.admin = admin;
        this.registration = context == null ? null
                : context.registerService(PackageStore.class, this, serviceProperties(enabled));
    }

    static Dictionary<String, Object> serviceProperties(boolean enabled) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(PackageStore.SCHEMES, SCHEMES.toArray(String[]::new));
        properties.put(PackageStore.UPLOADS, enabled);
        properties.put(PackageStore.DELETED_WITH_COMPONENT, false);
        properties.put(Constants.SERVICE_DESCRIPTION, "Pulsar's package management service, through the brokers");
        return properties;
    }

    @Modified
    void modified(PackagesConfiguration config) {
        maxSizeBytes = config.functionPackageMaxSizeBytes();
        boolean next = config.functionsWorkerEnablePackageManagement();
        if (next != enabled) {
            enabled = next;
            LOG.info("functionsWorkerEnablePackageManagement is now {}: uploaded packages go to {}", next,
                    next ? "the brokers' package management" : "BookKeeper");
            if (registration != null) {
                registration.setProperties(serviceProperties(next));
            }
        }
    }

    @Deactivate
    void deactivate() {
        if (registration != null) {
            registration.unregister();
        }
    }

    /** As Pulsar's worker: a package management URL is refused on register and update while the feature is off. */
    @Override
    public void checkUrl(String url) throws PackageException {
        if (!enabled) {
            throw new PackageException(Reason.INVALID,
                    "Function Package management service is disabled. Please enable it to use " + url);
        }
    }

    /**
     * @return Pulsar's name for the package of that component version, e.g.
     *     {@code function://public/default/excl@0}
     */
    static String packageName(PackageOwner owner) {
        FunctionKey key = owner.key();
        return owner.type().name().toLowerCase(Locale.ROOT) + "://" + key.tenant() + "/" + key.namespace() + "/"
                + key.name() + "@" + owner.version();
    }

    @Override
    public PackageRef store(FunctionKey owner, String fileName, InputStream data) throws PackageException {
        return store(new PackageOwner(ComponentType.FUNCTION, owner, 0, System.currentTimeMillis()), fileName, data);
    }

    @Override
    public PackageRef store(PackageOwner owner, String fileName, InputStream data) throws PackageException {
        Objects.requireNonNull(owner, "owner must not be null");
        return upload(packageName(owner), owner.createTime(), data, "the package of " + owner.key());
    }

    /** As Pulsar's worker with package management on: the path is the package's name. */
    @Override
    public PackageRef storeAt(String path, InputStream data) throws PackageException {
        Objects.requireNonNull(path, "path must not be null");
        return upload(path, System.currentTimeMillis(), data, "package " + path);
    }

    private PackageRef upload(String name, long createTime, InputStream data, String what) throws PackageException {
        Objects.requireNonNull(data, "data must not be null");
        PulsarAdmin brokerAdmin = requireAdmin();
        Path spool = null;
        try {
            spool = Files.createTempFile("outrigger-package-", ".upload");
            MessageDigest sha256 = Sha256.newDigest();
            long size = spool(data, spool, sha256);
            PackageMetadata metadata = PackageMetadata.builder().createTime(createTime).build();
            try {
                brokerAdmin.packages().upload(metadata, name, spool.toString());
            } catch (PulsarAdminException e) {
                throw uploadFailure(name, e);
            } catch (RuntimeException e) {
                throw new PackageException(invalidName(e) ? Reason.INVALID : Reason.UNAVAILABLE,
                        "Cannot upload package " + name + ": " + message(e), e);
            }
            LOG.debug("Uploaded {} ({} bytes) to package management as {}", what, size, name);
            return new PackageRef(name, Sha256.hex(sha256), size);
        } catch (IOException e) {
            throw new PackageException(Reason.UNAVAILABLE, "Cannot spool " + what + ": " + e, e);
        } finally {
            deleteQuietly(spool);
        }
    }

    /** Copies the upload to a file (the admin client uploads files), hashing it and holding the size limit. */
    private long spool(InputStream data, Path spool, MessageDigest sha256) throws IOException, PackageException {
        long size = 0;
        byte[] buffer = new byte[BUFFER_SIZE];
        try (OutputStream out = Files.newOutputStream(spool)) {
            int read;
            while ((read = data.read(buffer)) >= 0) {
                size += read;
                if (size > maxSizeBytes) {
                    size += data.transferTo(OutputStream.nullOutputStream());
                    throw new PackageException(Reason.INVALID, "Package size " + size + " bytes exceeds the limit of "
                            + maxSizeBytes + " bytes (functionPackageMaxSizeBytes)");
                }
                sha256.update(buffer, 0, read);
                out.write(buffer, 0, read);
            }
        }
        return size;
    }

    /**
     * The broker's answer, in its words. A name that is taken is the caller's to resolve: Pulsar's worker leaves the
     * packages of deregistered components behind, so registering a component of the same name again with package
     * management on meets its old {@code @0} package (apache/pulsar#20930; Pulsar answers 500 there).
     */
    private static PackageException uploadFailure(String name, PulsarAdminException e) {
        String message = e.getMessage();
        if (message != null && message.contains("already exists")) {
            return new PackageException(Reason.INVALID, message + " (delete it with 'pulsar-admin packages delete "
                    + name + "' if nothing uses it any more)", e);
        }
        return new PackageException(reason(e), "Cannot upload package " + name + ": " + message, e);
    }

    /**
     * What a broker's refusal means: 404 is a missing package, other 4xx and a name the client rejects (the admin
     * client wraps that as a 500) are the caller's, the rest is the broker's.
     */
    static Reason reason(PulsarAdminException e) {
        int status = e.getStatusCode();
        if (status == 404) {
            return Reason.NOT_FOUND;
        }
        if (status >= 400 && status < 500 || invalidName(e)) {
            return Reason.INVALID;
        }
        return Reason.UNAVAILABLE;
    }

    /** Pulsar's PackageName refuses a malformed name with an IllegalArgumentException, wrapped on the way. */
    static boolean invalidName(Throwable e) {
        return nameRefusal(e) != null;
    }

    private static IllegalArgumentException nameRefusal(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof IllegalArgumentException refusal) {
                return refusal;
            }
        }
        return null;
    }

    /** The refusal's own words ("Invalid package name '...'"), not those of the wrappers around it. */
    static String message(Throwable e) {
        IllegalArgumentException refusal = nameRefusal(e);
        return refusal != null && refusal.getMessage() != null ? refusal.getMessage() : e.getMessage();
    }

    @Override
    public void fetch(PackageRef ref, Path target) throws PackageException {
        Objects.requireNonNull(target, "target must not be null");
        PulsarAdmin brokerAdmin = requireAdmin();
        Path download = null;
        try {
            Path directory = target.toAbsolutePath().getParent();
            Files.createDirectories(directory);
            download = Files.createTempFile(directory, ".download-", ".part");
            try {
                brokerAdmin.packages().download(ref.location(), download.toString());
            } catch (PulsarAdminException e) {
                // the broker's (or the client's) words, as Pulsar's worker passes them on
                throw new PackageException(reason(e), e.getMessage(), e);
            } catch (RuntimeException e) {
                throw new PackageException(invalidName(e) ? Reason.INVALID : Reason.UNAVAILABLE, message(e), e);
            }
            try (InputStream in = Files.newInputStream(download); TargetFile out = TargetFile.create(target)) {
                byte[] buffer = new byte[BUFFER_SIZE];
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, read);
                }
                out.commit(ref, "Package " + ref.location());
            }
        } catch (IOException e) {
            throw new PackageException(Reason.UNAVAILABLE, "Cannot fetch package " + ref.location() + " to " + target
                    + ": " + e, e);
        } finally {
            deleteQuietly(download);
        }
    }

    /** Deletes that package version from package management; a missing one is fine. */
    @Override
    public void delete(PackageRef ref) throws PackageException {
        PulsarAdmin brokerAdmin = requireAdmin();
        try {
            brokerAdmin.packages().delete(ref.location());
            LOG.debug("Deleted package {}", ref.location());
        } catch (PulsarAdminException.NotFoundException e) {
            LOG.debug("Package {} was already deleted", ref.location());
        } catch (PulsarAdminException e) {
            throw new PackageException(reason(e), "Cannot delete package " + ref.location() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new PackageException(invalidName(e) ? Reason.INVALID : Reason.UNAVAILABLE,
                    "Cannot delete package " + ref.location() + ": " + message(e), e);
        }
    }

    private PulsarAdmin requireAdmin() throws PackageException {
        PulsarAdmin brokerAdmin = admin;
        if (brokerAdmin == null) {
            throw new PackageException(Reason.UNAVAILABLE, "No broker admin client: Pulsar's package management "
                    + "cannot be reached");
        }
        return brokerAdmin;
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("Cannot delete {}: {}", file, e.toString());
        }
    }
}
