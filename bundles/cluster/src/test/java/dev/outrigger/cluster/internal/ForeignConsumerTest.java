package dev.outrigger.cluster.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.api.cluster.WorkerInfo;
import dev.outrigger.topics.PulsarFixture;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.SubscriptionType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;

/** The cluster against the real shared Pulsar cluster, outside OSGi (a bundle context that does nothing). */
class ForeignConsumerTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private static PulsarFixture pulsar;

    @BeforeAll
    static void connect() throws Exception {
        pulsar = new PulsarFixture();
    }

    @AfterAll
    static void disconnect() throws Exception {
        if (pulsar != null) {
            pulsar.close();
        }
    }

    /** An annotation-typed configuration: the values given, else the attribute's default. */
    private static ClusterConfiguration config(Map<String, Object> values) {
        return (ClusterConfiguration) Proxy.newProxyInstance(ClusterConfiguration.class.getClassLoader(),
                new Class<?>[] {ClusterConfiguration.class}, (proxy, method, args) -> {
                    if (values.containsKey(method.getName())) {
                        return values.get(method.getName());
                    }
                    return switch (method.getName()) {
                        case "annotationType" -> ClusterConfiguration.class;
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        case "toString" -> "ClusterConfiguration" + values;
                        default -> method.getDefaultValue();
                    };
                });
    }

    /** Registers nothing, tracks nothing. */
    private static BundleContext noFramework() {
        return (BundleContext) Proxy.newProxyInstance(BundleContext.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, args) -> zero(method));
    }

    private static Object zero(Method method) {
        Class<?> type = method.getReturnType();
        if (type == boolean.class) {
            return false;
        }
        if (type == long.class) {
            return 0L;
        }
        if (type == int.class) {
            return 0;
        }
        return null;
    }

    // issue 11 finding 6: a consumer on the coordination subscription whose name is not workerId:host:port (a probe,
    // a tool, another program that joined after start-up) is ignored for membership; members and leader still answer.
    @Test
    void aForeignConsumerNameIsIgnoredForMembership() throws Exception {
        String namespace = "public/cl-" + UUID.randomUUID().toString().substring(0, 8);
        WorkerCluster cluster = new WorkerCluster(noFramework(), config(Map.of(
                "workerId", "w1", "workerHostname", "127.0.0.1", "workerPort", 6750,
                "pulsarFunctionsCluster", pulsar.pulsar.clusterName(), "pulsarFunctionsNamespace", namespace,
                "pulsarWebServiceUrl", pulsar.pulsar.webServiceUrl())), pulsar.client, pulsar.admin);
        try {
            await().atMost(WAIT).until(cluster::isInitialized);
            WorkerInfo self = new WorkerInfo("w1", "127.0.0.1", 6750);
            assertEquals(List.of(self), cluster.members());

            String coordination = "persistent://" + namespace + "/coordinate";
            try (Consumer<byte[]> foreign = pulsar.client.newConsumer().topic(coordination)
                    .subscriptionName(WorkerTopics.COORDINATION_SUBSCRIPTION)
                    .subscriptionType(SubscriptionType.Failover)
                    .consumerName("a-probe").subscribe()) {
                await().atMost(WAIT).until(() -> pulsar.admin.topics().getStats(coordination).getSubscriptions()
                        .get(WorkerTopics.COORDINATION_SUBSCRIPTION).getConsumers().size() == 2);
                assertEquals(List.of(self), cluster.members(), "the foreign consumer is no member");
                Optional<WorkerInfo> leader = cluster.leader();
                assertTrue(leader.isEmpty() || leader.get().equals(self), leader.toString());
                assertEquals(List.of(self), cluster.members(), "asked again: still no exception");
            }
        } finally {
            cluster.deactivate();
        }
    }
}
