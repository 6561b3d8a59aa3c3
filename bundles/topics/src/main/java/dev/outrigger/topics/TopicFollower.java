package dev.outrigger.topics;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Reader;
import org.slf4j.Logger;

/**
 * The thread that follows one of the worker's compacted topics, as Pulsar's tailers do: it waits until the worker has
 * joined its cluster (the cluster creates the topic and checks it is ours; a reader created earlier could create it
 * wrongly), then hands a reader from the topic's start to the owner's {@link Pass}, which reads to the end and
 * follows. Should the reader fail, a new pass starts from the start again after a pause: a reader resuming behind the
 * compaction horizon would read the compacted ledger, which has no tombstones; so does a pass that fails unexpectedly.
 * Only a refused record (the topic is not Outrigger's) ends the following for good.
 *
 * <p>The metadata store and the assignments tailer each follow their topic with one of these.
 */
public final class TopicFollower {

    /** One pass over the topic, from its start, until the follower closes. */
    public interface Pass {

        /**
         * @param reader at the topic's start
         * @throws PulsarClientException to start a new pass after the retry pause
         * @throws Refused to stop following: the topic holds a record Outrigger must not apply
         * @throws InterruptedException when closing
         */
        void follow(Reader<byte[]> reader) throws PulsarClientException, Refused, InterruptedException;
    }

    /** A pass found a record it refuses. */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        public Refused(String reason) {
            super(reason);
        }
    }

    private final PulsarClient client;
    private final String topic;
    private final String readerName;
    private final BooleanSupplier topicReady;
    private final Duration notReadyPoll;
    private final Duration retryPause;
    private final Logger log;
    private final Pass pass;
    private final Consumer<String> refuse;
    private final Thread thread;

    private volatile boolean closed;
    private volatile Reader<byte[]> reader;
    /** The last unexpected failure of a pass, logged once; only the follower's thread touches it. */
    private String lastFailure;

    /**
     * @param topicReady whether the worker has joined its cluster, so the topic may be read
     * @param notReadyPoll how often to ask {@code topicReady} until it says yes
     * @param retryPause the pause before a new pass after a failed one
     * @param refuse told why, once, when following ends for good (not when closing)
     */
    public TopicFollower(String threadName, PulsarClient client, String topic, String readerName,
            BooleanSupplier topicReady, Duration notReadyPoll, Duration retryPause, Logger log, Pass pass,
            Consumer<String> refuse) {
        this.client = client;
        this.topic = topic;
        this.readerName = readerName;
        this.topicReady = topicReady;
        this.notReadyPoll = notReadyPoll;
        this.retryPause = retryPause;
        this.log = log;
        this.pass = pass;
        this.refuse = refuse;
        this.thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        // The Pulsar client looks some classes up through the context loader; only its own bundle has the right ones.
        thread.setContextClassLoader(PulsarClient.class.getClassLoader());
    }

    public void start() {
        thread.start();
    }

    /** @return whether {@link #close} was called */
    public boolean isClosed() {
        return closed;
    }

    /** Stops following and waits (up to 10 s) for the thread to end. */
    public void close() {
        closed = true;
        thread.interrupt();
        Reader<byte[]> current = reader;
        if (current != null) {
            current.closeAsync();
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Drops the reader as a broker failure would: a new pass reads the topic again from its start. */
    public void dropReader() throws IOException {
        Reader<byte[]> current = reader;
        reader = null;
        if (current != null) {
            current.close();
        }
    }

    private void run() {
        try {
            while (!closed) {
                awaitTopic();
                try {
                    pass.follow(open());
                } catch (PulsarClientException e) {
                    if (closed) {
                        return;
                    }
                    log.warn("Reading {} failed; reading it again from the start in a moment: {}", topic,
                            e.toString());
                    closeReader();
                    TimeUnit.MILLISECONDS.sleep(retryPause.toMillis());
                } catch (RuntimeException e) {
                    // A bug or one bad record must not stop the topic for good on this worker: read it again after
                    // the pause (the owner quarantines records it cannot read), and say so once per kind of failure.
                    if (closed) {
                        return;
                    }
                    String failure = e.toString();
                    if (!failure.equals(lastFailure)) {
                        lastFailure = failure;
                        log.error("The tailer of {} failed; reading it again from the start in a moment", topic, e);
                    } else {
                        log.debug("The tailer of {} failed again: {}", topic, failure);
                    }
                    closeReader();
                    TimeUnit.MILLISECONDS.sleep(retryPause.toMillis());
                }
            }
        } catch (Refused e) {
            if (!closed) {
                refuse.accept(e.getMessage());
            }
        } catch (InterruptedException e) {
            // closing
        } finally {
            closeReader();
        }
    }

    private void awaitTopic() throws InterruptedException {
        boolean said = false;
        while (!closed && !topicReady.getAsBoolean()) {
            if (!said) {
                log.debug("Waiting for the worker to join its cluster before reading {}", topic);
                said = true;
            }
            TimeUnit.MILLISECONDS.sleep(notReadyPoll.toMillis());
        }
    }

    private Reader<byte[]> open() throws PulsarClientException {
        Reader<byte[]> created = CompactedTopics.openReader(client, topic, readerName);
        reader = created;
        if (closed) {
            created.closeAsync();
            throw new PulsarClientException.AlreadyClosedException("closing");
        }
        return created;
    }

    private void closeReader() {
        Reader<byte[]> current = reader;
        reader = null;
        if (current != null) {
            current.closeAsync();
        }
    }
}
