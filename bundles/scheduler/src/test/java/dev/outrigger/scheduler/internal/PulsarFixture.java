package dev.outrigger.scheduler.internal;

import dev.outrigger.devcluster.LocalPulsarCluster;
import dev.outrigger.devcluster.SharedPulsarCluster;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Reader;
import org.apache.pulsar.common.policies.data.Policies;
import org.apache.pulsar.common.policies.data.RetentionPolicies;

/** The shared real Pulsar cluster, clients to it, and a fresh namespace and assignments topic per test. */
final class PulsarFixture implements AutoCloseable {

    final LocalPulsarCluster pulsar;
    final PulsarClient client;
    final PulsarAdmin admin;

    PulsarFixture() throws Exception {
        pulsar = SharedPulsarCluster.get();
        client = PulsarClient.builder().serviceUrl(pulsar.brokerServiceUrl()).build();
        admin = PulsarAdmin.builder().serviceHttpUrl(pulsar.webServiceUrl()).build();
    }

    /** @return a new assignments topic in a namespace of its own, set up as the cluster bundle sets up the worker's */
    String newTopic() throws Exception {
        String namespace = "public/as-" + UUID.randomUUID().toString().substring(0, 8);
        Policies policies = new Policies();
        policies.retention_policies = new RetentionPolicies(-1, -1);
        policies.replication_clusters = new HashSet<>(Set.of(pulsar.clusterName()));
        admin.namespaces().createNamespace(namespace, policies);
        String topic = AssignmentSettings.topic(namespace, "assignments");
        admin.topics().createNonPartitionedTopic(topic);
        return topic;
    }

    /** @return every message on the topic, in order */
    List<Message<byte[]>> messages(String topic, boolean compacted) throws Exception {
        List<Message<byte[]>> messages = new ArrayList<>();
        try (Reader<byte[]> reader = client.newReader()
                .topic(topic)
                .startMessageId(MessageId.earliest)
                .readCompacted(compacted)
                .create()) {
            while (reader.hasMessageAvailable()) {
                Message<byte[]> message = reader.readNext(30, TimeUnit.SECONDS);
                if (message == null) {
                    break;
                }
                messages.add(message);
            }
        }
        return messages;
    }

    @Override
    public void close() throws PulsarClientException {
        client.close();
        admin.close();
    }
}
