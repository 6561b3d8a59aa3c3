package dev.outrigger.functions.internal;

import static dev.outrigger.api.functions.FunctionServiceException.badRequest;
import static dev.outrigger.api.functions.FunctionServiceException.notFound;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outrigger.api.cluster.ClusterService;
import dev.outrigger.api.cluster.WorkerChannel;
import dev.outrigger.api.functions.FunctionService;
import dev.outrigger.api.functions.FunctionService.Asker;
import dev.outrigger.api.functions.FunctionServiceException;
import dev.outrigger.api.functions.FunctionServiceException.Kind;
import dev.outrigger.api.functions.PackageUpload;
import dev.outrigger.api.metadata.ComponentType;
import dev.outrigger.api.metadata.FunctionKey;
import dev.outrigger.api.metadata.FunctionMetadata;
import dev.outrigger.api.metadata.FunctionMetadataStore;
import dev.outrigger.api.metadata.InstanceState;
import dev.outrigger.api.metadata.StaleVersionException;
import dev.outrigger.api.packages.PackageException;
import dev.outrigger.api.packages.PackageRef;
import dev.outrigger.api.runtime.FunctionRuntime;
import dev.outrigger.api.scheduler.AssignmentService;
import dev.outrigger.api.scheduler.InstanceId;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.apache.pulsar.common.policies.data.FunctionInstanceStatsData;
import org.apache.pulsar.common.policies.data.FunctionInstanceStatsDataImpl;
import org.apache.pulsar.common.policies.data.FunctionInstanceStatsImpl;
import org.apache.pulsar.common.policies.data.FunctionStats;
import org.apache.pulsar.common.policies.data.FunctionStatsImpl;
import org.apache.pulsar.common.policies.data.FunctionStatus;
import org.apache.pulsar.common.policies.data.FunctionStatus.FunctionInstanceStatus;
import org.apache.pulsar.common.policies.data.FunctionStatus.FunctionInstanceStatus.FunctionInstanceStatusData;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Functions as Pulsar's worker keeps them: the configuration validated and completed with defaults, the package in a
 * {@link dev.outrigger.api.packages.PackageStore}, the record in the cluster's metadata. A failed register leaves no
 * package behind; a replaced or deregistered function's package is deleted after its metadata.
 */
@Component(service = FunctionService.class)
public final class Functions implements FunctionService {

    private static final Logger LOG = LoggerFactory.getLogger(Functions.class);
    static final String NOT_SCHEDULED = "Function has not been scheduled";
    static final String NOT_RUNNING_HERE = "Instance is not running on this worker";

    /** Pulsar's JSON style: unknown fields ignored, nulls left out. */
    static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private final FunctionMetadataStore metadata;
    private final PulsarAdmin brokerAdmin;
    private final PulsarClient client;
    private final PackageStores packages;
    private final PackageJanitor janitor;
    private final Registrations registrations;
    private final OwnerClient owners = new OwnerClient(JSON, () -> this.channel);

    // Optional: without a scheduler or runtime, every instance reports that it has not been scheduled.
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile AssignmentService assignments;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile FunctionRuntime runtime;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ClusterService cluster;

    // Optional: only asking other workers about their instances needs it, and its provider (the REST bundle) may
    // restart without taking this service down; meanwhile those instances report that their worker cannot be reached.
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile WorkerChannel channel;

    // Optional: only uploads and downloads by path need it.
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile PackagePaths paths;

    @Activate
    public Functions(@Reference FunctionMetadataStore metadata, @Reference PulsarAdmin brokerAdmin,
            @Reference PulsarClient client, @Reference PackageStores packages) {
        this(metadata, brokerAdmin, client, packages, PackageJanitor.SETTLE);
    }

    /** @param settle how long a package whose record's write has an unknown outcome is kept before checking */
    Functions(FunctionMetadataStore metadata, PulsarAdmin brokerAdmin, PulsarClient client, PackageStores packages,
            java.time.Duration settle) {
        this.metadata = metadata;
        this.brokerAdmin = brokerAdmin;
        this.client = client;
        this.packages = packages;
        this.janitor = new PackageJanitor(packages, metadata, settle);
        this.registrations = new Registrations(metadata, brokerAdmin, packages, janitor, () -> this.runtime);
    }

    @Deactivate
    void deactivate() {
        janitor.close();
    }

    @Override
    public void register(String tenant, String namespace, String name, FunctionConfig submitted,
            PackageUpload upload, String packageUrl) {
        registrations.register(tenant, namespace, name, submitted, upload, packageUrl);
    }

    @Override
    public void update(String tenant, String namespace, String name, FunctionConfig submitted,
            PackageUpload upload, String packageUrl) {
        registrations.update(tenant, namespace, name, submitted, upload, packageUrl);
    }

    @Override
    public void deregister(String tenant, String namespace, String name) {
        registrations.deregister(tenant, namespace, name);
    }

    @Override
    public FunctionConfig get(String tenant, String namespace, String name) {
        return view(existing(tenant, namespace, name));
    }

    /** What Pulsar's GET shows for a stored function: its configuration validated, with the defaults filled in. */
    static FunctionConfig view(FunctionMetadata record) {
        FunctionKey key = record.key();
        return FunctionConfigs.forView(key.tenant(), key.namespace(), key.name(), fromJson(record.config()));
    }

    @Override
    public List<String> list(String tenant, String namespace) {
        // As Pulsar's worker: read from the metadata alone, no broker round trip; an unknown namespace lists nothing.
        return metadata.list(tenant, namespace).stream()
                .filter(record -> record.type() == ComponentType.FUNCTION)
                .map(record -> record.key().name())
                .toList();
    }

    @Override
    public FunctionStatus status(String tenant, String namespace, String name) {
        FunctionConfig config = get(tenant, namespace, name);
        FunctionKey key = new FunctionKey(tenant, namespace, name);
        FunctionStatus status = new FunctionStatus();
        int parallelism = config.getParallelism() == null ? 1 : config.getParallelism();
        List<FunctionInstanceStatus> instances = new ArrayList<>();
        int running = 0;
        // all owners at once, one deadline for all (issue 11 finding 7)
        List<FunctionInstanceStatusData> answers = FanOut.all(parallelism,
                instanceId -> instanceData(new InstanceId(key, instanceId), Asker.CLIENT), FanOut.DEADLINE,
                instanceId -> notRunning("No answer from the instance's worker within "
                        + FanOut.DEADLINE.toSeconds() + " s"));
        for (int instanceId = 0; instanceId < parallelism; instanceId++) {
            FunctionInstanceStatus instance = new FunctionInstanceStatus();
            instance.setInstanceId(instanceId);
            instance.setStatus(answers.get(instanceId));
            if (instance.getStatus().isRunning()) {
                running++;
            }
            instances.add(instance);
        }
        status.setNumInstances(parallelism);
        status.setNumRunning(running);
        status.setInstances(instances);
        return status;
    }

    @Override
    public FunctionStats stats(String tenant, String namespace, String name) {
        FunctionMetadata record = existing(tenant, namespace, name);
        FunctionStatsImpl stats = new FunctionStatsImpl();
        List<FunctionInstanceStatsDataImpl> answers = FanOut.all(parallelism(record),
                instanceId -> instanceStatsData(new InstanceId(record.key(), instanceId), Asker.CLIENT),
                FanOut.DEADLINE,
                instanceId -> {
                    throw new FunctionServiceException(Kind.UNAVAILABLE, "No stats from the worker running instance "
                            + instanceId + " within " + FanOut.DEADLINE.toSeconds() + " s");
                });
        for (int instanceId = 0; instanceId < answers.size(); instanceId++) {
            FunctionInstanceStatsImpl instance = new FunctionInstanceStatsImpl();
            instance.setInstanceId(instanceId);
            instance.setMetrics(answers.get(instanceId));
            stats.addInstance(instance);
        }
        return stats.calculateOverall();
    }

    @Override
    public FunctionInstanceStatsData instanceStats(String tenant, String namespace, String name, int instanceId,
            Asker asker) {
        FunctionMetadata record = existing(tenant, namespace, name);
        int id = instanceIds(parallelism(record), instanceId)[0];
        return instanceStatsData(new InstanceId(record.key(), id), asker);
    }

    /**
     * As status: from this worker's runtime, or from the owner; empty figures for an instance not running, and a
     * failure, not zeros, when the owner cannot say.
     */
    private FunctionInstanceStatsDataImpl instanceStatsData(InstanceId instance, Asker asker) {
        AssignmentService currentAssignments = assignments;
        ClusterService currentCluster = cluster;
        String owner = currentAssignments == null ? null : currentAssignments.assignments().get(instance);
        if (owner == null || currentCluster == null) {
            return new FunctionInstanceStatsDataImpl();
        }
        if (owner.equals(currentCluster.self().workerId())) {
            FunctionRuntime currentRuntime = runtime;
            return currentRuntime == null ? new FunctionInstanceStatsDataImpl()
                    : currentRuntime.stats(instance).map(FunctionInstanceStatsDataImpl.class::cast)
                            .orElseGet(FunctionInstanceStatsDataImpl::new);
        }
        if (asker == Asker.WORKER) {
            return new FunctionInstanceStatsDataImpl(); // one hop: not running here, and never forwarded again
        }
        return owners.fetchStats(currentCluster, owner, instance);
    }

    @Override
    public String trigger(String tenant, String namespace, String name, String value, InputStream data,
            String topic) {
        FunctionConfig function = get(tenant, namespace, name);
        if (value == null && data == null) {
            throw badRequest("Trigger Data is not provided");
        }
        byte[] payload;
        try {
            payload = data != null ? data.readAllBytes() : value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw badRequest("Cannot read the trigger data: " + e.getMessage());
        }
        return Trigger.run(client, function, payload, topic);
    }

    @Override
    public void stop(String tenant, String namespace, String name, Integer instanceId) {
        setInstanceStates(tenant, namespace, name, instanceId, InstanceState.STOPPED);
    }

    @Override
    public void start(String tenant, String namespace, String name, Integer instanceId) {
        setInstanceStates(tenant, namespace, name, instanceId, InstanceState.RUNNING);
    }

    /** Pulsar keeps start/stop in the function's metadata, so every worker and every later assignment honours it. */
    private void setInstanceStates(String tenant, String namespace, String name, Integer instanceId,
            InstanceState state) {
        FunctionMetadata existing = existing(tenant, namespace, name);
        int parallelism = parallelism(existing);
        Map<Integer, InstanceState> states = new java.util.HashMap<>(existing.instanceStates());
        for (int id : instanceIds(parallelism, instanceId)) {
            if (state == InstanceState.RUNNING) {
                states.remove(id);
            } else {
                states.put(id, state);
            }
        }
        if (states.equals(existing.instanceStates())) {
            return;
        }
        try {
            Registrations.await(metadata.write(existing.withInstanceStates(states)));
        } catch (StaleVersionException e) {
            throw badRequest("Function " + name + " was changed by another request; try again");
        }
        LOG.info("Function {} instances {} set to {}", existing.key(),
                instanceId == null ? "all" : instanceId, state);
    }

    @Override
    public void restart(String tenant, String namespace, String name, Integer instanceId, Asker asker) {
        FunctionMetadata existing = existing(tenant, namespace, name);
        int[] ids = instanceIds(parallelism(existing), instanceId);
        // all owners at once, one deadline for all; the first failure is reported (issue 11 finding 7)
        FanOut.all(ids.length, index -> {
            InstanceId instance = new InstanceId(existing.key(), ids[index]);
            AssignmentService currentAssignments = assignments;
            ClusterService currentCluster = cluster;
            String owner = currentAssignments == null ? null : currentAssignments.assignments().get(instance);
            if (owner == null || currentCluster == null) {
                return null;
            }
            if (owner.equals(currentCluster.self().workerId())) {
                FunctionRuntime currentRuntime = runtime;
                if (currentRuntime != null) {
                    currentRuntime.restart(instance);
                }
            } else if (asker == Asker.CLIENT) { // one hop: a worker's request is never forwarded again
                owners.restart(currentCluster, owner, instance);
            }
            return null;
        }, FanOut.DEADLINE, index -> {
            throw new FunctionServiceException(Kind.UNAVAILABLE, "No answer from the worker running instance "
                    + ids[index] + " within " + FanOut.DEADLINE.toSeconds() + " s");
        });
    }

    private static int parallelism(FunctionMetadata record) {
        Integer parallelism = fromJson(record.config()).getParallelism();
        return parallelism == null ? 1 : parallelism;
    }

    private static int[] instanceIds(int parallelism, Integer instanceId) {
        if (instanceId == null) {
            return java.util.stream.IntStream.range(0, parallelism).toArray();
        }
        if (instanceId < 0 || instanceId >= parallelism) {
            throw badRequest("Invalid InstanceId");
        }
        return new int[] {instanceId};
    }

    @Override
    public void downloadPackage(String tenant, String namespace, String name, OutputStream out) {
        FunctionMetadata record = existing(tenant, namespace, name);
        PackageRef ref = record.packageRef();
        if (ref == null) {
            throw badRequest("Function " + name + " has no package to download");
        }
        Path file = null;
        try {
            file = Files.createTempFile("outrigger-download-", ".pkg");
            packages.forLocation(ref).fetch(ref, file);
            Files.copy(file, out);
        } catch (PackageException e) {
            throw switch (e.reason()) {
                case UNAVAILABLE -> new FunctionServiceException(Kind.UNAVAILABLE, e.getMessage(), e);
                default -> badRequest(e.getMessage());
            };
        } catch (IOException e) {
            throw new FunctionServiceException(Kind.INTERNAL, "Cannot send the package of " + name + ": " + e, e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    LOG.warn("Cannot delete {}: {}", file, e.toString());
                }
            }
        }
    }

    @Override
    public void uploadPackage(String path, InputStream data) {
        if (data == null || path == null || path.isBlank()) {
            throw badRequest("Function Package is not provided " + path); // Pulsar's words
        }
        PackageRef stored;
        try {
            stored = packages.forUploads().storeAt(path, data);
        } catch (PackageException e) {
            throw packageFailure(e);
        } catch (UnsupportedOperationException e) {
            throw new FunctionServiceException(Kind.INTERNAL, "The upload package store keeps no packages by path: "
                    + e.getMessage(), e);
        }
        if (stored.location().equals(path)) {
            // named by its path (Pulsar's package management): nothing to remember
            LOG.info("Uploaded a package to {}", path);
            return;
        }
        PackagePaths index = paths;
        Optional<PackageRef> previous;
        try {
            if (index == null) {
                throw new PackagePaths.UnavailableException("The package path index is not available yet", null);
            }
            previous = index.put(path, stored);
        } catch (PackagePaths.UnavailableException e) {
            janitor.discard(stored, true);
            throw new FunctionServiceException(Kind.UNAVAILABLE, e.getMessage(), e);
        }
        // As Pulsar's worker overwrites the log at that path: the package it named before goes.
        previous.filter(old -> !old.equals(stored)).ifPresent(old -> janitor.discard(old, true));
        LOG.info("Uploaded a package to {} ({})", path, stored.location());
    }

    @Override
    public InputStream downloadPackage(String path) {
        if (path == null || path.isBlank()) {
            throw badRequest("Function Package is not provided " + path);
        }
        PackageRef ref = resolvePath(path);
        Path file = null;
        try {
            file = Files.createTempFile("outrigger-download-", ".pkg");
            packages.forLocation(ref).fetch(ref, file);
            return Files.newInputStream(file, StandardOpenOption.DELETE_ON_CLOSE);
        } catch (PackageException e) {
            deleteFile(file);
            throw packageFailure(e);
        } catch (IOException e) {
            deleteFile(file);
            throw new FunctionServiceException(Kind.INTERNAL, "Cannot send the package at " + path + ": " + e, e);
        }
    }

    /**
     * What a download path names, as Pulsar's worker resolves it: the package of a component whose package location
     * it is, a package uploaded at that path, or (like Pulsar) a URL or package name the worker may fetch.
     */
    private PackageRef resolvePath(String path) {
        for (FunctionMetadata record : metadata.all()) {
            if (record.packageRef() != null && record.packageRef().location().equals(path)) {
                return record.packageRef();
            }
        }
        PackagePaths index = paths;
        if (index != null) {
            try {
                Optional<PackageRef> uploaded = index.get(path);
                if (uploaded.isPresent()) {
                    return uploaded.get();
                }
            } catch (PackagePaths.UnavailableException e) {
                throw new FunctionServiceException(Kind.UNAVAILABLE, e.getMessage(), e);
            }
        }
        // Never a bare ledger: only what a component or a path names is read from BookKeeper.
        if (!path.startsWith(PackageStores.UPLOAD_SCHEME + ":")) {
            try {
                return packages.reference(path);
            } catch (PackageException e) {
                LOG.debug("Download path {} is not a package location this worker fetches: {}", path, e.getMessage());
            }
        }
        throw notFound("Function package does not exist at path " + path);
    }

    private static FunctionServiceException packageFailure(PackageException e) {
        return switch (e.reason()) {
            case NOT_FOUND -> new FunctionServiceException(Kind.NOT_FOUND, e.getMessage(), e);
            case INVALID, CORRUPT -> new FunctionServiceException(Kind.BAD_REQUEST, e.getMessage(), e);
            case UNAVAILABLE -> new FunctionServiceException(Kind.UNAVAILABLE, e.getMessage(), e);
        };
    }

    private static void deleteFile(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("Cannot delete {}: {}", file, e.toString());
        }
    }

    @Override
    public FunctionInstanceStatusData instanceStatus(String tenant, String namespace, String name, int instanceId,
            Asker asker) {
        FunctionConfig config = get(tenant, namespace, name);
        int parallelism = config.getParallelism() == null ? 1 : config.getParallelism();
        if (instanceId < 0 || instanceId >= parallelism) {
            throw badRequest("Invalid InstanceId");
        }
        return instanceData(new InstanceId(new FunctionKey(tenant, namespace, name), instanceId), asker);
    }

    /**
     * The status of one instance from the worker that runs it: this worker's runtime, or the owner's admin API (the
     * owner answers from its own runtime, so this never goes further than one hop).
     */
    private FunctionInstanceStatusData instanceData(InstanceId instance, Asker asker) {
        AssignmentService currentAssignments = assignments;
        ClusterService currentCluster = cluster;
        String owner = currentAssignments == null ? null : currentAssignments.assignments().get(instance);
        if (owner == null || currentCluster == null) {
            return unscheduled();
        }
        if (owner.equals(currentCluster.self().workerId())) {
            FunctionRuntime currentRuntime = runtime;
            FunctionInstanceStatusData data = currentRuntime == null ? null
                    : currentRuntime.status(instance).orElse(null);
            if (data == null) {
                data = notRunning("");
            }
            data.setWorkerId(owner);
            return data;
        }
        if (asker == Asker.WORKER) {
            // one hop: a worker asked by another answers for itself, while the assignments it sees catch up
            FunctionInstanceStatusData data = notRunning(NOT_RUNNING_HERE);
            data.setWorkerId(currentCluster.self().workerId());
            return data;
        }
        return owners.fetch(currentCluster, owner, instance);
    }

    static FunctionInstanceStatusData notRunning(String error) {
        FunctionInstanceStatusData data = new FunctionInstanceStatusData();
        data.setRunning(false);
        data.setError(error);
        data.setLatestUserExceptions(new ArrayList<>());
        data.setLatestSystemExceptions(new ArrayList<>());
        return data;
    }

    private static FunctionInstanceStatusData unscheduled() {
        return notRunning(NOT_SCHEDULED);
    }

    private FunctionMetadata existing(String tenant, String namespace, String name) {
        return metadata.get(new FunctionKey(tenant, namespace, name))
                .filter(record -> record.type() == ComponentType.FUNCTION)
                .orElseThrow(() -> notFound("Function " + name + " doesn't exist"));
    }

    /**
     * Pulsar's worker asks the broker; 400 when either is missing, as it answers. Also what the leader asks of a
     * forwarded new function ({@link FunctionRecordValidator}).
     */
    static void requireTenantAndNamespace(PulsarAdmin brokerAdmin, String tenant, String namespace) {
        try {
            brokerAdmin.tenants().getTenantInfo(tenant);
        } catch (PulsarAdminException.NotFoundException e) {
            throw badRequest("Tenant " + tenant + " does not exist");
        } catch (PulsarAdminException e) {
            throw new FunctionServiceException(Kind.UNAVAILABLE, "Cannot check tenant " + tenant + ": "
                    + brokerProblem(e), e);
        }
        String qualified = tenant + "/" + namespace;
        try {
            if (!brokerAdmin.namespaces().getNamespaces(tenant).contains(qualified)) {
                throw badRequest("Namespace " + qualified + " does not exist");
            }
        } catch (PulsarAdminException e) {
            throw new FunctionServiceException(Kind.UNAVAILABLE, "Cannot check namespace " + qualified + ": "
                    + brokerProblem(e), e);
        }
    }

    /**
     * What went wrong asking the brokers, in words an operator can act on: the innermost cause's message, not the
     * admin client's wrapper classes.
     */
    static String brokerProblem(PulsarAdminException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return root instanceof java.net.ConnectException || message.contains("Connection refused")
                ? "the brokers' admin API cannot be reached (" + message + ")"
                : "the brokers' admin API answered: " + message;
    }

    static String toJson(FunctionConfig config) {
        try {
            return JSON.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new FunctionServiceException(Kind.INTERNAL, "Cannot write the function configuration: " + e, e);
        }
    }

    static FunctionConfig fromJson(String json) {
        try {
            return JSON.readValue(json, FunctionConfig.class);
        } catch (JsonProcessingException e) {
            throw new FunctionServiceException(Kind.INTERNAL, "Stored function configuration is unreadable: " + e, e);
        }
    }
}
