package dev.outrigger.topics;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * The one daemon thread on which a tailed topic's listeners are told of it, in order. Tasks given after
 * {@link #close()} are dropped.
 */
public final class EventThread {

    private final ExecutorService thread;
    private final Logger log;
    private final String dropped;

    /**
     * @param name the thread's name
     * @param log the owner's log
     * @param dropped logged at debug when a task is dropped because the thread was closed
     */
    public EventThread(String name, Logger log, String dropped) {
        this.thread = Executors.newSingleThreadExecutor(runnable -> {
            Thread created = new Thread(runnable, name);
            created.setDaemon(true);
            return created;
        });
        this.log = log;
        this.dropped = dropped;
    }

    /**
     * Runs a task after those given before, on the thread.
     *
     * @param task the task
     */
    public void execute(Runnable task) {
        try {
            thread.execute(task);
        } catch (RejectedExecutionException e) {
            log.debug(dropped);
        }
    }

    /** Lets queued tasks run for up to five seconds, then stops the thread. */
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            thread.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
