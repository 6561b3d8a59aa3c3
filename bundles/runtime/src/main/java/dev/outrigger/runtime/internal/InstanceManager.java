package dev.outrigger.runtime.internal;

import dev.outrigger.api.cluster.ClusterService;
import dev.outrigger.api.metadata.FunctionMetadata;
import dev.outrigger.api.metadata.FunctionMetadataStore;
import dev.outrigger.api.metadata.InstanceState;
import dev.outrigger.api.metadata.MetadataListener;
import dev.outrigger.api.packages.PackageException;
import dev.outrigger.api.packages.PackageRef;
import dev.outrigger.api.packages.PackageStore;
import dev.outrigger.api.runtime.FunctionRuntime;
import dev.outrigger.api.scheduler.AssignmentListener;
import dev.outrigger.api.scheduler.InstanceId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
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
 * Makes this worker run what the leader assigned to it: on every change of the assignments or of the metadata it
 * compares what should run here (assigned to this worker, not stopped by an operator, at the current metadata version)
 * with what the runtime holds, fetches missing packages and starts or stops instances. Reconciling from the whole
 * picture each time makes a missed or repeated event harmless.
 */
@Component(service = {}, immediate = true)
public final class InstanceManager {

    private static final Logger LOG = LoggerFactory.getLogger(InstanceManager.class);

    private final FunctionRuntime runtime;
    private final FunctionMetadataStore metadata;
    private final ClusterService cluster;
    private final PackageCache packageCache;
    /** The cached package each instance started here runs, so the cache keeps exactly those. */
    private final Map<InstanceId, Path> packagesInUse = new ConcurrentHashMap<>();
    private final Map<String, PackageStore> stores = new ConcurrentHashMap<>();
    /** One thread: reconciliations never overlap and follow the order of events. */
    private static final long RETRY_SECONDS = 10;

    private final ScheduledExecutorService reconciler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "outrigger-instance-manager");
        thread.setDaemon(true);
        return thread;
    });
    /**
     * Packages are fetched here, never on the reconciler: one slow download must not hold up every other start and
     * stop on this worker (issue 11 finding 8).
     */
    private final ExecutorService downloads = Executors.newFixedThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "outrigger-package-download");
        thread.setDaemon(true);
        return thread;
    });
    /** Fetches in flight, or done and not yet used, by package; only the reconciler thread touches it. */
    private final Map<PackageRef, CompletableFuture<Path>> fetches = new HashMap<>();
    private final List<ServiceRegistration<?>> listeners = new ArrayList<>();
    private volatile Map<InstanceId, String> assignments = Map.of();

    @Activate
    public InstanceManager(BundleContext context, @Reference FunctionRuntime runtime,
            @Reference FunctionMetadataStore metadata, @Reference ClusterService cluster) throws IOException {
        this.runtime = runtime;
        this.metadata = metadata;
        this.cluster = cluster;
        // The framework's data area is recreated at every start: a cache, never the source of truth.
        this.packageCache = new PackageCache(Files.createDirectories(context.getDataFile("packages").toPath()));
        // Registered by hand once active: as DS services, the metadata store binding them would activate this
        // component, which needs the store: a circular activation.
        listeners.add(context.registerService(AssignmentListener.class, this::assignmentsChanged, null));
        listeners.add(context.registerService(MetadataListener.class, (previous, current) -> reconcileLater(), null));
        // Also now and then, so a start that failed (package store not there yet, broker away) is retried.
        reconciler.scheduleWithFixedDelay(this::reconcile, RETRY_SECONDS, RETRY_SECONDS, TimeUnit.SECONDS);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addStore(PackageStore store, Map<String, Object> properties) {
        PackageStore.schemes(properties).forEach(scheme -> stores.put(scheme, store));
        reconcileLater();
    }

    void removeStore(PackageStore store, Map<String, Object> properties) {
        PackageStore.schemes(properties).forEach(scheme -> stores.remove(scheme, store));
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        listeners.forEach(ServiceRegistration::unregister);
        reconciler.shutdownNow();
        downloads.shutdownNow();
        reconciler.awaitTermination(30, TimeUnit.SECONDS);
        for (InstanceId instance : Set.copyOf(runtime.instances())) {
            runtime.stop(instance);
        }
    }

    private void assignmentsChanged(Map<InstanceId, String> current) {
        assignments = Map.copyOf(current);
        reconcileLater();
    }

    private void reconcileLater() {
        if (!reconciler.isShutdown()) {
            reconciler.execute(this::reconcile);
        }
    }

    /**
     * The loop boundary: nothing thrown here, user code's Errors included, may escape, as an exception would cancel
     * the periodic retry for good.
     */
    private void reconcile() {
        try {
            reconcileNow();
        } catch (Throwable t) {
            LOG.error("Reconciling the instances failed; retrying in {} s", RETRY_SECONDS, t);
        }
    }

    private void reconcileNow() {
        if (!cluster.isInitialized()) {
            return;
        }
        String self = cluster.self().workerId();
        Set<InstanceId> wanted = new HashSet<>();
        Set<PackageRef> used = new HashSet<>();
        for (Map.Entry<InstanceId, String> assignment : assignments.entrySet()) {
            if (!self.equals(assignment.getValue())) {
                continue;
            }
            InstanceId instance = assignment.getKey();
            Optional<FunctionMetadata> function;
            try {
                function = metadata.get(instance.function());
            } catch (RuntimeException e) {
                LOG.warn("Metadata not readable yet, will retry on the next change: {}", e.getMessage());
                return;
            }
            if (function.isEmpty() || function.get().instanceState(instance.instanceId()) == InstanceState.STOPPED) {
                continue;
            }
            wanted.add(instance);
            FunctionMetadata record = function.get();
            if (runtime.runningVersion(instance).filter(version -> version == record.version()).isPresent()) {
                continue;
            }
            try {
                Path pkg = fetched(record);
                if (pkg == null) {
                    continue; // still downloading: started once it is here, an older version runs meanwhile
                }
                used.add(record.packageRef());
                packagesInUse.put(instance, pkg);
                LOG.info("Starting {} (version {})", instance, record.version());
                runtime.start(record, instance.instanceId(), pkg);
            } catch (PackageException | IOException | RuntimeException e) {
                LOG.error("Cannot start {}: {}", instance, e.getMessage());
            } catch (Throwable t) {
                // user code's Error (the runtime should contain it): one instance must not stop the others' starts
                LOG.error("Cannot start {}", instance, t);
            }
        }
        for (InstanceId held : Set.copyOf(runtime.instances())) {
            if (!wanted.contains(held)) {
                LOG.info("Stopping {}", held);
                runtime.stop(held);
            }
        }
        Set<InstanceId> held = runtime.instances();
        packagesInUse.keySet().removeIf(instance -> !held.contains(instance));
        fetches.entrySet().removeIf(fetch -> used.contains(fetch.getKey())
                || fetch.getValue().isCompletedExceptionally());
        if (fetches.isEmpty()) {
            // no download in flight or waiting to be used, whose files pruning would take
            packageCache.prune(Set.copyOf(packagesInUse.values()));
        }
    }

    /**
     * @return the package's file once fetched; null while its download runs (it is started here if it is not, and
     *     the instances are reconciled again when it ends)
     * @throws PackageException if the download failed; the next reconciliation tries again
     */
    private Path fetched(FunctionMetadata record) throws PackageException, IOException {
        PackageRef ref = record.packageRef();
        CompletableFuture<Path> fetch = fetches.get(ref);
        if (fetch == null) {
            PackageStore store = storeFor(record);
            fetch = CompletableFuture.supplyAsync(() -> {
                try {
                    return packageCache.fetch(ref, store);
                } catch (PackageException | IOException e) {
                    throw new CompletionException(e);
                }
            }, downloads);
            fetches.put(ref, fetch);
            fetch.whenComplete((file, failure) -> reconcileLater());
            return null;
        }
        if (!fetch.isDone()) {
            return null;
        }
        try {
            return fetch.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof PackageException failure) {
                throw failure;
            }
            if (e.getCause() instanceof IOException failure) {
                throw failure;
            }
            throw e;
        }
    }

    /** Where the package's bytes come from, into the content-addressed cache shared by this worker's instances. */
    private PackageStore storeFor(FunctionMetadata record) throws IOException {
        PackageRef ref = record.packageRef();
        if (ref == null) {
            throw new IOException("Function " + record.key() + " has no package");
        }
        PackageStore store = stores.get(ref.scheme());
        if (store == null) {
            throw new IOException("No package store for " + ref.location() + " yet");
        }
        return store;
    }
}
