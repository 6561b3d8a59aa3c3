package dev.outrigger.api.cluster;

/**
 * The one-hop rule of worker-to-worker calls: a {@link WorkerChannel} marks every request it sends with
 * {@link #HEADER}, and the edge tells the core that such a request comes from a worker
 * ({@code FunctionService.Asker.WORKER}), which answers for itself and never forwards it again. Without it, two
 * workers that see different assignments while they change could bounce one status call between them until it times
 * out.
 */
public final class WorkerForwarding {

    /** Sent with the value {@code true} on every request from one worker to another. */
    public static final String HEADER = "X-Outrigger-Forwarded";

    private WorkerForwarding() {}

    /** @return whether a request carrying this value of {@link #HEADER} comes from another worker */
    public static boolean fromWorker(String headerValue) {
        return "true".equalsIgnoreCase(headerValue);
    }
}
