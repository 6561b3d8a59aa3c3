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
import dev.outrigger.api.scheduler.Parallelism;
import dev.outrigger.topics.Quarantine;
import dev.outrigger.topics.CompactedTopics;
import dev.outrigger.topics.LeaderWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
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
 * <p>It never writes a topic holding records Outrigger did not write. It never dies on one record either: an
 * assignment record it cannot read is quarantined (reported once, skipped), and a component whose {@code parallelism}
 * is above {@code functionInstanceMaxParallelism} (written before that ceiling, or by another worker) is quarantined
 * too: reported once with its key, left as it is, and the rest scheduled.
 *
 * <p>The ceiling is in the worker configuration, so any change of {@code functions_worker.yml} restarts this component:
 * cheap (it re-reads the topic and writes nothing that did not change), unlike restarting what uses the cluster PID.
 */
@Component(
        configurationPid = {ConfigurationPids.WORKER, ConfigurationPids.CLUSTER},
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

    private final LeaderWriter writer;
    /** The leader's periodic membership check; only set and cancelled on the scheduler thread or at the end. */
    private volatile ScheduledFuture<?> membershipCheck;
    private volatile boolean closed;
    private volatile String refusal;
    private final Quarantine unreadable;
    /** Components above the parallelism ceiling at the last scheduling; each reported once while it stays there. */
    private final Set<String> quarantined = ConcurrentHashMap.newKeySet();

    /** The assignments on the topic, as this leader read and wrote them; only the scheduler thread touches these. */
    private Map<InstanceId, String> current = Map.of();
    private int writtenSinceCompaction;
    /** Workers holding assignments that are not members, since when (nanoTime); only the scheduler thread. */
    private final Map<String, Long> missingSince = new HashMap<>();

    /** Registered by hand once active: as DS services, the metadata store binding them would be a circular activation. */
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();

    /** Later PIDs win: the cluster configuration's topic (validated, defaulted) over the raw worker keys. */
    @Activate
    public Scheduler(
            BundleContext context,
            AssignmentConfiguration config,
            @Reference PulsarClient client,
            @Reference PulsarAdmin admin,
            @Reference ClusterService cluster,
            @Reference FunctionMetadataStore metadata) {
        this(AssignmentSettings.of(
                        AssignmentSettings.topic(config.pulsarFunctionsNamespace(), config.functionAssignmentTopicName()))
                        .withMaxParallelism(Parallelism.max(config.functionInstanceMaxParallelism()))
                        .withFailureHandling(config.failureCheckFreqMs(), config.rescheduleTimeoutMs()),
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
        this.unreadable = new Quarantine(settings.topic(), LOG);
        this.thread = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread created = new Thread(runnable, "outrigger-scheduler");
            created.setDaemon(true);
            // The Pulsar client looks some classes up through the context loader; only its own bundle has them.
            created.setContextClassLoader(PulsarClient.class.getClassLoader());
            return created;
        });
        thread.setRemoveOnCancelPolicy(true);
        this.writer = new LeaderWriter(client, settings.topic(), workerId + "-scheduler", workerId, thread,
                settings::retryDelay, LOG, new LeaderWriter.Owner() {
                    @Override
                    public boolean caughtUp(LeaderWriter.Term term) throws PulsarClientException {
                        return Scheduler.this.caughtUp();
                    }

                    @Override
                    public void ready(LeaderWriter.Term term) {
                        leaderReady(term);
                    }
                });
    }

    @Deactivate
    void close() {
        registrations.forEach(ServiceRegistration::unregister);
        registrations.clear();
        closed = true;
        writer.close();
        cancelMembershipCheck();
        thread.shutdownNow();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return whether this worker leads, holds the exclusive producer and has read the topic */
    boolean isLeaderReady() {
        return writer.readyTerm() != null;
    }

    /** @return why the topic is refused, or null */
    String refusal() {
        return refusal;
    }

    /** @return the components left unscheduled at the last scheduling: their parallelism is above the ceiling */
    Set<String> quarantined() {
        return Set.copyOf(quarantined);
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

    @Override
    public void becameLeader() {
        writer.begin();
    }

    @Override
    public void lostLeadership() {
        writer.end();
        cancelMembershipCheck();
    }

    private void cancelMembershipCheck() {
        ScheduledFuture<?> check = membershipCheck;
        membershipCheck = null;
        if (check != null) {
            check.cancel(false);
        }
    }

    /** On the scheduler thread, holding the producer: the topic read to its end; a refused topic is not written. */
    private boolean caughtUp() throws PulsarClientException {
        try {
            current = readTopic();
            return true;
        } catch (AssignmentRecords.RefusedRecord e) {
            refusal = e.getMessage();
            LOG.error("Worker {} leads but will not write the assignments on {}: {}", workerId, settings.topic(),
                    e.getMessage());
            return false;
        }
    }

    /** On the scheduler thread: the membership check starts, and the first scheduling. */
    private void leaderReady(LeaderWriter.Term leading) {
        cancelMembershipCheck();
        long period = settings.membershipCheck().toMillis();
        ScheduledFuture<?> check =
                thread.scheduleWithFixedDelay(this::requestSchedule, period, period, TimeUnit.MILLISECONDS);
        membershipCheck = check;
        if (!writer.isActive(leading)) {
            // leadership ended meanwhile: lostLeadership may have missed this check
            check.cancel(false);
            return;
        }
        LOG.info("Worker {} schedules the function instances on {} (term {}, {} assignments)", workerId,
                settings.topic(), leading.number(), current.size());
        schedule();
    }

    /** Holding the exclusive producer, what the topic holds is everything any leader ever wrote. */
    private Map<InstanceId, String> readTopic() throws PulsarClientException, AssignmentRecords.RefusedRecord {
        try (Reader<byte[]> reader =
                CompactedTopics.openReader(client, settings.topic(), workerId + "-scheduler-reader")) {
            Map<InstanceId, String> read = new HashMap<>();
            if (!AssignmentRecords.readToEnd(reader, settings.topic(), read, settings.readTimeout().toMillis(),
                    unreadable)) {
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
        LeaderWriter.Term leading = writer.readyTerm();
        Producer<byte[]> producer = leading == null ? null : writer.producer(leading);
        if (producer == null) {
            return;
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
        RoundRobin.Plan plan = RoundRobin.plan(current, components, members, graced(members),
                settings.maxParallelism());
        report(plan.quarantined());
        Map<InstanceId, String> next = plan.assignments();
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

    /**
     * Pulsar's {@code rescheduleTimeoutMs}: a worker gone from the members keeps its instances (they run nowhere
     * meanwhile) until it has been gone that long; back in time, it carries on with them.
     *
     * @return the workers within their grace
     */
    private Set<String> graced(Set<String> members) {
        long now = System.nanoTime();
        Set<String> assigned = new HashSet<>(current.values());
        missingSince.keySet().removeIf(worker -> members.contains(worker) || !assigned.contains(worker));
        Set<String> graced = new TreeSet<>();
        for (String worker : assigned) {
            if (members.contains(worker)) {
                continue;
            }
            Long since = missingSince.get(worker);
            if (since == null) {
                since = now;
                missingSince.put(worker, now);
                if (!settings.rescheduleTimeout().isZero()) {
                    LOG.warn("Worker {} is gone; its instances move unless it is back within {} ms "
                            + "(rescheduleTimeoutMs)", worker, settings.rescheduleTimeout().toMillis());
                }
            }
            if (now - since < settings.rescheduleTimeout().toNanos()) {
                graced.add(worker);
            }
        }
        return graced;
    }

    /** Says once of every component that enters quarantine, and once when it leaves. */
    private void report(Set<String> now) {
        for (String key : now) {
            if (quarantined.add(key)) {
                LOG.error("Worker {} does not schedule {}: its parallelism is above functionInstanceMaxParallelism "
                        + "({}); its assignments are left as they are until it is updated below that or deleted",
                        workerId, key, settings.maxParallelism());
            }
        }
        for (String key : Set.copyOf(quarantined)) {
            if (!now.contains(key) && quarantined.remove(key)) {
                LOG.info("Worker {} schedules {} again", workerId, key);
            }
        }
    }

    private void write(LeaderWriter.Term leading, Producer<byte[]> producer, List<InstanceId> changes,
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
    private void reacquire(LeaderWriter.Term leading, Producer<byte[]> producer) {
        cancelMembershipCheck();
        writer.reacquire(leading, producer);
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
