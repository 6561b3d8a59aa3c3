package dev.outrigger.scheduler.internal;

import dev.outrigger.api.cluster.ClusterService;
import dev.outrigger.api.config.ConfigurationPids;
import dev.outrigger.api.scheduler.AssignmentListener;
import dev.outrigger.api.scheduler.AssignmentService;
import dev.outrigger.api.scheduler.InstanceId;
import dev.outrigger.topics.CompactedTopics;
import dev.outrigger.topics.EventThread;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
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
    private final PulsarClient client;
    private final String readerName;
    private final BooleanSupplier topicReady;
    private final Thread thread;
    private final Events events = new Events();

    private volatile Map<InstanceId, String> assignments = Map.of();
    private volatile boolean caughtUp;
    private volatile String refusal;
    private volatile boolean closed;
    private volatile Reader<byte[]> reader;

    @Activate
    public AssignmentTailer(
            AssignmentConfiguration config, @Reference PulsarClient client, @Reference ClusterService cluster) {
        this(AssignmentSettings.of(
                        AssignmentSettings.topic(config.pulsarFunctionsNamespace(), config.functionAssignmentTopicName())),
                client, cluster);
    }

    AssignmentTailer(AssignmentSettings settings, PulsarClient client, ClusterService cluster) {
        this.settings = settings;
        this.client = client;
        this.readerName = cluster.self().workerId() + "-assignments";
        this.topicReady = cluster::isInitialized;
        this.thread = new Thread(this::run, "outrigger-assignment-tailer");
        thread.setDaemon(true);
        // The Pulsar client looks some classes up through the context loader; only its own bundle has the right ones.
        thread.setContextClassLoader(PulsarClient.class.getClassLoader());
        thread.start();
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
        events.close();
    }

    @Override
    public Map<InstanceId, String> assignments() {
        return assignments;
    }

    /** @return whether the topic was read to its end as of the start, and nothing in it was refused */
    boolean isReady() {
        return caughtUp && refusal == null && !closed;
    }

    /** @return why the topic is refused, or null */
    String refusal() {
        return refusal;
    }

    // ---- the tailer thread

    private void run() {
        try {
            while (!closed) {
                awaitTopic();
                try {
                    Reader<byte[]> current = open();
                    Map<InstanceId, String> read = new HashMap<>();
                    if (!AssignmentRecords.readToEnd(current, settings.topic(), read,
                            settings.readTimeout().toMillis())) {
                        throw new PulsarClientException.TimeoutException(settings.topic() + " announced a record but "
                                + "none came within " + settings.readTimeout());
                    }
                    install(read);
                    tail(current);
                } catch (PulsarClientException e) {
                    if (closed) {
                        return;
                    }
                    LOG.warn("Reading {} failed; reading it again from the start in a moment: {}", settings.topic(),
                            e.toString());
                    closeReader();
                    TimeUnit.MILLISECONDS.sleep(settings.retryDelay(10).toMillis());
                }
            }
        } catch (AssignmentRecords.RefusedRecord e) {
            refuse(e.getMessage());
        } catch (InterruptedException e) {
            // closing
        } catch (RuntimeException e) {
            if (!closed) {
                LOG.error("The tailer of {} failed", settings.topic(), e);
                refuse("its tailer failed: " + e);
            }
        } finally {
            closeReader();
        }
    }

    /** The cluster creates the topic and checks that it is ours; a reader created earlier could create it wrongly. */
    private void awaitTopic() throws InterruptedException {
        boolean said = false;
        while (!closed && !topicReady.getAsBoolean()) {
            if (!said) {
                LOG.debug("Waiting for the worker to join its cluster before reading {}", settings.topic());
                said = true;
            }
            TimeUnit.MILLISECONDS.sleep(settings.pollInterval().toMillis());
        }
    }

    private Reader<byte[]> open() throws PulsarClientException {
        Reader<byte[]> created = CompactedTopics.openReader(client, settings.topic(), readerName);
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
        while (!closed) {
            Message<byte[]> message = current.readNext(poll, TimeUnit.MILLISECONDS);
            if (message == null) {
                continue;
            }
            AssignmentRecords.Decoded record = AssignmentRecords.decode(message, settings.topic());
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
        if (closed) {
            return;
        }
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
