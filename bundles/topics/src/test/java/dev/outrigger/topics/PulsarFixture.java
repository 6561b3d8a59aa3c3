package dev.outrigger.topics;

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

/**
 * For the tests of the bundles that keep a compacted topic (this one's test jar): the shared real Pulsar cluster,
 * clients to it, and a fresh namespace and topic per test.
 */
public final class PulsarFixture implements AutoCloseable {

    public final LocalPulsarCluster pulsar;
    public final PulsarClient client;
    public final PulsarAdmin admin;

    public PulsarFixture() throws Exception {
        pulsar = SharedPulsarCluster.get();
        client = PulsarClient.builder().serviceUrl(pulsar.brokerServiceUrl()).build();
        admin = PulsarAdmin.builder().serviceHttpUrl(pulsar.webServiceUrl()).build();
    }

    /**
     * @param prefix the start of the namespace's name
     * @param name the topic's local name
     * @return a new topic in a namespace of its own, set up as the cluster bundle sets up the worker's: infinite
     *     retention, non-partitioned topic
     */
    public String newTopic(String prefix, String name) throws Exception {
        String namespace = "public/" + prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        Policies policies = new Policies();
        policies.retention_policies = new RetentionPolicies(-1, -1);
        policies.replication_clusters = new HashSet<>(Set.of(pulsar.clusterName()));
        admin.namespaces().createNamespace(namespace, policies);
        String topic = "persistent://" + namespace + "/" + name;
        admin.topics().createNonPartitionedTopic(topic);
        return topic;
    }

    /** @return every message on the topic, compacted or not, in order */
    public List<Message<byte[]>> messages(String topic, boolean compacted) throws Exception {
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
