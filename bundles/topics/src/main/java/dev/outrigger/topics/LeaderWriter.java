package dev.outrigger.topics;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.slf4j.Logger;

/**
 * The exclusive producer a leader writes one compacted topic with, term by term, as Pulsar's leader does
 * ({@code acquireExclusiveWrite}): when this worker comes to lead, the producer is acquired on the owner's thread,
 * again and again while the previous leader still holds it; holding it, the owner reads the topic to its end (nobody
 * else can write now); only then is the term ready to write. Leadership lost closes the producer at once, since the
 * next leader waits for it to go; a producer that failed is taken again while the term lasts.
 *
 * <p>The metadata store and the scheduler each write their topic through one of these.
 */
public final class LeaderWriter {

    /** What the owner does in a term; both are called on the owner's thread. */
    public interface Owner {

        /**
         * Holding the producer: read the topic to its end.
         *
         * @return true to make the term ready; false to leave it not ready (e.g. the topic holds records the owner
         *     refuses), without trying again
         * @throws Exception to try again after the retry delay
         */
        boolean caughtUp(Term term) throws Exception;

        /** The term became ready; it may have ended since ({@link LeaderWriter#isActive}). */
        void ready(Term term);
    }

    /** One stretch of leadership. */
    public static final class Term {

        private final long number;
        // guarded by the writer's lock
        private Producer<byte[]> producer;
        private boolean active = true;
        private boolean ready;

        private Term(long number) {
            this.number = number;
        }

        /** @return 1 for this writer's first term, then 2, ... */
        public long number() {
            return number;
        }
    }

    private final PulsarClient client;
    private final String topic;
    private final String producerName;
    private final String workerId;
    private final ScheduledExecutorService thread;
    private final IntFunction<Duration> retryDelay;
    private final Logger log;
    private final Owner owner;

    private final Object lock = new Object();
    /** Non-null while this worker leads; guarded by {@link #lock}. */
    private Term term;
    private long terms;
    private boolean closed;

    /**
     * @param producerName the exclusive producer's name
     * @param thread the owner's thread: acquiring, catching up and {@link Owner#ready} run there
     * @param retryDelay how long to wait before attempt {@code n + 1}, given {@code n}
     * @param log the owner's logger, so the lines say whose topic it is
     */
    public LeaderWriter(PulsarClient client, String topic, String producerName, String workerId,
            ScheduledExecutorService thread, IntFunction<Duration> retryDelay, Logger log, Owner owner) {
        this.client = client;
        this.topic = topic;
        this.producerName = producerName;
        this.workerId = workerId;
        this.thread = thread;
        this.retryDelay = retryDelay;
        this.log = log;
        this.owner = owner;
    }

    /** This worker leads now: a new term starts acquiring the producer, unless one runs already. */
    public void begin() {
        Term leading;
        synchronized (lock) {
            if (closed || term != null) {
                return;
            }
            leading = new Term(++terms);
            term = leading;
        }
        log.info("Worker {} leads: acquiring the exclusive producer on {}", workerId, topic);
        scheduleAcquire(leading, 1, Duration.ZERO);
    }

    /** This worker no longer leads: the term ends and its producer is closed at once, not after queued work. */
    public void end() {
        Producer<byte[]> producer;
        synchronized (lock) {
            Term leading = term;
            if (leading == null) {
                return;
            }
            term = null;
            leading.active = false;
            leading.ready = false;
            producer = leading.producer;
            leading.producer = null;
            lock.notifyAll();
        }
        if (producer != null) {
            closeProducer(producer);
        }
        log.info("Worker {} no longer writes {}", workerId, topic);
    }

    /** Ends the term, and no other begins. */
    public void close() {
        synchronized (lock) {
            closed = true;
        }
        end();
    }

    /** @return whether this worker leads (ready to write or not yet) */
    public boolean isLeading() {
        synchronized (lock) {
            return term != null;
        }
    }

    /** @return whether the term has not ended */
    public boolean isActive(Term leading) {
        synchronized (lock) {
            return leading.active;
        }
    }

    /** @return the current term if it holds the producer and caught up, else null */
    public Term readyTerm() {
        synchronized (lock) {
            return term != null && term.ready ? term : null;
        }
    }

    /**
     * @return the current term once it is ready, waiting up to {@code wait} while it acquires and catches up; null if
     *     this worker does not lead, the writer closed, or the term was not ready in time
     */
    public Term awaitReady(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (lock) {
            while (true) {
                Term leading = term;
                if (leading == null || closed) {
                    return null;
                }
                if (leading.ready) {
                    return leading;
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return null;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, remaining);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
        }
    }

    /** @return the term's producer if the term is still the current one and ready, else null */
    public Producer<byte[]> producer(Term leading) {
        synchronized (lock) {
            return term == leading && leading.ready ? leading.producer : null;
        }
    }

    /**
     * The producer failed (the broker fenced it, or a write's outcome is unknown): it is dropped and, while the term
     * lasts, taken again and the topic read to its end again.
     */
    public void reacquire(Term leading, Producer<byte[]> producer) {
        boolean retry;
        synchronized (lock) {
            if (leading.producer == producer) {
                leading.producer = null;
                leading.ready = false;
            }
            retry = leading.active;
        }
        closeProducer(producer);
        if (retry) {
            scheduleAcquire(leading, 1, retryDelay.apply(1));
        }
    }

    private void scheduleAcquire(Term leading, int attempt, Duration delay) {
        try {
            thread.schedule(() -> acquire(leading, attempt), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("Not acquiring the producer on {}: closed", topic);
        }
    }

    private void acquire(Term leading, int attempt) {
        boolean create;
        synchronized (lock) {
            if (!leading.active) {
                return;
            }
            create = leading.producer == null;
        }
        if (create) {
            Producer<byte[]> producer =
                    CompactedTopics.tryExclusiveProducer(client, topic, producerName, workerId, attempt, log);
            if (producer == null) {
                scheduleAcquire(leading, attempt + 1, retryDelay.apply(attempt));
                return;
            }
            synchronized (lock) {
                if (!leading.active) {
                    closeProducer(producer);
                    return;
                }
                leading.producer = producer;
            }
        }
        boolean caughtUp;
        try {
            caughtUp = owner.caughtUp(leading);
        } catch (Exception e) {
            boolean retry;
            synchronized (lock) {
                retry = !closed && leading.active;
            }
            if (retry) {
                log.warn("Worker {} holds the producer on {} but could not read the topic to its end: {}", workerId,
                        topic, e.toString());
                scheduleAcquire(leading, attempt + 1, retryDelay.apply(attempt));
            }
            return;
        }
        if (!caughtUp) {
            return;
        }
        synchronized (lock) {
            if (!leading.active) {
                return;
            }
            leading.ready = true;
            lock.notifyAll();
        }
        owner.ready(leading);
    }

    private void closeProducer(Producer<byte[]> producer) {
        producer.closeAsync().exceptionally(e -> {
            log.debug("Closing the producer on {} failed: {}", topic, e.toString());
            return null;
        });
    }
}
