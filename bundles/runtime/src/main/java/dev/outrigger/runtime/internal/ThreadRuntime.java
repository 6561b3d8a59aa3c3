package dev.outrigger.runtime.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outrigger.api.metadata.FunctionKey;
import dev.outrigger.api.metadata.FunctionMetadata;
import dev.outrigger.api.runtime.FunctionRuntime;
import dev.outrigger.api.scheduler.InstanceId;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.apache.pulsar.common.policies.data.FunctionInstanceStatsData;
import org.apache.pulsar.common.policies.data.FunctionStatus.FunctionInstanceStatus.FunctionInstanceStatusData;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread runtime: every instance runs in this worker's JVM on a thread of its own, with the function's package in
 * a class loader that sees only Pulsar's API and SLF4J of the worker.
 */
@Component(service = FunctionRuntime.class, immediate = true)
public final class ThreadRuntime implements FunctionRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(ThreadRuntime.class);

    /** Pulsar's JSON style, as the functions bundle stores FunctionConfig. */
    static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final PulsarClient client;
    private final Map<InstanceId, FunctionInstance> instances = new ConcurrentHashMap<>();
    private final ScheduledExecutorService restarts = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "outrigger-runtime-restarts");
        thread.setDaemon(true);
        thread.setContextClassLoader(FunctionInstance.PULSAR_LOADER);
        return thread;
    });
    private volatile boolean closed;
    private volatile RuntimeSettings settings = RuntimeSettings.DEFAULTS;
    private volatile java.time.Duration loadDeadline = FunctionInstance.DEFAULT_LOAD_DEADLINE;

    @Activate
    public ThreadRuntime(@Reference PulsarClient client) {
        this.client = client;
    }

    /** How long an instance may take to load and instantiate its class; instances started from now on take it. */
    void loadDeadline(java.time.Duration deadline) {
        this.loadDeadline = deadline;
    }

    /** The worker configuration's settings; instances started from now on take them. */
    void settings(RuntimeSettings settings) {
        this.settings = settings;
    }

    @Override
    public void checkFunctionClass(Path packageFile, String className) {
        try (FunctionClassLoader loader = FunctionClassLoader.of(packageFile)) {
            Class<?> type;
            try {
                // Not initialised: a check must not run the user's static code.
                type = Class.forName(className, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                throw new IllegalArgumentException(String.format("Function class %s must be in class path", className));
            }
            if (!org.apache.pulsar.functions.api.Function.class.isAssignableFrom(type)
                    && !java.util.function.Function.class.isAssignableFrom(type)
                    && !org.apache.pulsar.functions.api.WindowFunction.class.isAssignableFrom(type)) {
                throw new IllegalArgumentException(
                        String.format("Function class %s does not implement the correct interface", className));
            }
        } catch (java.io.IOException e) {
            LOG.debug("Closing the class loader of {} failed: {}", packageFile, e.toString());
        }
        refuseExitCalls(packageFile);
    }

    /** Functions share the worker's JVM: a package that would end it is refused (issue 11 finding 4). */
    private static void refuseExitCalls(Path packageFile) {
        java.util.Optional<String> call;
        try {
            call = ExitCalls.find(packageFile);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("Cannot read the function package as a jar: " + e.getMessage(), e);
        }
        call.ifPresent(found -> {
            throw new IllegalArgumentException("Function package refused: " + found + ", which would stop the "
                    + "worker and every function on it (functions run in the worker's JVM)");
        });
    }

    @Override
    public void start(FunctionMetadata metadata, int instanceId, Path packageFile) {
        InstanceId id = new InstanceId(metadata.key(), instanceId);
        FunctionInstance started;
        synchronized (lock(id)) {
            if (closed) {
                throw new IllegalStateException("The thread runtime is stopped");
            }
            FunctionInstance existing = instances.get(id);
            if (existing != null && existing.metadata.version() == metadata.version()
                    && existing.stats.toStatus().getError().isEmpty()) {
                return;
            }
            if (existing != null && existing.metadata.version() > metadata.version()) {
                LOG.debug("Instance {} already runs version {}, newer than {}", id, existing.metadata.version(),
                        metadata.version());
                return;
            }
            FunctionConfig config = parse(metadata);
            if (existing != null) {
                instances.remove(id);
                existing.stop();
            }
            started = new FunctionInstance(id, metadata, config, packageFile, client, settings, restarts,
                    loadDeadline);
            instances.put(id, started);
            started.start();
        }
    }

    private static FunctionConfig parse(FunctionMetadata metadata) {
        FunctionConfig config;
        try {
            config = JSON.readValue(metadata.config(), FunctionConfig.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("Invalid function config of " + metadata.key() + ": " + e.getMessage(), e);
        }
        FunctionKey key = metadata.key();
        config.setTenant(key.tenant());
        config.setNamespace(key.namespace());
        config.setName(key.name());
        return config;
    }

    @Override
    public void stop(InstanceId instance) {
        synchronized (lock(instance)) {
            FunctionInstance existing = instances.remove(instance);
            if (existing != null) {
                existing.stop();
                LOG.info("Function instance {} stopped", instance);
            }
        }
    }

    @Override
    public void restart(InstanceId instance) {
        synchronized (lock(instance)) {
            FunctionInstance existing = instances.get(instance);
            if (existing != null) {
                existing.restart();
            }
        }
    }

    @Override
    public Set<InstanceId> instances() {
        return Set.copyOf(instances.keySet());
    }

    @Override
    public Optional<Long> runningVersion(InstanceId instance) {
        return Optional.ofNullable(instances.get(instance)).map(held -> held.metadata.version());
    }

    @Override
    public Optional<FunctionInstanceStatusData> status(InstanceId instance) {
        return Optional.ofNullable(instances.get(instance)).map(held -> held.stats.toStatus());
    }

    @Override
    public Optional<FunctionInstanceStatsData> stats(InstanceId instance) {
        return Optional.ofNullable(instances.get(instance)).map(held -> held.stats.toStats());
    }

    /** @return the instance's user metrics, as its stats report them */
    Map<String, Double> userMetrics(InstanceId instance) {
        FunctionInstance held = instances.get(instance);
        return held == null ? Map.of() : held.stats.userMetrics();
    }

    @Deactivate
    public void close() {
        closed = true;
        for (InstanceId id : Set.copyOf(instances.keySet())) {
            stop(id);
        }
        restarts.shutdownNow();
    }

    /** One lock per instance, so a slow stop of one does not hold up the others. */
    private final Map<InstanceId, Object> locks = new ConcurrentHashMap<>();

    private Object lock(InstanceId id) {
        return locks.computeIfAbsent(id, key -> new Object());
    }
}
