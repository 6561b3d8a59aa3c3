package dev.outrigger.topics;

import dev.outrigger.api.cluster.RecordFormat;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.ProducerAccessMode;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Reader;
import org.slf4j.Logger;

/**
 * How the worker reads and writes its compacted topics (metadata, assignments), as Pulsar's worker does: readers from
 * the earliest message over the compacted view, read to the end as {@code hasMessageAvailable} says, only records
 * carrying Outrigger's {@link RecordFormat#MESSAGE_PROPERTY} applied, and one writer, the leader, through an exclusive
 * producer.
 */
public final class CompactedTopics {

    private CompactedTopics() {}

    /** Applies one record read from a topic. */
    @FunctionalInterface
    public interface RecordHandler<E extends Exception> {
        /**
         * @param message the record read
         * @throws E if the record cannot be applied
         */
        void accept(Message<byte[]> message) throws E;
    }

    /**
     * @param client the client
     * @param topic the topic
     * @param readerName the reader's name
     * @return a reader of the whole topic, compacted ledger first: after a failure it must be read from its start, as a
     *     reader resuming behind the compaction horizon would miss tombstones
     * @throws PulsarClientException if the reader cannot be created
     */
    public static Reader<byte[]> openReader(PulsarClient client, String topic, String readerName)
            throws PulsarClientException {
        return client.newReader()
                .topic(topic)
                .startMessageId(MessageId.earliest)
                .readCompacted(true)
                .readerName(readerName)
                .create();
    }

    /**
     * Reads what the topic holds now, to its end. Pulsar's worker and TableView read to the end this way:
     * {@code hasMessageAvailable} knows about compaction.
     *
     * @param reader the reader
     * @param timeout how long to wait for a record once one is announced
     * @param stop checked before every record: reading ends early, successfully, once it says true
     * @param apply told every record, in order
     * @return false if a record was announced but did not come within {@code timeout} (what was read may be short)
     * @throws PulsarClientException if reading fails
     * @throws E if {@code apply} throws it
     */
    public static <E extends Exception> boolean readToEnd(Reader<byte[]> reader, Duration timeout, BooleanSupplier stop,
            RecordHandler<E> apply) throws PulsarClientException, E {
        while (!stop.getAsBoolean() && reader.hasMessageAvailable()) {
            Message<byte[]> message = reader.readNext((int) timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (message == null) {
                return false;
            }
            apply.accept(message);
        }
        return true;
    }

    /**
     * The format check every record passes before it is applied.
     *
     * @param message the record
     * @param where the record, as messages name it ({@code message <id> on <topic>})
     * @return why the record must not be applied (Outrigger did not write it, or wrote it in another format), or null
     */
    public static String formatRefusal(Message<?> message, String where) {
        String format = message.getProperty(RecordFormat.MESSAGE_PROPERTY);
        if (format == null) {
            return where + " has no " + RecordFormat.MESSAGE_PROPERTY + " property: Outrigger did not "
                    + "write it (Pulsar's own functions worker or another program writes this topic). Set "
                    + "pulsarFunctionsNamespace to a namespace of Outrigger's own.";
        }
        if (!RecordFormat.VERSION.equals(format)) {
            return where + " is in record format " + format + "; this worker reads format " + RecordFormat.VERSION
                    + " only (written by a newer Outrigger?)";
        }
        return null;
    }

    /**
     * One attempt at Pulsar's {@code acquireExclusiveWrite}: the previous leader may hold the producer a while longer,
     * so the caller tries again (after {@code retryDelay(attempt)}) while this worker leads. A failure is logged on the
     * first attempt and every twentieth.
     *
     * @param client the client
     * @param topic the topic
     * @param producerName the producer's name
     * @param workerId this worker, for the log
     * @param attempt the attempt, from 1
     * @param log the caller's log
     * @return the exclusive producer, or null if it could not be created this time
     */
    public static Producer<byte[]> tryExclusiveProducer(PulsarClient client, String topic, String producerName,
            String workerId, int attempt, Logger log) {
        try {
            return client.newProducer()
                    .topic(topic)
                    .producerName(producerName)
                    .accessMode(ProducerAccessMode.Exclusive)
                    .enableBatching(false)
                    .blockIfQueueFull(true)
                    .create();
        } catch (PulsarClientException e) {
            if (attempt == 1 || attempt % 20 == 0) {
                log.info("Worker {} cannot hold the exclusive producer on {} yet (attempt {}; the previous leader "
                        + "may still hold it): {}", workerId, topic, attempt, e.getMessage());
            }
            return null;
        }
    }
}
