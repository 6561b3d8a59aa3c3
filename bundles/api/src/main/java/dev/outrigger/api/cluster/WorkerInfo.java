package dev.outrigger.api.cluster;

import java.util.Objects;

/**
 * One worker of the cluster, as Pulsar's worker reports it: the JSON shape of
 * {@code GET /admin/v2/worker/cluster} entries ({@code workerId, workerHostname, port}).
 *
 * @param workerId the worker's configured {@code workerId}
 * @param workerHostname the host name other workers and clients reach it on
 * @param port its HTTP port ({@code workerPort})
 */
public record WorkerInfo(String workerId, String workerHostname, int port) {

    public WorkerInfo {
        Objects.requireNonNull(workerId, "workerId must not be null");
        Objects.requireNonNull(workerHostname, "workerHostname must not be null");
    }

    /**
     * Parses the consumer name a worker uses on the coordination topic, {@code workerId:workerHostname:port}.
     * The worker id may itself contain ':', so the host and port are taken from the end.
     *
     * @param consumerName the consumer name
     * @return the worker it names
     * @throws IllegalArgumentException if the name does not have that shape
     */
    public static WorkerInfo parseConsumerName(String consumerName) {
        int portSeparator = consumerName.lastIndexOf(':');
        int hostSeparator = portSeparator < 0 ? -1 : consumerName.lastIndexOf(':', portSeparator - 1);
        if (hostSeparator <= 0) {
            throw new IllegalArgumentException("Not a worker consumer name (workerId:host:port): " + consumerName);
        }
        try {
            return new WorkerInfo(
                    consumerName.substring(0, hostSeparator),
                    consumerName.substring(hostSeparator + 1, portSeparator),
                    Integer.parseInt(consumerName.substring(portSeparator + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Not a worker consumer name (workerId:host:port): " + consumerName, e);
        }
    }

    /** @return the consumer name this worker uses on the coordination topic: {@code workerId:workerHostname:port} */
    public String consumerName() {
        return workerId + ":" + workerHostname + ":" + port;
    }
}
