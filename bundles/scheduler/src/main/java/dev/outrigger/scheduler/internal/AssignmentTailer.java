package dev.outrigger.scheduler.internal;

import dev.outrigger.api.cluster.ClusterService;
import dev.outrigger.api.config.ConfigurationPids;
import dev.outrigger.api.scheduler.AssignmentListener;
import dev.outrigger.api.scheduler.AssignmentService;
import dev.outrigger.api.scheduler.InstanceId;
import dev.outrigger.topics.EventThread;
import dev.outrigger.topics.Quarantine;
import dev.outrigger.topics.TopicFollower;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Reader;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every worker's view of the assignments: reads the compacted assignments topic from its start, once the worker has
 * joined its cluster (the cluster creates the topic and checks it is ours), then follows it; Pulsar's
 * {@code FunctionAssignmentTailer}.
 *
 * <p>{@link AssignmentListener}s are told the whole map, on one thread, in order: once when the topic has been read to
 * its end as of the start, then after every record; a listener bound later is told the current map at once. Should
 * the reader fail, the topic is read again from its start (a reader resuming behind the compaction horizon would miss
 * tombstones) and listeners are told if that changed anything. A record Outrigger did not write is never applied:
 * the tailer then refuses the topic, loudly, and stops reading it; listeners hear nothing more.
 */
@Component(
        configurationPid = ConfigurationPids.CLUSTER,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true,
        service = AssignmentService.class)
public final class AssignmentTailer implements AssignmentService {

    private static final Logger LOG = LoggerFactory.getLogger(AssignmentTailer.class);

    private final AssignmentSettings settings;
    private final TopicFollower follower;
    private final Events events = new Events();

    private volatile Map<InstanceId, String> assignments = Map.of();
    private volatile boolean caughtUp;
    private volatile String refusal;
    private final Quarantine quarantine;

    @Activate
    public AssignmentTailer(
            AssignmentConfiguration config, @Reference PulsarClient client, @Reference ClusterService cluster) {
        this(AssignmentSettings.of(
                        AssignmentSettings.topic(config.pulsarFunctionsNamespace(), config.functionAssignmentTopicName())),
                client, cluster);
    }

    AssignmentTailer(AssignmentSettings settings, PulsarClient client, ClusterService cluster) {
        this.settings = settings;
        this.quarantine = new Quarantine(settings.topic(), LOG);
        this.follower = new TopicFollower("outrigger-assignment-tailer", client, settings.topic(),
                cluster.self().workerId() + "-assignments", cluster::isInitialized, settings.pollInterval(),
                settings.retryDelay(10), LOG, this::pass, this::refuse);
        follower.start();
        LOG.debug("Worker {} follows the assignments on {}", cluster.self().workerId(), settings.topic());
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addAssignmentListener(AssignmentListener listener) {
        events.add(listener);
    }

    void removeAssignmentListener(AssignmentListener listener) {
        events.remove(listener);
    }

    @Deactivate
    void close() {
        follower.close();
        events.close();
    }

    @Override
    public Map<InstanceId, String> assignments() {
        return assignments;
    }

    /** @return whether the topic was read to its end as of the start, and nothing in it was refused */
    boolean isReady() {
        return caughtUp && refusal == null && !follower.isClosed();
    }

    /** @return why the topic is refused, or null */
    String refusal() {
        return refusal;
    }

    // ---- the tailer thread

    /** One pass from the topic's start: read to its end, make that the state, then follow. */
    private void pass(Reader<byte[]> reader) throws PulsarClientException, TopicFollower.Refused {
        try {
            Map<InstanceId, String> read = new HashMap<>();
            if (!AssignmentRecords.readToEnd(reader, settings.topic(), read, settings.readTimeout().toMillis(),
                    quarantine)) {
                throw new PulsarClientException.TimeoutException(settings.topic() + " announced a record but none "
                        + "came within " + settings.readTimeout());
            }
            install(read);
            tail(reader);
        } catch (AssignmentRecords.RefusedRecord e) {
            throw new TopicFollower.Refused(e.getMessage());
        }
    }

    /** The state read from the start becomes the state; listeners hear of it at start, or if it differs. */
    private void install(Map<InstanceId, String> read) {
        Map<InstanceId, String> state = Map.copyOf(read);
        boolean first = !caughtUp;
        boolean changed = !state.equals(assignments);
        assignments = state;
        caughtUp = true;
        if (first) {
            LOG.info("Read {} assignments from {}", state.size(), settings.topic());
        } else {
            LOG.info("Read {} again: {} assignments", settings.topic(), state.size());
        }
        if (first || changed) {
            events.publish(state);
        }
    }

    private void tail(Reader<byte[]> current) throws PulsarClientException, AssignmentRecords.RefusedRecord {
        int poll = (int) settings.pollInterval().toMillis();
        while (!follower.isClosed()) {
            Message<byte[]> message = current.readNext(poll, TimeUnit.MILLISECONDS);
            if (message == null) {
                continue;
            }
            AssignmentRecords.Decoded record = AssignmentRecords.decode(message, settings.topic(), quarantine);
            if (record == null) {
                continue;
            }
            Map<InstanceId, String> next = new HashMap<>(assignments);
            AssignmentRecords.apply(next, record);
            Map<InstanceId, String> state = Map.copyOf(next);
            if (!state.equals(assignments)) {
                LOG.debug("{} {} (from {})", record.instance(),
                        record.workerId() == null ? "unassigned" : "assigned to " + record.workerId(),
                        message.getMessageId());
                assignments = state;
                events.publish(state);
            }
        }
    }

    private void refuse(String reason) {
        refusal = reason;
        LOG.error("This worker refuses the assignments on {} and will not follow them: {}", settings.topic(), reason);
    }

    // ---- listeners

    /**
     * Tells listeners the whole map on one thread. The thread keeps the last map it dispatched: a listener bound
     * later is told exactly that map before any later change, so it neither misses nor doubles one.
     */
    private static final class Events {
        private final EventThread thread =
                new EventThread("outrigger-assignment-events", LOG, "Assignment events closed; dropped an event");
        private final Set<AssignmentListener> bound = ConcurrentHashMap.newKeySet();
        /** Only the events thread touches these. */
        private final Set<AssignmentListener> told = new LinkedHashSet<>();
        private Map<InstanceId, String> view;

        void add(AssignmentListener listener) {
            bound.add(listener);
            execute(() -> {
                if (view != null && bound.contains(listener) && told.add(listener)) {
                    notify(listener, view);
                }
            });
        }

        void remove(AssignmentListener listener) {
            bound.remove(listener);
            execute(() -> told.remove(listener));
        }

        void publish(Map<InstanceId, String> state) {
            execute(() -> {
                view = state;
                for (AssignmentListener listener : bound) {
                    told.add(listener);
                }
                for (AssignmentListener listener : List.copyOf(told)) {
                    notify(listener, state);
                }
            });
        }

        private void notify(AssignmentListener listener, Map<InstanceId, String> state) {
            if (!bound.contains(listener)) {
                return;
            }
            try {
                listener.assignmentsChanged(state);
            } catch (RuntimeException e) {
                LOG.error("Assignment listener {} failed", listener, e);
            }
        }

        private void execute(Runnable task) {
            thread.execute(task);
        }

        void close() {
            thread.close();
        }
    }
}
