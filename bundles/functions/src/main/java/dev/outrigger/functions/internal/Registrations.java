package dev.outrigger.functions.internal;

import static dev.outrigger.api.functions.FunctionServiceException.badRequest;
import static dev.outrigger.api.functions.FunctionServiceException.notFound;
import static dev.outrigger.functions.internal.Functions.toJson;

import dev.outrigger.api.functions.FunctionServiceException;
import dev.outrigger.api.functions.FunctionServiceException.Kind;
import dev.outrigger.api.functions.PackageUpload;
import dev.outrigger.api.metadata.ComponentType;
import dev.outrigger.api.metadata.FunctionKey;
import dev.outrigger.api.metadata.FunctionMetadata;
import dev.outrigger.api.metadata.FunctionMetadataStore;
import dev.outrigger.api.metadata.InvalidMetadataException;
import dev.outrigger.api.metadata.MetadataNotWrittenException;
import dev.outrigger.api.metadata.MetadataUnavailableException;
import dev.outrigger.api.metadata.StaleVersionException;
import dev.outrigger.api.packages.PackageException;
import dev.outrigger.api.packages.PackageOwner;
import dev.outrigger.api.packages.PackageRef;
import dev.outrigger.api.runtime.FunctionRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Register, update and deregister: a function's package stored and its record written, with an outcome the client can
 * trust (issue 11 finding 2). A package goes at once only when its record surely did not land, else only once no
 * record names it ({@link PackageJanitor}); a create sent again after an answer was lost (same configuration, same
 * package) is answered as the create was, not with "already exists".
 */
final class Registrations {

    private static final Logger LOG = LoggerFactory.getLogger(Registrations.class);
    /** Longer than the metadata store's own deadline for a write, so its precise outcome is what the caller hears. */
    private static final long METADATA_TIMEOUT_SECONDS = 30;

    private final FunctionMetadataStore metadata;
    private final PulsarAdmin brokerAdmin;
    private final PackageStores packages;
    private final PackageJanitor janitor;
    private final Supplier<FunctionRuntime> runtime;

    /** @param runtime the runtime present now, to check a package holds its class; null while there is none */
    Registrations(FunctionMetadataStore metadata, PulsarAdmin brokerAdmin, PackageStores packages,
            PackageJanitor janitor, Supplier<FunctionRuntime> runtime) {
        this.metadata = metadata;
        this.brokerAdmin = brokerAdmin;
        this.packages = packages;
        this.janitor = janitor;
        this.runtime = runtime;
    }

    void register(String tenant, String namespace, String name, FunctionConfig submitted, PackageUpload upload,
            String packageUrl) {
        if (submitted == null) {
            throw badRequest("Function config is not provided");
        }
        validated(() -> FunctionConfigs.forCreate(tenant, namespace, name, submitted));
        // Stored as submitted, not as GET shows it: GET leaves out fields the instances need (consumer properties,
        // type classes). GET derives its view from this on every read.
        FunctionConfig config = submitted.toBuilder().tenant(tenant).namespace(namespace).name(name).build();
        String configJson = toJson(config);
        FunctionKey key = new FunctionKey(tenant, namespace, name);
        requirePackage(upload, packageUrl);
        Functions.requireTenantAndNamespace(brokerAdmin, tenant, namespace);
        Optional<FunctionMetadata> present = metadata.get(key);
        Spooled spooled = null;
        try {
            if (present.isPresent()) {
                spooled = upload == null ? null : spool(key, upload);
                if (sameRegistration(present.get(), configJson, spooled, packageUrl)) {
                    LOG.info("Function {} is registered as this request asks already (a retry): nothing to do", key);
                    return;
                }
                throw badRequest("Function " + name + " already exists");
            }
            long createTime = System.currentTimeMillis();
            spooled = upload == null ? null : spool(key, upload);
            Spooled uploaded = spooled;
            PackageRef stored = storePackage(new PackageOwner(ComponentType.FUNCTION, key, 0, createTime),
                    config.getClassName(), uploaded, packageUrl);
            try {
                await(metadata.write(new FunctionMetadata(key, ComponentType.FUNCTION, 0, createTime, configJson,
                        stored, Map.of())));
                LOG.info("Registered function {}", key);
            } catch (RuntimeException e) {
                discardAfterFailedWrite(stored, upload != null, key, e);
                if (e instanceof StaleVersionException) {
                    // another request created it meanwhile: this one's twin (a retry) or a different function
                    if (metadata.get(key).filter(current -> sameRegistration(current, configJson, uploaded,
                            packageUrl)).isPresent()) {
                        LOG.info("Function {} was registered by a twin of this request meanwhile", key);
                        return;
                    }
                    throw badRequest("Function " + name + " already exists");
                }
                throw e;
            }
        } finally {
            if (spooled != null) {
                spooled.delete();
            }
        }
    }

    void update(String tenant, String namespace, String name, FunctionConfig submitted, PackageUpload upload,
            String packageUrl) {
        FunctionKey key = new FunctionKey(tenant, namespace, name);
        FunctionMetadata existing = metadata.get(key)
                .filter(record -> record.type() == ComponentType.FUNCTION)
                .orElseThrow(() -> badRequest("Function " + name + " doesn't exist"));
        FunctionConfig current = Functions.view(existing);
        boolean newPackage = upload != null || (packageUrl != null && !packageUrl.isBlank());
        FunctionConfig updated = current;
        if (submitted != null) {
            // As Pulsar: "no change" is decided on the merged configuration before it is validated.
            updated = validated(() -> FunctionConfigMerge.merge(current, submitted, tenant, namespace, name));
            validated(() -> FunctionConfigs.forUpdate(current, submitted, tenant, namespace, name));
        }
        if (!newPackage && FunctionConfigMerge.sameConfig(current, updated)) {
            throw badRequest("Update contains no change");
        }
        PackageOwner owner = new PackageOwner(ComponentType.FUNCTION, key, existing.version() + 1,
                existing.createTime());
        PackageRef stored = existing.packageRef();
        if (newPackage) {
            Spooled spooled = upload == null ? null : spool(key, upload);
            try {
                stored = storePackage(owner, updated.getClassName(), spooled, packageUrl);
            } finally {
                if (spooled != null) {
                    spooled.delete();
                }
            }
        }
        try {
            await(metadata.write(existing.update(toJson(updated), stored)));
        } catch (RuntimeException e) {
            if (newPackage) {
                discardAfterFailedWrite(stored, upload != null, key, e);
            }
            if (e instanceof StaleVersionException) {
                throw badRequest("Function " + name + " was changed by another request; try again");
            }
            throw e;
        }
        if (newPackage && existing.packageRef() != null && !existing.packageRef().equals(stored)) {
            janitor.discard(existing.packageRef(), packages.deletedWithComponent(existing.packageRef()));
        }
        LOG.info("Updated function {} to version {}", key, existing.version() + 1);
    }

    void deregister(String tenant, String namespace, String name) {
        FunctionMetadata existing = metadata.get(new FunctionKey(tenant, namespace, name))
                .filter(record -> record.type() == ComponentType.FUNCTION)
                .orElseThrow(() -> notFound("Function " + name + " doesn't exist"));
        try {
            await(metadata.delete(existing.key(), existing.version()));
        } catch (StaleVersionException e) {
            throw badRequest("Function " + name + " was changed by another request; try again");
        }
        // As Pulsar's worker: packages in package management stay (apache/pulsar#18030), the others go.
        if (existing.packageRef() != null) {
            janitor.discard(existing.packageRef(), packages.deletedWithComponent(existing.packageRef()));
        }
        LOG.info("Deregistered function {}", existing.key());
    }

    /**
     * Whether a record is what this create would have written: the same configuration and the same package, by its
     * content for an upload, by its location for a URL. Its version may be 0 only: an updated function is another.
     */
    private boolean sameRegistration(FunctionMetadata record, String configJson, Spooled upload, String packageUrl) {
        if (record.type() != ComponentType.FUNCTION || record.version() != 0 || !record.config().equals(configJson)
                || record.packageRef() == null) {
            return false;
        }
        if (upload != null) {
            return upload.sha256().equals(record.packageRef().sha256());
        }
        try {
            return packages.reference(packageUrl).location().equals(record.packageRef().location());
        } catch (PackageException | RuntimeException e) {
            return false;
        }
    }

    private static void requirePackage(PackageUpload upload, String packageUrl) {
        boolean hasUrl = packageUrl != null && !packageUrl.isBlank();
        if (upload == null && !hasUrl) {
            throw badRequest("Function package is not provided");
        }
        if (upload != null && hasUrl) {
            throw badRequest("Only one of function package url or file can be provided");
        }
    }

    /** An upload on disk (it is read more than once), its name as sent, and the SHA-256 of its bytes. */
    private record Spooled(Path file, String fileName, String sha256) {
        void delete() {
            if (file == null) {
                return;
            }
            try {
                Files.deleteIfExists(file);
                Files.deleteIfExists(file.getParent());
            } catch (IOException e) {
                LOG.warn("Cannot delete {}: {}", file, e.toString());
            }
        }
    }

    private static Spooled spool(FunctionKey key, PackageUpload upload) {
        Path file = null;
        try {
            file = Files.createTempDirectory("outrigger-package-").resolve("package");
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new DigestInputStream(upload.data(), sha256)) {
                Files.copy(in, file);
            }
            return new Spooled(file, upload.fileName(), HexFormat.of().formatHex(sha256.digest()));
        } catch (IOException e) {
            new Spooled(file, null, "").delete();
            throw new FunctionServiceException(Kind.INTERNAL, "Cannot spool the package of " + key + ": " + e, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JVM has SHA-256", e);
        }
    }

    /**
     * Keeps the package after checking, like Pulsar's worker, that it holds the function class (when a runtime is
     * here to load it).
     */
    private PackageRef storePackage(PackageOwner owner, String className, Spooled upload, String packageUrl) {
        FunctionKey key = owner.key();
        Path fetched = null;
        try {
            if (upload != null) {
                checkFunctionClass(upload.file(), className);
                try (InputStream in = Files.newInputStream(upload.file())) {
                    return packages.forUploads().store(owner, upload.fileName(), in);
                }
            }
            PackageRef ref = packages.reference(packageUrl);
            if (runtime.get() != null) {
                fetched = Files.createTempDirectory("outrigger-package-").resolve("package");
                packages.forLocation(ref).fetch(ref, fetched);
                checkFunctionClass(fetched, className);
            }
            return ref;
        } catch (PackageException e) {
            throw switch (e.reason()) {
                case INVALID, NOT_FOUND, CORRUPT -> badRequest(e.getMessage());
                case UNAVAILABLE -> new FunctionServiceException(Kind.UNAVAILABLE, e.getMessage(), e);
            };
        } catch (IOException e) {
            throw new FunctionServiceException(Kind.INTERNAL, "Cannot spool the package of " + key + ": " + e, e);
        } finally {
            new Spooled(fetched, null, "").delete();
        }
    }

    private void checkFunctionClass(Path packageFile, String className) {
        FunctionRuntime currentRuntime = runtime.get();
        if (currentRuntime == null || className == null) {
            return;
        }
        try {
            currentRuntime.checkFunctionClass(packageFile, className);
        } catch (IllegalArgumentException e) {
            throw badRequest(e.getMessage());
        }
    }

    /**
     * A refused write, or one no leader took, surely did not land, so its package goes now; any other failure leaves
     * the outcome unknown (a write forwarded to a leader that went away may have been written), so the package goes
     * only once it is sure no record names it.
     */
    private void discardAfterFailedWrite(PackageRef stored, boolean owned, FunctionKey key, RuntimeException failure) {
        boolean notWritten = failure instanceof StaleVersionException
                || failure.getCause() instanceof MetadataNotWrittenException
                || failure instanceof FunctionServiceException refusal
                        && refusal.kind() == FunctionServiceException.Kind.BAD_REQUEST;
        if (notWritten) {
            janitor.discard(stored, owned);
        } else {
            janitor.discardUnlessRecorded(stored, owned, key);
        }
    }

    static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(METADATA_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof StaleVersionException stale) {
                throw stale;
            }
            if (cause instanceof MetadataUnavailableException unavailable) {
                throw new FunctionServiceException(Kind.UNAVAILABLE, unavailable.getMessage(), unavailable);
            }
            if (cause instanceof InvalidMetadataException invalid) {
                // the leader judged the forwarded record and refused it: its reason is the caller's to act on
                throw new FunctionServiceException(Kind.BAD_REQUEST, invalid.getMessage(), invalid);
            }
            throw new FunctionServiceException(Kind.INTERNAL, "Metadata write failed: " + cause, cause);
        } catch (TimeoutException e) {
            throw new FunctionServiceException(Kind.UNAVAILABLE, "Metadata write not confirmed within "
                    + METADATA_TIMEOUT_SECONDS + " s; it may still be applied, and the same request may be sent again",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FunctionServiceException(Kind.UNAVAILABLE, "Interrupted", e);
        }
    }

    private static FunctionConfig validated(Supplier<FunctionConfig> validation) {
        try {
            return validation.get();
        } catch (IllegalArgumentException e) {
            throw badRequest(e.getMessage());
        }
    }
}
