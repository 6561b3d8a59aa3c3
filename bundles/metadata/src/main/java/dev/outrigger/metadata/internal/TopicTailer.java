package dev.outrigger.metadata.internal;

import dev.outrigger.api.cluster.RecordFormat;
import dev.outrigger.api.metadata.FunctionKey;
import dev.outrigger.api.metadata.FunctionMetadata;
import dev.outrigger.api.metadata.MetadataUnavailableException;
import dev.outrigger.topics.CompactedTopics;
import dev.outrigger.topics.Quarantine;
import dev.outrigger.topics.TopicFollower;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Reader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the metadata topic from its start, on a thread of its own, and keeps the last record of every key: what
 * compaction keeps, so the state is the same whether the topic was compacted or not. Pulsar's
 * {@code FunctionMetaDataTopicTailer} with {@code useCompactedMetadataTopic}.
 *
 * <p>Records are applied as they come, whatever their version: only the leader writes, and it checks versions before
 * writing. Should the reader fail, the tailer reads the topic again from its start and applies the difference: a
 * reader resuming behind the compaction horizon would read the compacted ledger, which keeps no tombstones. A record
 * Outrigger did not write (no {@link RecordFormat#MESSAGE_PROPERTY}, or another format) is never applied: the tailer
 * then refuses the topic, once and loudly, and the store stops serving it (the topic belongs to someone else). A record
 * of Outrigger's format that cannot be read (no key, no version, not metadata JSON, key and body disagree) is
 * quarantined instead: logged once with its message id and key, counted, skipped; its key keeps what it had, and the
 * rest is served, since one bad record must not stop the metadata of every worker.
 */
final class TopicTailer {

    private static final Logger LOG = LoggerFactory.getLogger(TopicTailer.class);

    /** What the store hears from the tailer, on the tailer's thread. */
    interface Observer {
        /** The topic has been read to its end as of the start: {@code snapshot} is the state at that point. */
        void caughtUp(Map<String, FunctionMetadata> snapshot);

        /** A record was applied after {@link #caughtUp}; {@code current} is null for a delete. */
        void changed(FunctionMetadata previous, FunctionMetadata current);

        /** The topic holds a record this worker must not apply; said once. */
        void refused(String reason);
    }

    /** A write waiting to be read back. */
    static final class Waiter {
        final MetadataWrite write;
        final CompletableFuture<Void> applied = new CompletableFuture<>();

        Waiter(MetadataWrite write) {
            this.write = write;
        }
    }

    private final StoreSettings settings;
    private final Observer observer;
    private final TopicFollower follower;

    private final Map<String, FunctionMetadata> components = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> caughtUp = new CompletableFuture<>();
    private final Queue<CompletableFuture<Void>> catchUpRequests = new ConcurrentLinkedQueue<>();
    private final List<Waiter> waiters = new CopyOnWriteArrayList<>();

    private volatile String refusal;
    private final Quarantine quarantine;
    /** Only the tailer thread touches this: the state read at start is installed. */
    private boolean live;

    /**
     * @param topicReady whether the topic can be read: the cluster has created it and checked that it is ours
     */
    TopicTailer(StoreSettings settings, PulsarClient client, String readerName, BooleanSupplier topicReady,
            Observer observer) {
        this.settings = settings;
        this.observer = observer;
        this.quarantine = new Quarantine(settings.topic(), LOG);
        this.follower = new TopicFollower("outrigger-metadata-tailer", client, settings.topic(), readerName, topicReady,
                settings.pollInterval().multipliedBy(2), settings.retryDelay(10), LOG, this::pass, this::refuse);
    }

    void start() {
        follower.start();
    }

    private boolean closed() {
        return follower.isClosed();
    }

    void close() {
        follower.close();
        MetadataUnavailableException closing =
                new MetadataUnavailableException("The metadata store of " + settings.topic() + " was closed", null);
        caughtUp.complete(null);
        failPending(closing);
    }

    /** @return true once the topic was read to its end as of the start, and nothing in it was refused */
    boolean isReady() {
        return caughtUp.isDone() && refusal == null && !closed();
    }

    /** @return why the topic was refused, or null */
    String refusal() {
        return refusal;
    }

    /** @return how many records were quarantined: of Outrigger's format, but unreadable */
    int quarantined() {
        return quarantine.count();
    }

    /**
     * Waits for the topic to have been read to its end as of the start.
     *
     * @throws MetadataUnavailableException if that takes longer than {@code wait}, or the topic was refused
     */
    void awaitReady(Duration wait) {
        if (!caughtUp.isDone()) {
            try {
                caughtUp.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new MetadataUnavailableException("This worker has not finished reading the function metadata "
                        + "from " + settings.topic() + " yet. Please try again in a little while.", null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                // Closing the store interrupts its waiters: say why, not how.
                throw new MetadataUnavailableException(closed()
                        ? "The metadata store of " + settings.topic() + " was closed"
                        : "Interrupted while waiting for the function metadata", e);
            } catch (ExecutionException e) {
                throw new MetadataUnavailableException("Reading " + settings.topic() + " failed", e.getCause());
            }
        }
        String refused = refusal;
        if (refused != null) {
            throw new MetadataUnavailableException("This worker refuses the metadata topic: " + refused, null);
        }
        if (closed()) {
            throw new MetadataUnavailableException("The metadata store of " + settings.topic() + " was closed", null);
        }
    }

    FunctionMetadata current(String fullyQualifiedName) {
        return components.get(fullyQualifiedName);
    }

    Map<String, FunctionMetadata> components() {
        return components;
    }

    /**
     * @return completes once everything on the topic when the tailer next looks (within the poll interval) has been
     *     applied: after acquiring the exclusive producer, that is everything any other worker ever wrote
     */
    CompletableFuture<Void> catchUp() {
        CompletableFuture<Void> request = new CompletableFuture<>();
        if (closed()) {
            request.completeExceptionally(new MetadataUnavailableException("The metadata store was closed", null));
        } else {
            catchUpRequests.add(request);
        }
        return request;
    }

    /** Registers a write before it is sent, so the tailer cannot apply it unseen. */
    Waiter expect(MetadataWrite write) {
        Waiter waiter = new Waiter(write);
        waiters.add(waiter);
        if (closed() || refusal != null) {
            waiters.remove(waiter);
            waiter.applied.completeExceptionally(new MetadataUnavailableException(
                    closed() ? "The metadata store was closed" : "This worker refuses the metadata topic: " + refusal,
                    null));
        }
        return waiter;
    }

    void forget(Waiter waiter) {
        waiters.remove(waiter);
    }

    /**
     * One pass from the topic's start: always from the start, since a reader resuming behind the compaction horizon
     * would read the compacted ledger, which has no tombstones, and never learn of deletes. So read afresh and compare.
     */
    private void pass(Reader<byte[]> reader) throws PulsarClientException {
        Map<String, FunctionMetadata> read = new TreeMap<>();
        readToEnd(reader, message -> applyTo(read, message));
        install(read);
        completeCatchUpRequests();
        tail(reader);
    }

    /** The state read from the start becomes the state: at start, all of it; after a failure, what differs. */
    private void install(Map<String, FunctionMetadata> read) {
        if (!live) {
            components.putAll(read);
            live = true;
            LOG.info("Read {} function metadata records from {}{}{}", components.size(), settings.topic(),
                    refusal == null ? "" : " (refused: " + refusal + ")",
                    quarantine.count() == 0 ? "" : " (" + quarantine.count() + " unreadable, quarantined)");
            observer.caughtUp(Map.copyOf(components));
            caughtUp.complete(null);
            return;
        }
        for (String key : new TreeMap<>(components).keySet()) {
            if (!read.containsKey(key)) {
                applied(key, null, components.get(key).version());
            }
        }
        read.forEach((key, metadata) -> {
            if (!metadata.equals(components.get(key))) {
                applied(key, metadata, metadata.version());
            }
        });
        LOG.info("Read {} again: {} function metadata records", settings.topic(), components.size());
    }

    /** Drops the reader as a broker failure would: the tailer reads the topic again from its start. */
    void dropReader() throws IOException {
        follower.dropReader();
    }

    /** Pulsar's worker and TableView read to the end this way: {@code hasMessageAvailable} knows about compaction. */
    private void readToEnd(Reader<byte[]> current, Consumer<Message<byte[]>> apply) throws PulsarClientException {
        if (!CompactedTopics.readToEnd(current, settings.applyTimeout(), this::closed, apply::accept)) {
            LOG.warn("{} announced a message but none came within {}", settings.topic(), settings.applyTimeout());
        }
    }

    private void tail(Reader<byte[]> current) throws PulsarClientException {
        int poll = (int) settings.pollInterval().toMillis();
        while (!closed()) {
            Message<byte[]> message = current.readNext(poll, TimeUnit.MILLISECONDS);
            if (message != null) {
                apply(message);
            }
            if (!catchUpRequests.isEmpty()) {
                readToEnd(current, this::apply);
                completeCatchUpRequests();
            }
        }
    }

    private void completeCatchUpRequests() {
        CompletableFuture<Void> request;
        while ((request = catchUpRequests.poll()) != null) {
            request.complete(null);
        }
    }

    /** Reading from the start, before the state is installed: no one is told yet. */
    private void applyTo(Map<String, FunctionMetadata> state, Message<byte[]> message) {
        Decoded record = decodeOrRefuse(message);
        if (record == null) {
            return;
        }
        if (record.metadata() == null) {
            state.remove(record.key().fullyQualifiedName());
        } else {
            state.put(record.key().fullyQualifiedName(), record.metadata());
        }
    }

    /** Tailing: the record changes the state, listeners hear of it, a write waiting for it completes. */
    private void apply(Message<byte[]> message) {
        Decoded record = decodeOrRefuse(message);
        if (record != null) {
            LOG.debug("Applying {} {} of {} from {}", record.metadata() == null ? "delete of version" : "version",
                    record.version(), record.key(), message.getMessageId());
            applied(record.key().fullyQualifiedName(), record.metadata(), record.version());
        }
    }

    private void applied(String key, FunctionMetadata metadata, long version) {
        FunctionMetadata previous = metadata == null ? components.remove(key) : components.put(key, metadata);
        if (previous != null || metadata != null) {
            observer.changed(previous, metadata);
        }
        for (Waiter waiter : waiters) {
            if (waiter.write.fullyQualifiedName().equals(key) && waiter.write.isAppliedBy(metadata, version)) {
                waiters.remove(waiter);
                waiter.applied.complete(null);
            }
        }
    }

    /** @return the record, or null if it was refused (the topic then is) or quarantined */
    private Decoded decodeOrRefuse(Message<byte[]> message) {
        String where = "message " + message.getMessageId() + " on " + settings.topic();
        String refused = CompactedTopics.formatRefusal(message, where);
        if (refused != null) {
            refuse(refused);
            return null;
        }
        try {
            return decode(message, where);
        } catch (UnreadableRecord | RuntimeException e) {
            quarantine.add(message.getMessageId(), message.getKey(), e.getMessage());
            return null;
        }
    }

    private record Decoded(FunctionKey key, FunctionMetadata metadata, long version) {}

    private static final class UnreadableRecord extends Exception {
        private static final long serialVersionUID = 1L;

        UnreadableRecord(String message) {
            super(message, null, false, false);
        }
    }

    /** A record of Outrigger's format: throws if it cannot be read. */
    private Decoded decode(Message<byte[]> message, String where) throws UnreadableRecord {
        FunctionKey key;
        try {
            key = FunctionKey.parse(message.hasKey() ? message.getKey() : "");
        } catch (IllegalArgumentException e) {
            throw new UnreadableRecord(where + " has no tenant/namespace/name key: " + message.getKey());
        }
        long version;
        try {
            version = Long.parseLong(message.getProperty(MetadataCodec.VERSION_PROPERTY));
        } catch (NumberFormatException e) {
            throw new UnreadableRecord(where + " has no valid " + MetadataCodec.VERSION_PROPERTY + " property: "
                    + message.getProperty(MetadataCodec.VERSION_PROPERTY));
        }
        byte[] data = message.getData();
        if (data == null || data.length == 0) {
            return new Decoded(key, null, version);
        }
        FunctionMetadata metadata;
        try {
            metadata = MetadataCodec.fromJson(data);
        } catch (IOException e) {
            throw new UnreadableRecord(where + " (" + key + ") is not function metadata JSON: " + e.getMessage());
        }
        if (!key.equals(metadata.key()) || metadata.version() != version) {
            throw new UnreadableRecord(where + " is keyed " + key + " version " + version + " but holds "
                    + metadata.key() + " version " + metadata.version());
        }
        return new Decoded(key, metadata, version);
    }

    private void refuse(String reason) {
        if (refusal != null) {
            LOG.debug("Also refused: {}", reason);
            return;
        }
        refusal = reason;
        LOG.error("This worker refuses the function metadata on {} and will neither serve nor write it: {}",
                settings.topic(), reason);
        failPending(new MetadataUnavailableException("This worker refuses the metadata topic: " + reason, null));
        observer.refused(reason);
    }

    private void failPending(MetadataUnavailableException failure) {
        for (Waiter waiter : waiters) {
            waiters.remove(waiter);
            waiter.applied.completeExceptionally(failure);
        }
        CompletableFuture<Void> request;
        while ((request = catchUpRequests.poll()) != null) {
            request.completeExceptionally(failure);
        }
    }
}
