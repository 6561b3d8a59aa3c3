package dev.outrigger.cluster.internal;

import dev.outrigger.api.cluster.RecordFormat;
import java.io.IOException;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Reader;
import org.apache.pulsar.common.policies.data.ConsumerStats;
import org.apache.pulsar.common.policies.data.Policies;
import org.apache.pulsar.common.policies.data.RetentionPolicies;
import org.apache.pulsar.common.policies.data.SubscriptionStats;
import org.apache.pulsar.common.policies.data.TenantInfo;
import org.apache.pulsar.common.policies.data.TopicStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What Pulsar's worker does before it joins its cluster, in the same order. */
final class StartupSequence {

    private static final Logger LOG = LoggerFactory.getLogger(StartupSequence.class);
    private static final long RETRY_INTERVAL_MILLIS = 1000;

    private final ClusterConfiguration config;
    private final PulsarAdmin admin;
    private final PulsarClient client;
    private final WorkerTopics topics;

    StartupSequence(ClusterConfiguration config, PulsarAdmin admin, PulsarClient client, WorkerTopics topics) {
        this.config = config;
        this.admin = admin;
        this.client = client;
        this.topics = topics;
    }

    void prepareCluster(BooleanSupplier cancelled) throws StartupException, InterruptedException {
        awaitBroker(cancelled);
        ensureNamespace();
        List<String> existing = existingTopics();
        for (String topic : List.of(topics.metadata(), topics.coordination(), topics.assignments())) {
            if (!existing.contains(topic)) {
                createTopic(topic);
            }
        }
        refuseForeignRecords(topics.metadata());
        refuseForeignRecords(topics.assignments());
        refuseForeignMembers();
    }

    /** Pulsar's worker polls the broker once a second, {@code initialBrokerReconnectMaxRetries} times. */
    void awaitBroker(BooleanSupplier cancelled) throws StartupException, InterruptedException {
        int attempts = Math.max(1, config.initialBrokerReconnectMaxRetries());
        Exception last = null;
        for (int attempt = 1; attempt <= attempts && !cancelled.getAsBoolean(); attempt++) {
            try {
                admin.clusters().getClusters();
                LOG.info("Broker at {} answered", config.pulsarWebServiceUrl());
                return;
            } catch (PulsarAdminException e) {
                last = e;
                LOG.info("Waiting for the broker at {} ({}/{}): {}",
                        config.pulsarWebServiceUrl(), attempt, attempts, e.getMessage());
            }
            if (attempt < attempts) {
                TimeUnit.MILLISECONDS.sleep(RETRY_INTERVAL_MILLIS);
            }
        }
        throw new StartupException("Cannot reach the Pulsar broker at " + config.pulsarWebServiceUrl() + " after "
                + attempts + " attempts (initialBrokerReconnectMaxRetries): "
                + (last == null ? "cancelled" : last.getMessage()));
    }

    /** The namespace keeps the worker's state forever and lives in the functions cluster, as Pulsar's worker sets it. */
    private void ensureNamespace() throws StartupException {
        String namespace = topics.namespace();
        String tenant = namespace.substring(0, namespace.indexOf('/'));
        try {
            if (!admin.tenants().getTenants().contains(tenant)) {
                admin.tenants().createTenant(tenant, TenantInfo.builder()
                        .allowedClusters(Set.of(config.pulsarFunctionsCluster()))
                        .adminRoles(Collections.emptySet())
                        .build());
                LOG.info("Created tenant {}", tenant);
            }
            if (!admin.namespaces().getNamespaces(tenant).contains(namespace)) {
                Policies policies = new Policies();
                policies.retention_policies = new RetentionPolicies(-1, -1);
                policies.replication_clusters = new HashSet<>(Set.of(config.pulsarFunctionsCluster()));
                admin.namespaces().createNamespace(namespace, policies);
                LOG.info("Created namespace {} (infinite retention, cluster {})",
                        namespace, config.pulsarFunctionsCluster());
            }
        } catch (PulsarAdminException.ConflictException e) {
            LOG.debug("{} was created concurrently by another worker", namespace);
        } catch (PulsarAdminException e) {
            throw new StartupException("Cannot create the functions namespace " + namespace
                    + " (pulsarFunctionsNamespace) on " + config.pulsarWebServiceUrl() + ": " + e.getMessage(), e);
        }
    }

    private List<String> existingTopics() throws StartupException {
        try {
            return admin.topics().getList(topics.namespace());
        } catch (PulsarAdminException e) {
            throw new StartupException("Cannot list the topics of " + topics.namespace() + ": " + e.getMessage(), e);
        }
    }

    private void createTopic(String topic) throws StartupException {
        try {
            admin.topics().createNonPartitionedTopic(topic);
            LOG.info("Created topic {}", topic);
        } catch (PulsarAdminException.ConflictException e) {
            LOG.debug("Topic {} was created concurrently by another worker", topic);
        } catch (PulsarAdminException e) {
            throw new StartupException("Cannot create topic " + topic + ": " + e.getMessage(), e);
        }
    }

    /** Every record Outrigger writes carries its format marker; anything else belongs to another worker. */
    private void refuseForeignRecords(String topic) throws StartupException {
        try (Reader<byte[]> reader = client.newReader()
                .topic(topic)
                .startMessageId(MessageId.earliest)
                .readerName("outrigger-ownership-check")
                .create()) {
            while (reader.hasMessageAvailable()) {
                Message<byte[]> message = reader.readNext(30, TimeUnit.SECONDS);
                if (message == null) {
                    break;
                }
                if (!message.hasProperty(RecordFormat.MESSAGE_PROPERTY)) {
                    throw new StartupException(topic + " holds records Outrigger did not write (message "
                            + message.getMessageId() + ", e.g. Pulsar's own functions worker's). Outrigger does not "
                            + "start on a worker cluster it does not own: set pulsarFunctionsNamespace to a namespace "
                            + "of its own.");
                }
            }
        } catch (IOException e) {
            throw new StartupException("Cannot read " + topic + ": " + e.getMessage(), e);
        }
    }

    /** Pulsar's worker, on the same namespace, would share the coordination subscription and its leadership. */
    private void refuseForeignMembers() throws StartupException {
        try {
            TopicStats stats = admin.topics().getStats(topics.coordination());
            SubscriptionStats subscription = stats.getSubscriptions().get(WorkerTopics.COORDINATION_SUBSCRIPTION);
            if (subscription == null) {
                return;
            }
            for (ConsumerStats consumer : subscription.getConsumers()) {
                Map<String, String> metadata = consumer.getMetadata();
                if (metadata == null || !metadata.containsKey(RecordFormat.CONSUMER_PROPERTY)) {
                    throw new StartupException("Worker " + consumer.getConsumerName() + " on "
                            + topics.coordination() + " is not an Outrigger worker (e.g. Pulsar's own functions "
                            + "worker). Outrigger does not join a worker cluster it does not own: set "
                            + "pulsarFunctionsNamespace to a namespace of its own.");
                }
            }
        } catch (PulsarAdminException e) {
            throw new StartupException("Cannot read the members of " + topics.coordination() + ": "
                    + e.getMessage(), e);
        }
    }
}
