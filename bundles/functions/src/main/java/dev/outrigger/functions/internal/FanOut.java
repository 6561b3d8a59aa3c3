package dev.outrigger.functions.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Asks about every instance of a function at once, with one deadline for all: one slow or unreachable owner costs
 * the whole call one deadline, not one timeout per instance in turn.
 */
final class FanOut {

    /** The owner calls time out after 10 s; the answer as a whole never takes much longer. */
    static final Duration DEADLINE = Duration.ofSeconds(12);

    private static final int THREADS = 16;
    private static final AtomicInteger COUNT = new AtomicInteger();
    // Bounded, so a function with many instances queues its calls instead of starting a thread per instance;
    // idle threads end, so an idle worker keeps none.
    private static final ThreadPoolExecutor POOL = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), runnable -> {
                Thread thread = new Thread(runnable, "outrigger-fan-out-" + COUNT.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });

    static {
        POOL.allowCoreThreadTimeOut(true);
    }

    private FanOut() {}

    /**
     * @param count how many tasks, numbered from 0
     * @param task the answer for one number; run on the pool, with the calling request's forwarding mark
     * @param late the answer for a number whose task did not finish before the deadline (it is cancelled)
     * @return the answers in order
     * @throws RuntimeException the first task's failure, in order, after all have finished or timed out
     */
    static <T> List<T> all(int count, IntFunction<T> task, Duration deadline, IntFunction<T> late) {
        List<Future<T>> futures = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int number = i;
            futures.add(POOL.submit(() -> task.apply(number)));
        }
        long end = System.nanoTime() + deadline.toNanos();
        List<T> answers = new ArrayList<>(count);
        RuntimeException failure = null;
        boolean interrupted = false;
        for (int i = 0; i < count; i++) {
            Future<T> future = futures.get(i);
            try {
                if (interrupted) {
                    throw new TimeoutException();
                }
                answers.add(future.get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (TimeoutException e) {
                future.cancel(true);
                answers.add(late.apply(i));
            } catch (InterruptedException e) {
                interrupted = true;
                future.cancel(true);
                answers.add(late.apply(i));
            } catch (ExecutionException e) {
                RuntimeException cause = e.getCause() instanceof RuntimeException runtime ? runtime
                        : new IllegalStateException(e.getCause());
                if (failure == null) {
                    failure = cause;
                }
                answers.add(null);
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            throw failure;
        }
        return answers;
    }
}
