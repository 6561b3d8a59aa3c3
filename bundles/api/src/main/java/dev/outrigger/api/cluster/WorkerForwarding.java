package dev.outrigger.api.cluster;

import java.util.function.Supplier;

/**
 * The one-hop rule of worker-to-worker calls: a {@link WorkerChannel} marks every request it sends with
 * {@link #HEADER}, the edge that serves such a request marks the thread serving it, and a worker never forwards a
 * marked request again (it answers for itself: the instance is not running here). Without it, two workers that see
 * different assignments while they change could bounce one status call between them until it times out.
 */
public final class WorkerForwarding {

    /** Sent with the value {@code true} on every request from one worker to another. */
    public static final String HEADER = "X-Outrigger-Forwarded";

    private static final ThreadLocal<Boolean> FORWARDED = new ThreadLocal<>();

    private WorkerForwarding() {}

    /** @return whether the request this thread serves came from another worker */
    public static boolean isForwarded() {
        return Boolean.TRUE.equals(FORWARDED.get());
    }

    /** Marks (or unmarks) the request this thread serves; the edge calls it for every request. */
    public static void mark(boolean forwarded) {
        if (forwarded) {
            FORWARDED.set(Boolean.TRUE);
        } else {
            FORWARDED.remove();
        }
    }

    /** Runs work on another thread with the mark of the request it serves. */
    public static <T> Supplier<T> carrying(boolean forwarded, Supplier<T> work) {
        return () -> {
            boolean before = isForwarded();
            mark(forwarded);
            try {
                return work.get();
            } finally {
                mark(before);
            }
        };
    }
}
