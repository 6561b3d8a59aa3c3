package dev.outrigger.api.runtime;

import dev.outrigger.api.metadata.FunctionMetadata;
import dev.outrigger.api.scheduler.InstanceId;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.apache.pulsar.common.policies.data.FunctionInstanceStatsData;
import org.apache.pulsar.common.policies.data.FunctionStatus.FunctionInstanceStatus.FunctionInstanceStatusData;
import org.osgi.annotation.versioning.ProviderType;

/** Runs function instances inside this worker (the thread runtime). */
@ProviderType
public interface FunctionRuntime {

    /**
     * Starts an instance, or restarts it if it runs an older version of the metadata.
     *
     * @param metadata the function, whose {@code config} is Pulsar's FunctionConfig JSON
     * @param instanceId which instance
     * @param packageFile the function's package, already fetched and verified, on local disk
     * @throws IllegalArgumentException if the package or class cannot be loaded; the instance then reports the error
     */
    void start(FunctionMetadata metadata, int instanceId, Path packageFile);

    /**
     * Checks, as Pulsar's worker does at register, that the package holds the class and that it is a function.
     *
     * @throws IllegalArgumentException with Pulsar's message ("Function class %s must be in class path", "Function
     *     class %s does not implement the correct interface")
     */
    void checkFunctionClass(Path packageFile, String className);

    /** Stops an instance; unknown instances are ignored. */
    void stop(InstanceId instance);

    /** Stops and starts an instance again with what it ran; counts as a restart in its status. */
    void restart(InstanceId instance);

    /** @return the instances this runtime holds (running or failed), with the metadata version each runs */
    Set<InstanceId> instances();

    /** @return the version of the metadata the instance runs, if it is held here */
    Optional<Long> runningVersion(InstanceId instance);

    /** @return its statistics in Pulsar's shape (totals, the current minute, user metrics), if it is held here */
    Optional<FunctionInstanceStatsData> stats(InstanceId instance);

    /** @return its status in Pulsar's shape, if it is held here */
    Optional<FunctionInstanceStatusData> status(InstanceId instance);
}
