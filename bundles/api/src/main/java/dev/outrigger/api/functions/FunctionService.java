package dev.outrigger.api.functions;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.apache.pulsar.common.policies.data.FunctionInstanceStatsData;
import org.apache.pulsar.common.policies.data.FunctionStats;
import org.apache.pulsar.common.policies.data.FunctionStatus;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Functions as {@code /admin/v3/functions} exposes them. Every method throws {@link FunctionServiceException} with
 * Pulsar's message for what it refuses.
 */
@ProviderType
public interface FunctionService {

    /**
     * Who asks for an instance's status, stats or restart: a client, for whom this worker asks the instance's owner, or
     * another worker, which is answered here and never passed on (the one-hop rule: two workers whose views of the
     * assignments differ while they change must not bounce one request between them).
     */
    enum Asker {
        CLIENT,
        WORKER
    }


    /**
     * Registers a function with either an uploaded package or a package URL.
     *
     * @param upload the uploaded package, or null
     * @param packageUrl a package URL ({@code http(s):}, {@code file:}, {@code function://}), or null
     */
    void register(String tenant, String namespace, String name, FunctionConfig config, PackageUpload upload,
            String packageUrl);

    /**
     * Updates a function: fields present in {@code config} replace the current ones, a new package replaces the old.
     *
     * @param config the changes, or null for a package-only update
     */
    void update(String tenant, String namespace, String name, FunctionConfig config, PackageUpload upload,
            String packageUrl);

    void deregister(String tenant, String namespace, String name);

    /** @return the function's configuration with the worker's defaults filled in */
    FunctionConfig get(String tenant, String namespace, String name);

    /** @return the names of the functions of a namespace */
    List<String> list(String tenant, String namespace);

    FunctionStatus status(String tenant, String namespace, String name);

    /** @return the function's statistics: every instance's, and their sums and averages */
    FunctionStats stats(String tenant, String namespace, String name);

    default FunctionInstanceStatsData instanceStats(String tenant, String namespace, String name, int instanceId) {
        return instanceStats(tenant, namespace, name, instanceId, Asker.CLIENT);
    }

    /** @param asker a client's request may be passed to the instance's owner, a worker's is answered here */
    FunctionInstanceStatsData instanceStats(String tenant, String namespace, String name, int instanceId, Asker asker);

    /**
     * Pulsar's trigger: sends a value to an input topic of the function and waits up to 30 s for the output the
     * function produced from that very message.
     *
     * @param value the value as text, or null when {@code data} is given
     * @param data the value as bytes, or null
     * @param topic the input topic to send to, or null when the function has one input
     * @return the output as text, or null for a function without output topic
     */
    String trigger(String tenant, String namespace, String name, String value, InputStream data, String topic);

    /**
     * Stops instances: recorded in the metadata, so they stay stopped across restarts and moves.
     *
     * @param instanceId one instance, or null for all
     */
    void stop(String tenant, String namespace, String name, Integer instanceId);

    /**
     * Starts instances stopped with {@link #stop}.
     *
     * @param instanceId one instance, or null for all
     */
    void start(String tenant, String namespace, String name, Integer instanceId);

    /**
     * Restarts running instances where they run.
     *
     * @param instanceId one instance, or null for all
     */
    default void restart(String tenant, String namespace, String name, Integer instanceId) {
        restart(tenant, namespace, name, instanceId, Asker.CLIENT);
    }

    /** @param asker a client's request may be passed to the instances' owners, a worker's is carried out here only */
    void restart(String tenant, String namespace, String name, Integer instanceId, Asker asker);

    /**
     * Copies the function's package, checked against its SHA-256, to {@code out}.
     *
     * @throws FunctionServiceException NOT_FOUND for a missing function, BAD_REQUEST for a corrupt or lost package
     */
    void downloadPackage(String tenant, String namespace, String name, OutputStream out);

    /**
     * Pulsar's {@code POST /admin/v3/functions/upload}: keeps a package under a path of the user's choosing, replacing
     * what the path named before, durably and visible to every worker.
     *
     * @param path the path
     * @param data the package's bytes, read to the end
     * @throws FunctionServiceException BAD_REQUEST when either is missing
     */
    void uploadPackage(String path, InputStream data);

    /**
     * Pulsar's {@code GET /admin/v3/functions/download?path=}: the package uploaded at that path, or the package of
     * the component whose package location is that path. Everything that can fail is done before this returns.
     *
     * @param path the path
     * @return the package's bytes, checked against its SHA-256 where it has one; the caller closes it
     * @throws FunctionServiceException BAD_REQUEST when the path is missing, NOT_FOUND when nothing is there
     */
    InputStream downloadPackage(String path);

    default FunctionStatus.FunctionInstanceStatus.FunctionInstanceStatusData instanceStatus(
            String tenant, String namespace, String name, int instanceId) {
        return instanceStatus(tenant, namespace, name, instanceId, Asker.CLIENT);
    }

    /** @param asker a client's request may be passed to the instance's owner, a worker's is answered here */
    FunctionStatus.FunctionInstanceStatus.FunctionInstanceStatusData instanceStatus(
            String tenant, String namespace, String name, int instanceId, Asker asker);
}
