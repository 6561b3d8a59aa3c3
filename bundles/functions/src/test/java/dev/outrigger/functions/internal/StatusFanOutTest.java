package dev.outrigger.functions.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.outrigger.api.cluster.ClusterService;
import dev.outrigger.api.cluster.WorkerChannel;
import dev.outrigger.api.cluster.WorkerInfo;
import dev.outrigger.api.cluster.WorkerResponse;
import dev.outrigger.api.functions.FunctionService.Asker;
import dev.outrigger.api.metadata.ComponentType;
import dev.outrigger.api.metadata.FunctionKey;
import dev.outrigger.api.metadata.FunctionMetadata;
import dev.outrigger.api.metadata.FunctionMetadataStore;
import dev.outrigger.api.packages.PackageRef;
import dev.outrigger.api.scheduler.AssignmentService;
import dev.outrigger.api.scheduler.InstanceId;
import java.io.IOException;
import java.lang.reflect.Field;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.apache.pulsar.common.policies.data.FunctionStatus;
import org.apache.pulsar.common.policies.data.FunctionStatus.FunctionInstanceStatus.FunctionInstanceStatusData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 11 finding 7: status is asked of every instance's owner at once (not one 10 s call after the other), and a
 * request another worker forwarded is never forwarded again.
 */
class StatusFanOutTest {

    private static final FunctionKey KEY = new FunctionKey("public", "default", "fn");
    private static final int PARALLELISM = 3;

    private final FunctionMetadataStore metadata = mock(FunctionMetadataStore.class);
    private final ClusterService cluster = mock(ClusterService.class);
    private final AssignmentService assignments = mock(AssignmentService.class);
    private final AtomicInteger calls = new AtomicInteger();
    /** Opens once every instance's call has arrived: only calls made at the same time all get through. */
    private final CountDownLatch allAsked = new CountDownLatch(PARALLELISM);
    private Functions functions;

    @BeforeEach
    void setUp() throws Exception {
        FunctionConfig config = new FunctionConfig();
        config.setClassName("org.example.Fn");
        config.setInputs(List.of("persistent://public/default/in"));
        config.setRuntime(FunctionConfig.Runtime.JAVA);
        config.setParallelism(PARALLELISM);
        when(metadata.get(KEY)).thenReturn(Optional.of(new FunctionMetadata(KEY, ComponentType.FUNCTION, 0, 42L,
                Functions.toJson(config), new PackageRef("bookkeeper://ledger/1", "ab", 3), Map.of())));
        when(cluster.self()).thenReturn(new WorkerInfo("w1", "127.0.0.1", 1));
        when(cluster.members()).thenReturn(List.of(new WorkerInfo("w1", "127.0.0.1", 1),
                new WorkerInfo("w2", "127.0.0.1", 2)));
        when(assignments.assignments()).thenReturn(Map.of(new InstanceId(KEY, 0), "w2", new InstanceId(KEY, 1), "w2",
                new InstanceId(KEY, 2), "w2"));
        WorkerChannel channel = (worker, request) -> {
            calls.incrementAndGet();
            allAsked.countDown();
            if (!allAsked.await(3, TimeUnit.SECONDS)) {
                throw new IOException("asked one instance at a time");
            }
            return new WorkerResponse(200, "{\"running\":true,\"instanceId\":0}");
        };
        functions = new Functions(metadata, mock(PulsarAdmin.class), mock(PulsarClient.class),
                new PackageStores());
        set("cluster", cluster);
        set("assignments", assignments);
        set("channel", channel);
    }

    private void set(String field, Object value) throws Exception {
        Field f = Functions.class.getDeclaredField(field);
        f.setAccessible(true);
        f.set(functions, value);
    }

    // issue 11 finding 7: the owners are asked in parallel
    @Test
    void everyOwnerIsAskedAtOnce() {
        FunctionStatus status = functions.status("public", "default", "fn");

        assertEquals(PARALLELISM, status.getNumRunning(), () -> status.getInstances().toString());
        assertEquals(PARALLELISM, calls.get());
    }

    // issue 11 finding 7: a forwarded request is answered here, never forwarded again
    @Test
    void aForwardedRequestIsNotForwardedAgain() {
        FunctionInstanceStatusData data = functions.instanceStatus("public", "default", "fn", 1, Asker.WORKER);

        assertFalse(data.isRunning());
        assertEquals(Functions.NOT_RUNNING_HERE, data.getError());
        assertEquals("w1", data.getWorkerId());
        assertEquals(0, calls.get(), "no call to another worker");
        functions.restart("public", "default", "fn", null, Asker.WORKER);
        assertEquals(0, functions.instanceStats("public", "default", "fn", 0, Asker.WORKER).getReceivedTotal());
        assertEquals(0, calls.get(), "no call to another worker");
    }

    // issue 11 finding 7: the fan-out waits one deadline for all, then answers for the ones that did not
    @Test
    void lateAnswersAreReplacedAfterOneDeadline() {
        CountDownLatch never = new CountDownLatch(1);
        List<String> answers = FanOut.all(4, i -> {
            if (i % 2 == 1) {
                try {
                    never.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return "answer " + i;
        }, java.time.Duration.ofMillis(300), i -> "late " + i);
        assertEquals(List.of("answer 0", "late 1", "answer 2", "late 3"), answers);
        assertTrue(answers.size() == 4);
    }
}
