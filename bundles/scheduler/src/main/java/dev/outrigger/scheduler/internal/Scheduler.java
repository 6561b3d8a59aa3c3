package dev.outrigger.scheduler.internal;

import dev.outrigger.api.cluster.ClusterService;
import dev.outrigger.api.cluster.ClusterUnavailableException;
import dev.outrigger.api.cluster.LeadershipListener;
import dev.outrigger.api.cluster.RecordFormat;
import dev.outrigger.api.cluster.WorkerInfo;
import dev.outrigger.api.config.ConfigurationPids;
import dev.outrigger.api.metadata.FunctionMetadata;
import dev.outrigger.api.metadata.FunctionMetadataStore;
import dev.outrigger.api.metadata.MetadataListener;
import dev.outrigger.api.metadata.MetadataUnavailableException;
import dev.outrigger.api.scheduler.InstanceId;
import dev.outrigger.topics.CompactedTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Reader;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's scheduler, Pulsar's {@code SchedulerManager} with its default {@code RoundRobinScheduler}.
 *
 * <p>When this worker becomes leader it acquires an exclusive producer on the assignments topic (named
 * {@code <workerId>-scheduler}; the previous leader may hold it a while longer, so it tries again while it leads),
 * reads the topic to its end (nobody else can write it now, so that is the truth) and schedules. It schedules again
 * whenever the metadata changes (it is a {@link MetadataListener}), and every few seconds while it leads, to notice
 * members that joined or left. Each time it writes only the differences: an assignment record for every new or moved
 * instance, a tombstone for every instance that no longer exists. Everything happens on one thread, so writes are
 * serialized. After every {@code compactEvery} records it triggers compaction of the topic.
 *
 * <p>It never writes a topic holding records Outrigger did not write.
 */
@Component(
        configurationPid = ConfigurationPids.CLUSTER,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true,
        service = {})
public final class Scheduler implements LeadershipListener, MetadataListener {

    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

    private final AssignmentSettings settings;
    private final PulsarClient client;
    private final ClusterService cluster;
    private final FunctionMetadataStore metadata;
    private final Consumer<String> compactor;
    private final String workerId;
    private final ScheduledThreadPoolExecutor thread;
    private final AtomicBoolean recomputeQueued = new AtomicBoolean();

    private final Object lock = new Object();
    /** Non-null while this worker leads; guarded by {@link #lock}. */
    private Leadership leadership;
    private long terms;
    private volatile boolean closed;
    private volatile String refusal;

    /** The assignments on the topic, as this leader read and wrote them; only the scheduler thread touches these. */
    private Map<InstanceId, String> current = Map.of();
    private int writtenSinceCompaction;

    /** Registered by hand once active: as DS services, the metadata store binding them would be a circular activation. */
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();

    @Activate
    public Scheduler(
            BundleContext context,
            AssignmentConfiguration config,
            @Reference PulsarClient client,
            @Reference PulsarAdmin admin,
            @Reference ClusterService cluster,
            @Reference FunctionMetadataStore metadata) {
        this(AssignmentSettings.of(
                        AssignmentSettings.topic(config.pulsarFunctionsNamespace(), config.functionAssignmentTopicName())),
                client, cluster, metadata, topic -> compact(admin, topic));
        registrations.add(context.registerService(LeadershipListener.class, this, null));
        registrations.add(context.registerService(MetadataListener.class, this, null));
    }

    /** @param compactor triggers compaction of the topic it is given */
    Scheduler(AssignmentSettings settings, PulsarClient client, ClusterService cluster, FunctionMetadataStore metadata,
            Consumer<String> compactor) {
        this.settings = settings;
        this.client = client;
        this.cluster = cluster;
        this.metadata = metadata;
        this.compactor = compactor;
        this.workerId = cluster.self().workerId();
        this.thread = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread created = new Thread(runnable, "outrigger-scheduler");
            created.setDaemon(true);
            // The Pulsar client looks some classes up through the context loader; only its own bundle has them.
            created.setContextClassLoader(PulsarClient.class.getClassLoader());
            return created;
        });
        thread.setRemoveOnCancelPolicy(true);
    }

    @Deactivate
    void close() {
        registrations.forEach(ServiceRegistration::unregister);
        registrations.clear();
        closed = true;
        lostLeadership();
        thread.shutdownNow();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return whether this worker leads, holds the exclusive producer and has read the topic */
    boolean isLeaderReady() {
        synchronized (lock) {
            return leadership != null && leadership.ready;
        }
    }

    /** @return why the topic is refused, or null */
    String refusal() {
        return refusal;
    }

    // ---- what starts a scheduling

    @Override
    public void changed(FunctionMetadata previous, FunctionMetadata current) {
        requestSchedule();
    }

    /** Schedules soon on the scheduler thread, once for any number of requests made before it starts. */
    void requestSchedule() {
        if (!isLeaderReady() || !recomputeQueued.compareAndSet(false, true)) {
            return;
        }
        try {
            thread.execute(() -> {
                recomputeQueued.set(false);
                try {
                    schedule();
                } catch (RuntimeException e) {
                    LOG.error("Scheduling the function instances failed; trying again at the next change or "
                            + "membership check", e);
                }
            });
        } catch (RejectedExecutionException e) {
            recomputeQueued.set(false);
        }
    }

    // ---- leadership

    /** What this worker holds while it leads. */
    private static final class Leadership {
        final long term;
        /** Guarded by the lock. */
        Producer<byte[]> producer;
        boolean active = true;
        boolean ready;
        ScheduledFuture<?> membershipCheck;

        Leadership(long term) {
            this.term = term;
        }
    }

    @Override
    public void becameLeader() {
        Leadership leading;
        synchronized (lock) {
            if (closed || leadership != null) {
                return;
            }
            leading = new Leadership(++terms);
            leadership = leading;
        }
        LOG.info("Worker {} leads: acquiring the exclusive producer on {}", workerId, settings.topic());
        scheduleAcquire(leading, 1, Duration.ZERO);
    }

    @Override
    public void lostLeadership() {
        Producer<byte[]> producer;
        ScheduledFuture<?> check;
        synchronized (lock) {
            Leadership leading = leadership;
            if (leading == null) {
                return;
            }
            leadership = null;
            leading.active = false;
            leading.ready = false;
            producer = leading.producer;
            leading.producer = null;
            check = leading.membershipCheck;
        }
        if (check != null) {
            check.cancel(false);
        }
        // Closed at once, not after queued work: the next leader waits for this producer to go.
        if (producer != null) {
            closeProducer(producer);
        }
        LOG.info("Worker {} no longer writes {}", workerId, settings.topic());
    }

    private void scheduleAcquire(Leadership leading, int attempt, Duration delay) {
        try {
            thread.schedule(() -> acquire(leading, attempt), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("Not acquiring the producer: closed");
        }
    }

    /** On the scheduler thread: the producer, then the topic read to its end, then the first scheduling. */
    private void acquire(Leadership leading, int attempt) {
        boolean create;
        synchronized (lock) {
            if (!leading.active) {
                return;
            }
            create = leading.producer == null;
        }
        if (create) {
            Producer<byte[]> producer = CompactedTopics.tryExclusiveProducer(
                    client, settings.topic(), workerId + "-scheduler", workerId, attempt, LOG);
            if (producer == null) {
                scheduleAcquire(leading, attempt + 1, settings.retryDelay(attempt));
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
        Map<InstanceId, String> read;
        try {
            read = readTopic();
        } catch (AssignmentRecords.RefusedRecord e) {
            refusal = e.getMessage();
            LOG.error("Worker {} leads but will not write the assignments on {}: {}", workerId, settings.topic(),
                    e.getMessage());
            return;
        } catch (PulsarClientException e) {
            if (!closed) {
                LOG.warn("Worker {} holds the producer on {} but could not read the topic to its end: {}", workerId,
                        settings.topic(), e.toString());
                scheduleAcquire(leading, attempt + 1, settings.retryDelay(attempt));
            }
            return;
        }
        current = read;
        synchronized (lock) {
            if (!leading.active) {
                return;
            }
            leading.ready = true;
            long period = settings.membershipCheck().toMillis();
            leading.membershipCheck =
                    thread.scheduleWithFixedDelay(this::requestSchedule, period, period, TimeUnit.MILLISECONDS);
        }
        LOG.info("Worker {} schedules the function instances on {} (term {}, {} assignments)", workerId,
                settings.topic(), leading.term, read.size());
        schedule();
    }

    /** Holding the exclusive producer, what the topic holds is everything any leader ever wrote. */
    private Map<InstanceId, String> readTopic() throws PulsarClientException, AssignmentRecords.RefusedRecord {
        try (Reader<byte[]> reader =
                CompactedTopics.openReader(client, settings.topic(), workerId + "-scheduler-reader")) {
            Map<InstanceId, String> read = new HashMap<>();
            if (!AssignmentRecords.readToEnd(reader, settings.topic(), read, settings.readTimeout().toMillis())) {
                throw new PulsarClientException.TimeoutException(settings.topic() + " announced a record but none "
                        + "came within " + settings.readTimeout());
            }
            return read;
        } catch (java.io.IOException e) {
            throw e instanceof PulsarClientException pulsar ? pulsar : new PulsarClientException(e);
        }
    }

    // ---- scheduling

    /** On the scheduler thread: compute the assignments there should be and write the differences. */
    private void schedule() {
        Leadership leading;
        Producer<byte[]> producer;
        synchronized (lock) {
            leading = leadership;
            if (leading == null || !leading.ready) {
                return;
            }
            producer = leading.producer;
        }
        Set<String> members = new TreeSet<>();
        List<FunctionMetadata> components;
        try {
            for (WorkerInfo member : cluster.members()) {
                members.add(member.workerId());
            }
            components = metadata.all();
        } catch (ClusterUnavailableException | MetadataUnavailableException e) {
            LOG.debug("Not scheduling now: {}", e.getMessage());
            return;
        }
        if (members.isEmpty()) {
            LOG.debug("Not scheduling now: the broker lists no members");
            return;
        }
        Map<InstanceId, String> next = RoundRobin.schedule(current, components, members);
        List<InstanceId> changes = new ArrayList<>();
        next.forEach((instance, worker) -> {
            if (!worker.equals(current.get(instance))) {
                changes.add(instance);
            }
        });
        for (InstanceId instance : current.keySet()) {
            if (!next.containsKey(instance)) {
                changes.add(instance);
            }
        }
        if (changes.isEmpty()) {
            return;
        }
        changes.sort(RoundRobin.ORDER);
        write(leading, producer, changes, next);
    }

    private void write(Leadership leading, Producer<byte[]> producer, List<InstanceId> changes,
            Map<InstanceId, String> next) {
        List<CompletableFuture<MessageId>> sent = new ArrayList<>(changes.size());
        for (InstanceId instance : changes) {
            String worker = next.get(instance);
            sent.add(producer.newMessage()
                    .key(instance.fullyQualifiedName())
                    .value(worker == null ? new byte[0] : AssignmentRecords.encode(instance, worker))
                    .property(RecordFormat.MESSAGE_PROPERTY, RecordFormat.VERSION)
                    .sendAsync());
        }
        Map<InstanceId, String> written = new HashMap<>(current);
        int assigned = 0;
        int unassigned = 0;
        Throwable failure = null;
        for (int i = 0; i < changes.size(); i++) {
            InstanceId instance = changes.get(i);
            try {
                sent.get(i).get(settings.readTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                failure = failure == null ? e.getCause() : failure;
                continue;
            } catch (TimeoutException e) {
                failure = failure == null ? e : failure;
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            String worker = next.get(instance);
            if (worker == null) {
                written.remove(instance);
                unassigned++;
            } else {
                written.put(instance, worker);
                assigned++;
            }
        }
        current = Map.copyOf(written);
        if (assigned + unassigned > 0) {
            LOG.info("Worker {} assigned {} and unassigned {} instances ({} assignments in all)", workerId, assigned,
                    unassigned, current.size());
        }
        writtenSinceCompaction += assigned + unassigned;
        if (failure != null) {
            // Whether the failed records reached the topic is unknown: take the producer again and read the topic.
            LOG.warn("Worker {} failed to write {} of {} assignment records on {}: {}", workerId,
                    changes.size() - assigned - unassigned, changes.size(), settings.topic(), failure.toString());
            reacquire(leading, producer);
            return;
        }
        if (settings.compactEvery() > 0 && writtenSinceCompaction >= settings.compactEvery()) {
            writtenSinceCompaction = 0;
            try {
                compactor.accept(settings.topic());
            } catch (RuntimeException e) {
                LOG.warn("Triggering compaction of {} failed: {}", settings.topic(), e.toString());
            }
        }
    }

    /** Drops the producer and, if this worker still leads, acquires it again and re-reads the topic. */
    private void reacquire(Leadership leading, Producer<byte[]> producer) {
        boolean retry;
        synchronized (lock) {
            if (leading.producer == producer) {
                leading.producer = null;
                leading.ready = false;
            }
            if (leading.membershipCheck != null) {
                leading.membershipCheck.cancel(false);
                leading.membershipCheck = null;
            }
            retry = leading.active;
        }
        closeProducer(producer);
        if (retry) {
            scheduleAcquire(leading, 1, settings.retryDelay(1));
        }
    }

    private void closeProducer(Producer<byte[]> producer) {
        producer.closeAsync().exceptionally(e -> {
            LOG.debug("Closing the producer on {} failed: {}", settings.topic(), e.toString());
            return null;
        });
    }

    private static void compact(PulsarAdmin admin, String topic) {
        try {
            admin.topics().triggerCompaction(topic);
            LOG.debug("Triggered compaction of {}", topic);
        } catch (PulsarAdminException.ConflictException e) {
            LOG.debug("Compaction of {} is already running", topic);
        } catch (PulsarAdminException e) {
            LOG.warn("Triggering compaction of {} failed: {}", topic, e.getMessage());
        }
    }
}
