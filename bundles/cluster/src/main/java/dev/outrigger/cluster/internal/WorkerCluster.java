package dev.outrigger.cluster.internal;

import dev.outrigger.api.cluster.ClusterService;
import dev.outrigger.api.cluster.ClusterUnavailableException;
import dev.outrigger.api.cluster.LeadershipListener;
import dev.outrigger.api.cluster.RecordFormat;
import dev.outrigger.api.cluster.WorkerInfo;
import dev.outrigger.api.config.ConfigurationPids;
import dev.outrigger.api.lifecycle.Lifecycle;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.client.api.ConsumerEventListener;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.client.api.SubscriptionType;
import org.apache.pulsar.common.policies.data.ConsumerStats;
import org.apache.pulsar.common.policies.data.SubscriptionStats;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.condition.Condition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.util.tracker.ServiceTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This worker in its cluster. Start-up runs on its own thread, in Pulsar's worker's order: wait for the broker, put the
 * namespace and the three topics in place, make sure the cluster is ours, then join the Failover subscription on the
 * coordination topic. The broker then elects the leader: the subscription's active consumer.
 */
@Component(
        configurationPid = ConfigurationPids.CLUSTER,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true)
@Designate(ocd = ClusterConfiguration.class)
public final class WorkerCluster implements ClusterService {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerCluster.class);

    private final BundleContext context;
    private final ClusterConfiguration config;
    private final PulsarClient client;
    private final PulsarAdmin admin;
    private final WorkerInfo self;
    private final WorkerTopics topics;
    private final Thread startup;

    @Reference(
            service = Consumer.class,
            target = Lifecycle.FATAL_ERROR_FILTER,
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC)
    private volatile Consumer<String> fatalErrors;

    private final Set<LeadershipListener> leadershipListeners = ConcurrentHashMap.newKeySet();
    /** One thread, so listeners hear gains and losses in the order they happened. */
    private final ExecutorService leadershipEvents = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "outrigger-leadership-events");
        thread.setDaemon(true);
        return thread;
    });

    private volatile org.apache.pulsar.client.api.Consumer<byte[]> membership;
    /** Names of foreign consumers already reported, so each is logged once. */
    private final Set<String> foreignConsumers = ConcurrentHashMap.newKeySet();
    private volatile boolean leader;
    private volatile long startUpTimeMillis = -1;
    private volatile boolean closed;
    private volatile ServiceRegistration<Condition> initializedCondition;
    private volatile ServiceTracker<LeadershipListener, LeadershipListener> listenerTracker;

    @Activate
    public WorkerCluster(
            BundleContext context,
            ClusterConfiguration config,
            @Reference PulsarClient client,
            @Reference PulsarAdmin admin) {
        this.context = context;
        this.config = config;
        this.client = client;
        this.admin = admin;
        this.self = new WorkerInfo(config.workerId(), config.workerHostname(),
                config.tlsEnabled() ? config.workerPortTls() : config.workerPort());
        this.topics = WorkerTopics.of(config);
        this.startup = new Thread(this::start, "outrigger-cluster-startup");
        startup.setDaemon(true);
        // The Pulsar client looks some classes up through the context loader; only its own bundle has the right ones.
        startup.setContextClassLoader(PulsarClient.class.getClassLoader());
        startup.start();
    }

    /**
     * Leadership listeners are tracked, not referenced by DS: the metadata store is one and references this
     * component, so a DS reference back would be a circular activation. The tracker opens once this worker has joined.
     */
    private ServiceTracker<LeadershipListener, LeadershipListener> trackLeadershipListeners() {
        ServiceTracker<LeadershipListener, LeadershipListener> tracker =
                new ServiceTracker<>(context, LeadershipListener.class, null) {
                    @Override
                    public LeadershipListener addingService(ServiceReference<LeadershipListener> reference) {
                        LeadershipListener listener = super.addingService(reference);
                        if (listener != null) {
                            leadershipListeners.add(listener);
                            leadershipEvents.execute(() -> {
                                if (isLeader()) {
                                    WorkerCluster.this.notify(listener, true);
                                }
                            });
                        }
                        return listener;
                    }

                    @Override
                    public void removedService(ServiceReference<LeadershipListener> reference,
                            LeadershipListener listener) {
                        leadershipListeners.remove(listener);
                        super.removedService(reference, listener);
                    }
                };
        tracker.open();
        return tracker;
    }

    private void leadershipChanged(boolean nowLeader) {
        leadershipEvents.execute(() -> leadershipListeners.forEach(listener -> notify(listener, nowLeader)));
    }

    private void notify(LeadershipListener listener, boolean nowLeader) {
        try {
            if (nowLeader) {
                listener.becameLeader();
            } else {
                listener.lostLeadership();
            }
        } catch (RuntimeException e) {
            LOG.error("Leadership listener {} failed", listener, e);
        }
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        closed = true;
        startup.interrupt();
        startup.join(TimeUnit.SECONDS.toMillis(10));
        ServiceRegistration<Condition> condition = initializedCondition;
        if (condition != null) {
            condition.unregister();
        }
        org.apache.pulsar.client.api.Consumer<byte[]> current = membership;
        if (current != null) {
            try {
                current.close();
            } catch (PulsarClientException e) {
                LOG.warn("Leaving the coordination subscription failed: {}", e.toString());
            }
        }
        if (leader) {
            leader = false;
            leadershipChanged(false);
        }
        leadershipEvents.shutdown();
        leadershipEvents.awaitTermination(10, TimeUnit.SECONDS);
        ServiceTracker<LeadershipListener, LeadershipListener> tracker = listenerTracker;
        if (tracker != null) {
            tracker.close();
        }
        LOG.info("Worker {} left the cluster", self.workerId());
    }

    private void start() {
        long activated = System.currentTimeMillis();
        try {
            new StartupSequence(config, admin, client, topics).prepareCluster(() -> closed);
            membership = join();
            startUpTimeMillis = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
            LOG.info("Worker {} initialized {} ms after activation ({} ms after JVM start): member of the cluster on {}",
                    self.workerId(), System.currentTimeMillis() - activated, startUpTimeMillis, topics.coordination());
            listenerTracker = trackLeadershipListeners();
            initializedCondition = context.registerService(Condition.class, Condition.INSTANCE,
                    FrameworkUtil.asDictionary(Map.of(Condition.CONDITION_ID, ClusterService.INITIALIZED_CONDITION)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (StartupException e) {
            if (!closed) {
                fail(e.getMessage());
            }
        } catch (RuntimeException | PulsarClientException e) {
            if (!closed) {
                fail("Worker start-up failed: " + e);
            }
        }
    }

    private void fail(String reason) {
        LOG.error(reason);
        Consumer<String> handler = fatalErrors;
        if (handler != null) {
            handler.accept(reason);
        }
    }

    private org.apache.pulsar.client.api.Consumer<byte[]> join() throws PulsarClientException {
        return client.newConsumer()
                .topic(topics.coordination())
                .subscriptionName(WorkerTopics.COORDINATION_SUBSCRIPTION)
                .subscriptionType(SubscriptionType.Failover)
                .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest)
                .consumerName(self.consumerName())
                .property(RecordFormat.CONSUMER_ID_PROPERTY, self.consumerName())
                .property(RecordFormat.CONSUMER_PROPERTY, RecordFormat.VERSION)
                .consumerEventListener(new ActiveConsumerListener())
                .subscribe();
    }

    @Override
    public WorkerInfo self() {
        return self;
    }

    @Override
    public String pulsarFunctionsCluster() {
        return config.pulsarFunctionsCluster();
    }

    @Override
    public boolean isInitialized() {
        return startUpTimeMillis >= 0 && !closed;
    }

    @Override
    public long startUpTimeMillis() {
        return startUpTimeMillis;
    }

    /**
     * A consumer whose name is not {@code workerId:host:port} (a tool, a probe, another program that subscribed after
     * start-up checked the subscription) is no worker: it is left out, so membership and scheduling go on.
     */
    @Override
    public List<WorkerInfo> members() {
        List<WorkerInfo> members = new ArrayList<>();
        for (ConsumerStats consumer : coordinationSubscription().getConsumers()) {
            worker(consumer.getConsumerName()).ifPresent(members::add);
        }
        return members;
    }

    /** The active consumer if it is a worker; a foreign active consumer means no worker leads for now. */
    @Override
    public Optional<WorkerInfo> leader() {
        String active = coordinationSubscription().getActiveConsumerName();
        return active == null || active.isEmpty() ? Optional.empty() : worker(active);
    }

    private Optional<WorkerInfo> worker(String consumerName) {
        try {
            return Optional.of(WorkerInfo.parseConsumerName(consumerName == null ? "" : consumerName));
        } catch (IllegalArgumentException e) {
            if (foreignConsumers.add(String.valueOf(consumerName))) {
                LOG.warn("Consumer {} on the coordination subscription of {} is not a worker (its name is not "
                        + "workerId:host:port); it is ignored for membership and leadership", consumerName,
                        topics.coordination());
            }
            return Optional.empty();
        }
    }

    @Override
    public boolean isLeader() {
        return leader && isInitialized();
    }

    private SubscriptionStats coordinationSubscription() {
        try {
            SubscriptionStats subscription =
                    admin.topics().getStats(topics.coordination()).getSubscriptions()
                            .get(WorkerTopics.COORDINATION_SUBSCRIPTION);
            if (subscription == null) {
                throw new ClusterUnavailableException(
                        "The coordination topic " + topics.coordination() + " has no subscription "
                                + WorkerTopics.COORDINATION_SUBSCRIPTION, null);
            }
            return subscription;
        } catch (PulsarAdminException e) {
            throw new ClusterUnavailableException(
                    "Cannot read the members of " + topics.coordination() + " from the broker: " + e.getMessage(), e);
        }
    }

    /** The broker tells each consumer of a Failover subscription whether it is the active one: the leader. */
    private final class ActiveConsumerListener implements ConsumerEventListener {
        @Override
        public void becameActive(org.apache.pulsar.client.api.Consumer<?> consumer, int partitionId) {
            if (!leader) {
                leader = true;
                LOG.info("Worker {} is now the leader", self.workerId());
                leadershipChanged(true);
            }
        }

        @Override
        public void becameInactive(org.apache.pulsar.client.api.Consumer<?> consumer, int partitionId) {
            if (leader) {
                leader = false;
                LOG.info("Worker {} is no longer the leader", self.workerId());
                leadershipChanged(false);
            }
        }
    }
}
