package dev.outrigger.functions.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.outrigger.api.functions.FunctionServiceException;
import dev.outrigger.api.metadata.ComponentType;
import dev.outrigger.api.metadata.FunctionKey;
import dev.outrigger.api.metadata.FunctionMetadata;
import dev.outrigger.api.metadata.FunctionMetadataStore;
import dev.outrigger.api.metadata.InvalidMetadataException;
import dev.outrigger.api.metadata.MetadataUnavailableException;
import dev.outrigger.api.metadata.MetadataValidator;
import dev.outrigger.api.packages.PackageException;
import dev.outrigger.api.packages.PackageRef;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the leader asks before it writes a function record another worker forwarded: could {@link Functions}, the
 * public path, have written it? The same code judges: {@link FunctionConfigs} for the configuration (and, where an
 * update changes it, for what an update may not alter), {@link PackageStores} for a package URL,
 * {@link Functions#requireTenantAndNamespace} for a new function. The record's own parts are checked against each
 * other: the configuration names the record's key, the create time stays, and a package the worker stored (a
 * BookKeeper ledger, which a user can never name) is new to this function: neither another component's package nor
 * one uploaded by path.
 *
 * <p>Not judged (the forwarding worker did, and the leader cannot without the bytes): that the package holds the
 * function's class.
 */
@Component(service = MetadataValidator.class, property = MetadataValidator.COMPONENT_TYPES + "=FUNCTION")
public final class FunctionRecordValidator implements MetadataValidator {

    private static final Logger LOG = LoggerFactory.getLogger(FunctionRecordValidator.class);
    /** What {@code BookKeeperPackageStore} records for every package it stores. */
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final FunctionMetadataStore metadata;
    private final PulsarAdmin brokerAdmin;
    private final PackageStores packages;

    // Optional: only a record with a new stored package needs it; without it such a record cannot be judged (503).
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile PackagePaths paths;

    @Activate
    public FunctionRecordValidator(@Reference FunctionMetadataStore metadata, @Reference PulsarAdmin brokerAdmin,
            @Reference PackageStores packages) {
        this.metadata = metadata;
        this.brokerAdmin = brokerAdmin;
        this.packages = packages;
    }

    /** For tests: with that path index (null for none). */
    FunctionRecordValidator(FunctionMetadataStore metadata, PulsarAdmin brokerAdmin, PackageStores packages,
            PackagePaths paths) {
        this(metadata, brokerAdmin, packages);
        this.paths = paths;
    }

    @Override
    public void validate(FunctionMetadata current, FunctionMetadata proposed) {
        Objects.requireNonNull(proposed, "proposed must not be null");
        FunctionKey key = proposed.key();
        if (proposed.type() != ComponentType.FUNCTION) {
            throw invalid(key + " is a " + lowerCase(proposed.type()) + " record, not a function's");
        }
        if (current != null) {
            if (current.type() != ComponentType.FUNCTION) {
                throw invalid(key + " exists as a " + lowerCase(current.type()) + ", not as a function");
            }
            if (current.createTime() != proposed.createTime()) {
                throw invalid("The create time of " + key + " is " + current.createTime() + ", a new version cannot "
                        + "change it to " + proposed.createTime());
            }
        }
        checkConfig(current, proposed);
        checkInstanceStates(proposed);
        checkPackage(current, proposed);
        if (current == null) {
            checkTenantAndNamespace(key);
        }
    }

    /** As register and update validate, on the configuration the record stores. */
    private static void checkConfig(FunctionMetadata current, FunctionMetadata proposed) {
        FunctionKey key = proposed.key();
        FunctionConfig config;
        try {
            config = Functions.JSON.readValue(proposed.config(), FunctionConfig.class);
        } catch (JsonProcessingException e) {
            throw invalid("The config of " + key + " is not a function config: " + e.getOriginalMessage());
        }
        if (config == null) {
            throw invalid("Function config is not provided");
        }
        // Register and update store the config with the request's names; validation alone would put the key's in.
        if (!key.tenant().equals(config.getTenant()) || !key.namespace().equals(config.getNamespace())
                || !key.name().equals(config.getName())) {
            throw invalid("The config names " + config.getTenant() + "/" + config.getNamespace() + "/"
                    + config.getName() + " but the record is " + key);
        }
        try {
            FunctionConfigs.forCreate(key.tenant(), key.namespace(), key.name(), config);
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
        if (current != null && !current.config().equals(proposed.config())) {
            checkUpdate(current, config);
        }
    }

    /** What an update may not alter (input topics, guarantees, subscription, ...), as the public update checks it. */
    private static void checkUpdate(FunctionMetadata current, FunctionConfig updated) {
        FunctionKey key = current.key();
        FunctionConfig existing;
        try {
            existing = Functions.view(current);
        } catch (RuntimeException e) {
            // The public path cannot update such a record either; its replacement was judged on its own above.
            LOG.warn("The current config of {} is not valid ({}); judging its replacement on its own", key,
                    e.getMessage());
            return;
        }
        try {
            FunctionConfigMerge.merge(existing, updated, key.tenant(), key.namespace(), key.name());
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
    }

    /** Start and stop name instances by id; a negative one is no instance. */
    private static void checkInstanceStates(FunctionMetadata proposed) {
        for (int instanceId : proposed.instanceStates().keySet()) {
            if (instanceId < 0) {
                throw invalid("Invalid InstanceId " + instanceId + " in the instance states of " + proposed.key());
            }
        }
    }

    private void checkPackage(FunctionMetadata current, FunctionMetadata proposed) {
        PackageRef ref = proposed.packageRef();
        if (ref == null) {
            throw invalid("Function package is not provided");
        }
        if (current != null && ref.equals(current.packageRef())) {
            return; // the package it has: a URL it uses stays usable whatever the stores accept now, as on update
        }
        if (PackageStores.UPLOAD_SCHEME.equals(ref.scheme())) {
            checkStoredPackage(proposed.key(), ref);
            return;
        }
        // A package the user named, or one uploaded to a store users may name (Pulsar's package management).
        try {
            String location = packages.reference(ref.location()).location();
            if (!location.equals(ref.location())) {
                throw invalid("Package url '" + ref.location() + "' is not as the worker keeps it: '" + location
                        + "'");
            }
        } catch (PackageException e) {
            throw invalid(e.getMessage());
        }
    }

    /** A package the worker stored for this function: with its digest, and nobody else's. */
    private void checkStoredPackage(FunctionKey key, PackageRef ref) {
        String location = ref.location();
        if (ref.sha256() == null || !SHA256.matcher(ref.sha256()).matches() || ref.size() < 0) {
            throw invalid("Package " + location + " of " + key + " has no SHA-256 and size: the worker keeps both "
                    + "for every package it stores");
        }
        for (FunctionMetadata other : metadata.all()) {
            if (!other.key().equals(key) && other.packageRef() != null
                    && other.packageRef().location().equals(location)) {
                throw invalid("Package " + location + " is the package of " + other.key() + ", not of " + key);
            }
        }
        PackagePaths index = paths;
        if (index == null) {
            throw new MetadataUnavailableException("Cannot validate the package " + location + " of " + key
                    + ": the package path index is not available", null);
        }
        Optional<String> path;
        try {
            path = index.pathOf(location);
        } catch (PackagePaths.UnavailableException e) {
            throw new MetadataUnavailableException("Cannot validate the package " + location + " of " + key + ": "
                    + e.getMessage(), e);
        }
        if (path.isPresent()) {
            throw invalid("Package " + location + " is the package uploaded at path " + path.get() + ", not one of "
                    + key);
        }
    }

    private void checkTenantAndNamespace(FunctionKey key) {
        try {
            Functions.requireTenantAndNamespace(brokerAdmin, key.tenant(), key.namespace());
        } catch (FunctionServiceException e) {
            if (e.kind() == FunctionServiceException.Kind.BAD_REQUEST) {
                throw invalid(e.getMessage());
            }
            throw new MetadataUnavailableException(e.getMessage(), e);
        }
    }

    private static InvalidMetadataException invalid(String reason) {
        return new InvalidMetadataException(reason);
    }

    private static String lowerCase(ComponentType type) {
        return type.name().toLowerCase(Locale.ROOT);
    }
}
