package dev.outrigger.metadata.internal;

import dev.outrigger.api.cluster.ClusterService;
import dev.outrigger.api.cluster.ClusterUnavailableException;
import dev.outrigger.api.cluster.LeadershipListener;
import dev.outrigger.api.cluster.RecordFormat;
import dev.outrigger.api.cluster.WorkerChannel;
import dev.outrigger.api.cluster.WorkerInfo;
import dev.outrigger.api.config.ConfigurationPids;
import dev.outrigger.api.metadata.FunctionKey;
import dev.outrigger.api.metadata.FunctionMetadata;
import dev.outrigger.api.metadata.FunctionMetadataStore;
import dev.outrigger.api.metadata.MetadataListener;
import dev.outrigger.api.metadata.MetadataNotWrittenException;
import dev.outrigger.api.metadata.MetadataUnavailableException;
import dev.outrigger.api.metadata.StaleVersionException;
import dev.outrigger.topics.LeaderWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.condition.Condition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Function metadata on the compacted metadata topic, as Pulsar's {@code FunctionMetaDataManager} keeps it with
 * {@code useCompactedMetadataTopic}: record key {@code tenant/namespace/name}, value the metadata (JSON here,
 * protobuf there), an empty value deletes, a {@code version} property on every record; Outrigger adds its format
 * marker, {@link RecordFormat#MESSAGE_PROPERTY}.
 *
 * <p><b>Reads</b> come from memory, which a {@link TopicTailer} fills from the topic. Until the tailer has read the
 * topic to its end as of the start, {@link #get}, {@link #list} and {@link #all} wait for it up to five seconds and
 * then throw {@link MetadataUnavailableException}; they throw it at once if the topic holds records Outrigger did not
 * write. {@link #isReady()} says which, and a {@link Condition} with id {@value #READY_CONDITION} is registered while
 * the store is ready.
 *
 * <p><b>Writes</b> are done by the leader alone, one at a time, through an exclusive producer it acquires when it
 * becomes leader and closes when it stops being leader; it checks the version against the state it has read (after
 * reading everything written before it held the producer). Another worker forwards its writes to the leader's
 * {@code PUT /admin/v3/functions/leader/...} through the {@link WorkerChannel}. Either way a write completes once
 * this worker has read the record back, so the writer reads its own write.
 */
@Component(
        configurationPid = ConfigurationPids.CLUSTER,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true,
        service = {FunctionMetadataStore.class, LeadershipListener.class, LeaderWrites.class})
public final class TopicMetadataStore implements FunctionMetadataStore, LeadershipListener, LeaderWrites {

    /** {@code osgi.condition.id} of the Condition registered while this store is ready. */
    public static final String READY_CONDITION = "outrigger.metadata.ready";

    private static final Logger LOG = LoggerFactory.getLogger(TopicMetadataStore.class);
    /** How long a write whose outcome is unknown reads the topic to see whether it landed. */
    private static final Duration LANDED_CHECK = Duration.ofSeconds(5);
    private static final Comparator<FunctionMetadata> BY_NAME =
            Comparator.comparing(metadata -> metadata.key().fullyQualifiedName());

    private final StoreSettings settings;
    private final PulsarClient client;
    private final ClusterService cluster;
    private final BundleContext context;
    private final String workerId;
    private final TopicTailer tailer;
    private final MetadataEvents events = new MetadataEvents();
    private final LeaderForwarder forwarder;

    /*
     * Optional, dynamic and greedy rather than mandatory: only writes forwarded to another worker need the channel.
     * Its provider is the REST bundle, which restarts (updates, its configuration) independently of this store; a
     * mandatory reference would then deactivate the store, which closes the tailer, gives up the leader's exclusive
     * producer (the cluster stops taking writes until it is reacquired) and restarts every component using the store,
     * and it would hold the store's start until the edge is up. Without it, this worker still reads and, as leader,
     * writes; a forwarded write fails as unavailable until a channel is back.
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile WorkerChannel channel;

    /** Acquires the producer and runs the leader's writes, one at a time. */
    private final ScheduledThreadPoolExecutor leaderThread;
    /** Runs callers' writes: waiting for the leader, forwarding, waiting for the record to come back. */
    private final ExecutorService writes;

    private final LeaderWriter writer;
    /** Whether an earlier write may or may not be on the topic; only the leader thread touches it. */
    private boolean needsCatchUp;
    private volatile boolean closed;
    private ServiceRegistration<Condition> readyCondition;

    @Activate
    public TopicMetadataStore(
            BundleContext context,
            MetadataConfiguration config,
            @Reference PulsarClient client,
            @Reference ClusterService cluster) {
        this(StoreSettings.of(StoreSettings.topic(config.pulsarFunctionsNamespace(), config.functionMetadataTopicName())),
                client, cluster, null, context);
    }

    /**
     * @param channel how to call the leader; null until DS binds one
     * @param context where to register the readiness condition; null for none
     */
    TopicMetadataStore(StoreSettings settings, PulsarClient client, ClusterService cluster, WorkerChannel channel,
            BundleContext context) {
        this.settings = settings;
        this.channel = channel;
        this.client = client;
        this.cluster = cluster;
        this.context = context;
        this.workerId = cluster.self().workerId();
        this.forwarder = new LeaderForwarder(() -> this.channel);
        ScheduledThreadPoolExecutor leader = new ScheduledThreadPoolExecutor(1, threads("outrigger-metadata-leader"));
        leader.setRemoveOnCancelPolicy(true);
        this.leaderThread = leader;
        this.writer = new LeaderWriter(client, settings.topic(), workerId + "-leader", workerId, leader,
                settings::retryDelay, LOG, new LeaderWriter.Owner() {
                    @Override
                    public boolean caughtUp(LeaderWriter.Term term) {
                        return TopicMetadataStore.this.caughtUp(term);
                    }

                    @Override
                    public void ready(LeaderWriter.Term term) {
                        leaderReady(term);
                    }
                });
        ThreadPoolExecutor callers = new ThreadPoolExecutor(8, 8, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(settings.maxQueuedWrites()), threads("outrigger-metadata-write"));
        callers.allowCoreThreadTimeOut(true);
        this.writes = callers;
        this.tailer = new TopicTailer(settings, client, workerId + "-metadata", cluster::isInitialized,
                new TailerObserver());
        tailer.start();
        LOG.debug("Metadata store of worker {} reading {}", workerId, settings.topic());
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addMetadataListener(MetadataListener listener) {
        events.add(listener);
    }

    void removeMetadataListener(MetadataListener listener) {
        events.remove(listener);
    }

    @Deactivate
    void close() {
        closed = true;
        writer.close();
        tailer.close();
        // Tasks that never started still hold callers' futures: run them, they fail at once now that all is closed.
        leaderThread.shutdownNow().forEach(Runnable::run);
        writes.shutdownNow().forEach(Runnable::run);
        events.execute(this::withdrawReadiness);
        events.close();
        LOG.debug("Metadata store of worker {} closed", workerId);
    }

    /** @return whether reads are served: the topic was read to its end as of the start, and nothing was refused */
    public boolean isReady() {
        return tailer.isReady();
    }

    /** @return why the topic is refused, or null */
    String refusal() {
        return tailer.refusal();
    }

    TopicTailer tailer() {
        return tailer;
    }

    /** @return whether this worker leads and holds the exclusive producer */
    boolean isLeaderReady() {
        return writer.readyTerm() != null;
    }

    // ---- reads

    @Override
    public Optional<FunctionMetadata> get(FunctionKey key) {
        Objects.requireNonNull(key, "key must not be null");
        tailer.awaitReady(settings.readyWait());
        return Optional.ofNullable(tailer.current(key.fullyQualifiedName()));
    }

    @Override
    public List<FunctionMetadata> list(String tenant, String namespace) {
        tailer.awaitReady(settings.readyWait());
        List<FunctionMetadata> found = new ArrayList<>();
        for (FunctionMetadata metadata : tailer.components().values()) {
            if (metadata.key().tenant().equals(tenant) && metadata.key().namespace().equals(namespace)) {
                found.add(metadata);
            }
        }
        found.sort(BY_NAME);
        return found;
    }

    @Override
    public List<FunctionMetadata> all() {
        tailer.awaitReady(settings.readyWait());
        List<FunctionMetadata> found = new ArrayList<>(tailer.components().values());
        found.sort(BY_NAME);
        return found;
    }

    // ---- writes

    @Override
    public CompletionStage<FunctionMetadata> write(FunctionMetadata metadata) {
        Objects.requireNonNull(metadata, "metadata must not be null");
        MetadataWrite write;
        try {
            write = MetadataWrite.update(metadata);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        return submit(write, metadata);
    }

    @Override
    public CompletionStage<Void> delete(FunctionKey key, long version) {
        Objects.requireNonNull(key, "key must not be null");
        MetadataWrite write;
        try {
            write = MetadataWrite.delete(key, version);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        return submit(write, null);
    }

    private <T> CompletableFuture<T> submit(MetadataWrite write, T result) {
        long deadline = System.nanoTime() + settings.writeDeadline().toNanos();
        try {
            return CompletableFuture.supplyAsync(() -> {
                execute(write, deadline);
                return result;
            }, writes);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new MetadataNotWrittenException(closed
                    ? "The metadata store of " + settings.topic() + " was closed"
                    : "Worker " + workerId + " has " + settings.maxQueuedWrites() + " metadata writes waiting already; "
                            + "try again later", e));
        }
    }

    /**
     * Writes here if this worker leads, else through the leader; tries again while the leadership moves, and after an
     * attempt whose answer was lost, within the write's deadline. A retry of a write that landed meets a stale
     * version; if the record is then the one this write wrote, the write succeeded (issue 11 finding 2).
     */
    private void execute(MetadataWrite write, long deadline) {
        try {
            tailer.awaitReady(settings.readyWait());
        } catch (MetadataUnavailableException e) {
            throw new MetadataNotWrittenException(e.getMessage(), e);
        }
        RuntimeException last = null;
        boolean mayHaveLanded = false;
        for (int attempt = 1; attempt <= settings.leaderAttempts() && !closed; attempt++) {
            if (deadline - System.nanoTime() <= 0) {
                break;
            }
            try {
                LeaderWriter.Term leading = awaitLeadership();
                if (leading != null) {
                    onLeaderThread(leading, write, current -> { }, deadline);
                } else if (writer.isLeading()) {
                    throw new NotLeaderException("this worker leads but does not hold the metadata topic's "
                            + "exclusive producer yet");
                } else {
                    forward(write, deadline);
                }
                return;
            } catch (NotLeaderException | MetadataNotWrittenException e) {
                last = e;
                LOG.debug("Attempt {} to write {} was not taken: {}", attempt, write, e.getMessage());
            } catch (StaleVersionException e) {
                if (mayHaveLanded && landed(write)) {
                    LOG.info("The {} had been written by an earlier attempt whose answer was lost", write);
                    return;
                }
                throw e;
            } catch (MetadataUnavailableException e) {
                mayHaveLanded = true;
                last = e;
                LOG.debug("Attempt {} to write {} has an unknown outcome: {}", attempt, write, e.getMessage());
            }
            long remaining = deadline - System.nanoTime();
            if (attempt < settings.leaderAttempts() && remaining > 0) {
                pause(min(settings.retryDelay(attempt), Duration.ofNanos(remaining)));
            }
        }
        String why = closed ? "the metadata store was closed"
                : last == null ? "its deadline of " + settings.writeDeadline().toSeconds() + " s passed in the queue"
                : last.getMessage();
        if (mayHaveLanded) {
            if (landed(write)) {
                LOG.info("The {} landed although its last attempt failed: {}", write, why);
                return;
            }
            throw new MetadataUnavailableException("The " + write + " may or may not have been written (" + why
                    + "); the same request may be sent again", last);
        }
        throw new MetadataNotWrittenException("The " + write + " was not written: " + why, last);
    }

    /** Reads the topic to its end (briefly): is the record there exactly what this write wrote? */
    private boolean landed(MetadataWrite write) {
        try {
            tailer.catchUp().get(Math.min(settings.applyTimeout().toMillis(), LANDED_CHECK.toMillis()),
                    TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("Cannot read {} to its end to see whether {} landed: {}", settings.topic(), write, e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        FunctionMetadata current = tailer.current(write.fullyQualifiedName());
        return write.isDelete() ? current == null : write.metadata().equals(current);
    }

    private void forward(MetadataWrite write, long deadline) {
        WorkerInfo leader;
        try {
            leader = cluster.leader().orElseThrow(() -> new NotLeaderException("no worker leads the cluster now"));
        } catch (ClusterUnavailableException e) {
            throw new NotLeaderException("the broker cannot say who leads: " + e.getMessage());
        }
        TopicTailer.Waiter waiter = tailer.expect(write);
        try {
            forwarder.send(leader, write, min(settings.requestTimeout(), remaining(deadline)));
        } catch (RuntimeException e) {
            tailer.forget(waiter);
            throw e;
        }
        LOG.debug("Leader {} wrote {}", leader.workerId(), write);
        awaitApplied(waiter, null);
    }

    @Override
    public Optional<FunctionMetadata> current(FunctionKey key) {
        return get(key);
    }

    @Override
    public void writeAsLeader(MetadataWrite write) {
        writeAsLeader(write, current -> { });
    }

    @Override
    public void writeAsLeader(MetadataWrite write, FunctionMetadata basis) {
        writeAsLeader(write, current -> {
            if (!Objects.equals(current, basis)) {
                throw stale(write.isDelete() ? "Delete" : "Update", write.fullyQualifiedName()
                        + " changed while the request was being checked");
            }
        });
    }

    private void writeAsLeader(MetadataWrite write, Consumer<FunctionMetadata> precondition) {
        long deadline = System.nanoTime() + settings.leaderWriteWait().toNanos();
        tailer.awaitReady(settings.readyWait());
        LeaderWriter.Term leading = awaitLeadership();
        if (leading == null) {
            throw new NotLeaderException(writer.isLeading()
                    ? "Leader not yet ready. Please retry again"
                    : "Worker " + workerId + " is not the leader");
        }
        onLeaderThread(leading, write, precondition, deadline);
    }

    /**
     * Runs the write on the leader's one thread and waits for it until the deadline. A write the thread did not start
     * by then never will (not written); one it started may still land (unknown).
     *
     * @param precondition told the current record after the version check; throws to refuse the write
     */
    private void onLeaderThread(LeaderWriter.Term leading, MetadataWrite write,
            Consumer<FunctionMetadata> precondition, long deadline) {
        if (leaderThread.getQueue().size() >= settings.maxQueuedWrites()) {
            throw new MetadataNotWrittenException("The leader " + workerId + " has " + settings.maxQueuedWrites()
                    + " metadata writes waiting already; try again later", null);
        }
        Future<?> done;
        try {
            done = leaderThread.submit(() -> writeOnTopic(leading, write, precondition));
        } catch (RejectedExecutionException e) {
            throw new MetadataNotWrittenException("The metadata store of " + settings.topic() + " was closed", e);
        }
        try {
            done.get(remaining(deadline).toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            if (done.cancel(false)) {
                throw new MetadataNotWrittenException("The leader " + workerId + " was too busy to start the "
                        + write + " in time", e);
            }
            throw new MetadataUnavailableException("The leader " + workerId + " is still writing the " + write, e);
        } catch (CancellationException e) {
            throw new MetadataNotWrittenException("The metadata store of " + settings.topic() + " was closed", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new MetadataUnavailableException("Writing " + write + " failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (done.cancel(false)) {
                throw new MetadataNotWrittenException("Interrupted before writing " + write, e);
            }
            throw new MetadataUnavailableException("Interrupted while writing " + write, e);
        }
    }

    /**
     * On the leader thread: check the version and the precondition (what a forwarded record was judged against), write,
     * and wait until the tailer applied the record.
     */
    private void writeOnTopic(LeaderWriter.Term leading, MetadataWrite write,
            Consumer<FunctionMetadata> precondition) {
        Producer<byte[]> producer = writer.producer(leading);
        if (producer == null) {
            throw new NotLeaderException("Worker " + workerId + " is no longer the leader");
        }
        tailer.awaitReady(settings.readyWait());
        if (needsCatchUp) {
            // an earlier write may or may not be on the topic: read up to the end before judging versions
            awaitCatchUp();
            needsCatchUp = false;
        }
        checkVersion(write);
        precondition.accept(tailer.current(write.fullyQualifiedName()));
        TopicTailer.Waiter waiter = tailer.expect(write);
        try {
            producer.newMessage()
                    .key(write.fullyQualifiedName())
                    .value(write.isDelete() ? new byte[0] : MetadataCodec.toJson(write.metadata()))
                    .property(RecordFormat.MESSAGE_PROPERTY, RecordFormat.VERSION)
                    .property(MetadataCodec.VERSION_PROPERTY, Long.toString(write.version()))
                    .send();
        } catch (PulsarClientException e) {
            tailer.forget(waiter);
            needsCatchUp = true;
            if (e instanceof PulsarClientException.ProducerFencedException
                    || e instanceof PulsarClientException.AlreadyClosedException) {
                // the broker took the producer away (another worker holds it now): get it back while this worker leads
                LOG.warn("Worker {} lost the exclusive producer on {}: {}", workerId, settings.topic(), e.toString());
                writer.reacquire(leading, producer);
                throw new NotLeaderException("Worker " + workerId + " lost the metadata topic's exclusive producer: "
                        + e.getMessage());
            }
            throw new MetadataUnavailableException("Writing " + write + " to " + settings.topic() + " failed: "
                    + e.getMessage(), e);
        }
        awaitApplied(waiter, leading);
        LOG.debug("Wrote {}", write);
    }

    /** Version 0 creates; every other version follows the current one; a delete names the current one. */
    private void checkVersion(MetadataWrite write) {
        FunctionMetadata current = tailer.current(write.fullyQualifiedName());
        String name = write.fullyQualifiedName();
        if (write.isDelete()) {
            if (current == null) {
                throw stale("Delete", name + " does not exist (the request deletes version " + write.version() + ")");
            }
            if (current.version() != write.version()) {
                throw stale("Delete", name + " is at version " + current.version() + ", the request deletes version "
                        + write.version());
            }
        } else if (write.version() == 0) {
            if (current != null) {
                throw stale("Update", name + " already exists at version " + current.version()
                        + ", the request creates version 0");
            }
        } else if (current == null) {
            throw stale("Update", name + " does not exist, the request writes version " + write.version());
        } else if (current.version() + 1 != write.version()) {
            throw stale("Update", name + " is at version " + current.version() + ", the request writes version "
                    + write.version() + " (the next is " + (current.version() + 1) + ")");
        }
    }

    /** Pulsar's words ({@code FunctionMetaDataManager.checkRequestOutDated}), and which versions. */
    private static StaleVersionException stale(String operation, String detail) {
        return new StaleVersionException(
                operation + " request ignored because it is out of date: " + detail + ". Please try again.");
    }

    private void awaitApplied(TopicTailer.Waiter waiter, LeaderWriter.Term leading) {
        try {
            waiter.applied.get(settings.applyTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            tailer.forget(waiter);
            if (leading != null) {
                needsCatchUp = true;
            }
            throw new MetadataUnavailableException("The " + waiter.write + " was written to " + settings.topic()
                    + " but worker " + workerId + " has not read it back within " + settings.applyTimeout(), e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new MetadataUnavailableException("Reading back " + waiter.write + " failed", e.getCause());
        } catch (InterruptedException e) {
            tailer.forget(waiter);
            Thread.currentThread().interrupt();
            throw new MetadataUnavailableException("Interrupted while waiting for " + waiter.write, e);
        }
    }

    private void awaitCatchUp() {
        try {
            tailer.catchUp().get(settings.applyTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new MetadataUnavailableException("Worker " + workerId + " could not read " + settings.topic()
                    + " to its end within " + settings.applyTimeout(), e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new MetadataUnavailableException("Reading " + settings.topic() + " failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MetadataUnavailableException("Interrupted while reading " + settings.topic(), e);
        }
    }

    // ---- leadership

    @Override
    public void becameLeader() {
        writer.begin();
    }

    @Override
    public void lostLeadership() {
        writer.end();
    }

    /** @return the term once it holds the producer and caught up, waiting a while for it; null if not leading */
    private LeaderWriter.Term awaitLeadership() {
        return closed ? null : writer.awaitReady(settings.leaderReadyWait());
    }

    /** Holding the exclusive producer: the tailer reads the topic to its end, a refused topic is not written. */
    private boolean caughtUp(LeaderWriter.Term leading) {
        try {
            awaitCatchUp();
        } catch (MetadataUnavailableException e) {
            if (tailer.refusal() != null) {
                LOG.debug("Worker {} holds the producer on {} but will not write a refused topic", workerId,
                        settings.topic());
                return false;
            }
            throw e;
        }
        return true;
    }

    private void leaderReady(LeaderWriter.Term leading) {
        needsCatchUp = false;
        LOG.info("Worker {} writes the function metadata on {} (term {}, {} components)", workerId, settings.topic(),
                leading.number(), tailer.components().size());
    }

    // ---- readiness

    /** A refused topic is out of service: no reads, no writes, and listeners hear nothing of it. */
    private final class TailerObserver implements TopicTailer.Observer {
        @Override
        public void caughtUp(Map<String, FunctionMetadata> snapshot) {
            if (tailer.refusal() == null) {
                events.start(snapshot);
                events.execute(TopicMetadataStore.this::announceReadiness);
            }
        }

        @Override
        public void changed(FunctionMetadata previous, FunctionMetadata current) {
            if (tailer.refusal() == null) {
                events.changed(previous, current);
            }
        }

        @Override
        public void refused(String reason) {
            events.execute(TopicMetadataStore.this::withdrawReadiness);
        }
    }

    /** On the events thread, so a service event does not hold the tailer up. */
    private void announceReadiness() {
        if (context == null || closed || !tailer.isReady() || readyCondition != null) {
            return;
        }
        try {
            readyCondition = context.registerService(Condition.class, Condition.INSTANCE,
                    FrameworkUtil.asDictionary(Map.of(Condition.CONDITION_ID, READY_CONDITION)));
        } catch (IllegalStateException e) {
            LOG.debug("Not announcing readiness: the bundle is stopping");
        }
    }

    private void withdrawReadiness() {
        if (readyCondition != null) {
            try {
                readyCondition.unregister();
            } catch (IllegalStateException e) {
                // already gone with the bundle
            }
            readyCondition = null;
        }
    }

    // ---- threads

    private static ThreadFactory threads(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            // The Pulsar client looks some classes up through the context loader; only its own bundle has them.
            thread.setContextClassLoader(PulsarClient.class.getClassLoader());
            return thread;
        };
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static void pause(Duration delay) {
        try {
            TimeUnit.MILLISECONDS.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MetadataUnavailableException("Interrupted while waiting for the leader", e);
        }
    }
}
