package dev.outrigger.runtime.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outrigger.api.metadata.ComponentType;
import dev.outrigger.api.metadata.FunctionKey;
import dev.outrigger.api.metadata.FunctionMetadata;
import dev.outrigger.api.scheduler.InstanceId;
import dev.outrigger.devcluster.LocalPulsarCluster;
import dev.outrigger.devcluster.SharedPulsarCluster;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.common.policies.data.FunctionStatus.FunctionInstanceStatus.FunctionInstanceStatusData;
import org.apache.pulsar.functions.api.examples.ExclamationFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The thread runtime against the shared real Pulsar cluster, with Pulsar's example functions as user packages. */
class ThreadRuntimeTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private static LocalPulsarCluster pulsar;
    private static PulsarClient client;
    private static PulsarAdmin admin;
    private static Path examplesJar;

    @TempDir
    Path temp;

    private ThreadRuntime runtime;
    private String prefix;

    @BeforeAll
    static void connect() throws Exception {
        pulsar = SharedPulsarCluster.get();
        client = PulsarClient.builder().serviceUrl(pulsar.brokerServiceUrl()).build();
        admin = PulsarAdmin.builder().serviceHttpUrl(pulsar.webServiceUrl()).build();
        examplesJar = Path.of(ExclamationFunction.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    @AfterAll
    static void disconnect() throws Exception {
        client.close();
        admin.close();
    }

    @BeforeEach
    void newRuntime() {
        runtime = new ThreadRuntime(client);
        prefix = "persistent://public/default/rt-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    }

    @AfterEach
    void closeRuntime() {
        runtime.close();
    }

    private static FunctionMetadata metadata(String name, long version, String className, String input, String output,
            Map<String, Object> extra) {
        ObjectNode config = ThreadRuntime.JSON.createObjectNode();
        config.put("tenant", "public").put("namespace", "default").put("name", name).put("className", className)
                .put("runtime", "JAVA").put("parallelism", 1);
        config.putArray("inputs").add(input);
        if (output != null) {
            config.put("output", output);
        }
        extra.forEach((key, value) -> config.set(key, ThreadRuntime.JSON.valueToTree(value)));
        return new FunctionMetadata(new FunctionKey("public", "default", name), ComponentType.FUNCTION, version,
                1_700_000_000_000L, config.toString(), null, Map.of());
    }

    private FunctionInstanceStatusData status(InstanceId id) {
        return runtime.status(id).orElseThrow();
    }

    private void awaitRunning(InstanceId id) {
        await().atMost(WAIT).until(() -> status(id).isRunning());
    }

    private Consumer<String> outputConsumer(String topic) throws Exception {
        return client.newConsumer(Schema.STRING).topic(topic).subscriptionName("test")
                .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest).subscribe();
    }

    private Producer<String> producer(String topic) throws Exception {
        return client.newProducer(Schema.STRING).topic(topic).create();
    }

    private static Set<String> receive(Consumer<String> consumer, int count) throws Exception {
        Set<String> values = new HashSet<>();
        for (int i = 0; i < count; i++) {
            Message<String> message = consumer.receive(30, TimeUnit.SECONDS);
            if (message == null) {
                break;
            }
            values.add(message.getValue());
            consumer.acknowledge(message);
        }
        return values;
    }

    @Test
    void exclamationFunctionProcessesEveryMessageAndCountsThem() throws Exception {
        String name = "excl-" + UUID.randomUUID().toString().substring(0, 8);
        String input = prefix + "in";
        String output = prefix + "out";
        InstanceId id = new InstanceId(new FunctionKey("public", "default", name), 0);
        try (Consumer<String> results = outputConsumer(output); Producer<String> producer = producer(input)) {
            runtime.start(metadata(name, 0, ExclamationFunction.class.getName(), input, output, Map.of()), 0,
                    examplesJar);
            assertEquals(Set.of(id), runtime.instances());
            assertEquals(java.util.Optional.of(0L), runtime.runningVersion(id));
            awaitRunning(id);
            Set<String> expected = new HashSet<>();
            for (int i = 0; i < 100; i++) {
                producer.sendAsync("m" + i);
                expected.add("m" + i + "!");
            }
            producer.flush();
            assertEquals(expected, receive(results, 100));
        }
        await().atMost(WAIT).until(() -> status(id).getNumSuccessfullyProcessed() == 100);
        FunctionInstanceStatusData status = status(id);
        assertTrue(status.isRunning());
        assertEquals("", status.getError());
        assertEquals(100, status.getNumReceived());
        assertEquals(0, status.getNumUserExceptions());
        assertEquals(0, status.getNumSystemExceptions());
        assertEquals(List.of(), status.getLatestUserExceptions());
        assertEquals(List.of(), status.getLatestSystemExceptions());
        assertEquals(0, status.getNumRestarts());
        assertTrue(status.getAverageLatency() >= 0);
        assertTrue(status.getLastInvocationTime() > 0);
        assertNull(status.getWorkerId());
        // every input was acknowledged once its result was sent (at-least-once)
        String subscription = "public/default/" + name;
        await().atMost(WAIT).until(() ->
                admin.topics().getStats(input).getSubscriptions().get(subscription).getMsgBacklog() == 0);
    }

    @Test
    void javaUtilFunctionRuns() throws Exception {
        String name = "native-" + UUID.randomUUID().toString().substring(0, 8);
        String input = prefix + "in";
        String output = prefix + "out";
        InstanceId id = new InstanceId(new FunctionKey("public", "default", name), 0);
        try (Consumer<String> results = outputConsumer(output); Producer<String> producer = producer(input)) {
            runtime.start(metadata(name, 0, "org.apache.pulsar.functions.api.examples.JavaNativeExclamationFunction",
                    input, output, Map.of()), 0, examplesJar);
            awaitRunning(id);
            for (int i = 0; i < 10; i++) {
                producer.send("n" + i);
            }
            Set<String> received = receive(results, 10);
            assertEquals(10, received.size());
            assertTrue(received.contains("n3!"), received.toString());
        }
        await().atMost(WAIT).until(() -> status(id).getNumSuccessfullyProcessed() == 10);
    }

    @Test
    void userExceptionsAreCountedAndTheInstanceKeepsRunning() throws Exception {
        String name = "uex-" + UUID.randomUUID().toString().substring(0, 8);
        String input = prefix + "in";
        InstanceId id = new InstanceId(new FunctionKey("public", "default", name), 0);
        runtime.start(metadata(name, 0, "org.apache.pulsar.functions.api.examples.UserExceptionFunction",
                input, null, Map.of()), 0, examplesJar);
        awaitRunning(id);
        try (Producer<String> producer = producer(input)) {
            for (int i = 0; i < 3; i++) {
                producer.send("u" + i);
            }
        }
        await().atMost(WAIT).until(() -> status(id).getNumUserExceptions() == 3);
        FunctionInstanceStatusData status = status(id);
        assertEquals(3, status.getNumReceived());
        assertEquals(0, status.getNumSuccessfullyProcessed());
        assertEquals(3, status.getLatestUserExceptions().size());
        assertEquals("This wont work", status.getLatestUserExceptions().get(0).getExceptionString());
        assertTrue(status.getLatestUserExceptions().get(0).getTimestampMs() > 0);
        assertTrue(status.isRunning());
        assertEquals(0, status.getNumSystemExceptions());
    }

    @Test
    void stoppedInstanceProcessesNothingMore() throws Exception {
        String name = "stop-" + UUID.randomUUID().toString().substring(0, 8);
        String input = prefix + "in";
        String output = prefix + "out";
        InstanceId id = new InstanceId(new FunctionKey("public", "default", name), 0);
        try (Consumer<String> results = outputConsumer(output); Producer<String> producer = producer(input)) {
            runtime.start(metadata(name, 0, ExclamationFunction.class.getName(), input, output, Map.of()), 0,
                    examplesJar);
            awaitRunning(id);
            producer.send("before");
            assertEquals(Set.of("before!"), receive(results, 1));

            runtime.stop(id);
            assertTrue(runtime.instances().isEmpty());
            assertTrue(runtime.status(id).isEmpty());
            String subscription = "public/default/" + name;
            // the function's consumer is gone from its subscription
            await().atMost(WAIT).until(() ->
                    admin.topics().getStats(input).getSubscriptions().get(subscription).getConsumers().isEmpty());
            for (int i = 0; i < 5; i++) {
                producer.send("after" + i);
            }
            await().atMost(WAIT).until(() ->
                    admin.topics().getStats(input).getSubscriptions().get(subscription).getMsgBacklog() == 5);
            assertNull(results.receive(1, TimeUnit.SECONDS));
        }
        runtime.stop(id); // unknown instances are ignored
    }

    @Test
    void missingClassLeavesTheInstanceHeldWithTheError() {
        String name = "missing-" + UUID.randomUUID().toString().substring(0, 8);
        InstanceId id = new InstanceId(new FunctionKey("public", "default", name), 0);
        // the class is loaded on the instance's thread: the error shows in the status, not to the caller
        runtime.start(metadata(name, 0, "com.example.DoesNotExist", prefix + "in", null, Map.of()), 0, examplesJar);
        assertEquals(Set.of(id), runtime.instances());
        await().atMost(WAIT).until(() -> status(id).getError().contains("com.example.DoesNotExist"));
        FunctionInstanceStatusData status = status(id);
        assertFalse(status.isRunning());
        assertTrue(status.getNumSystemExceptions() >= 1);
    }

    @Test
    void classThatIsNoFunctionIsRejected() throws Exception {
        String name = "nofn-" + UUID.randomUUID().toString().substring(0, 8);
        InstanceId id = new InstanceId(new FunctionKey("public", "default", name), 0);
        Path jar = compile("NotAFunction", "public class NotAFunction { }");
        runtime.start(metadata(name, 0, "fn.NotAFunction", prefix + "in", null, Map.of()), 0, jar);
        await().atMost(WAIT).until(() -> status(id).getError().contains("does not implement"));
        assertFalse(status(id).isRunning());
    }

    @Test
    void failingInstanceIsRestartedWithBackoff() throws Exception {
        String name = "init-" + UUID.randomUUID().toString().substring(0, 8);
        InstanceId id = new InstanceId(new FunctionKey("public", "default", name), 0);
        Path jar = compile("FailsToInitialize", """
                public class FailsToInitialize implements org.apache.pulsar.functions.api.Function<String, String> {
                    @Override
                    public void initialize(org.apache.pulsar.functions.api.Context context) {
                        throw new IllegalStateException("cannot initialize");
                    }
                    @Override
                    public String process(String input, org.apache.pulsar.functions.api.Context context) {
                        return input;
                    }
                }
                """);
        runtime.start(metadata(name, 0, "fn.FailsToInitialize", prefix + "in", null, Map.of()), 0, jar);
        await().atMost(WAIT).until(() -> status(id).getNumRestarts() >= 1 && status(id).getNumSystemExceptions() >= 2);
        FunctionInstanceStatusData status = status(id);
        assertFalse(status.isRunning());
        assertEquals("cannot initialize", status.getError());
        assertEquals("cannot initialize", status.getLatestSystemExceptions().get(0).getExceptionString());
    }

    @Test
    void contextAndExplicitRestartAndNewVersion() throws Exception {
        String name = "ctx-" + UUID.randomUUID().toString().substring(0, 8);
        String input = prefix + "in";
        String output = prefix + "out";
        InstanceId id = new InstanceId(new FunctionKey("public", "default", name), 0);
        Path jar = compile("ContextEcho", """
                import org.apache.pulsar.functions.api.Context;
                public class ContextEcho implements org.apache.pulsar.functions.api.Function<String, String> {
                    @Override
                    public String process(String input, Context context) throws Exception {
                        context.recordMetric("calls", 1);
                        context.getLogger().info("processing {}", input);
                        String state;
                        try {
                            context.incrCounter("x", 1);
                            state = "state";
                        } catch (UnsupportedOperationException e) {
                            state = "nostate";
                        }
                        String side = context.getOutputTopic() + "-side";
                        context.publish(side, "side:" + input);
                        context.getCurrentRecord().getTopicName().orElseThrow();
                        return String.join("|", context.getTenant(), context.getNamespace(), context.getFunctionName(),
                                String.valueOf(context.getInstanceId()), context.getFunctionVersion(),
                                String.valueOf(context.getUserConfigValueOrDefault("greeting", "none")),
                                String.valueOf(context.getSecret("missing")), state, input,
                                Thread.currentThread().getContextClassLoader() == getClass().getClassLoader()
                                        ? "tccl" : "other",
                                String.valueOf(canSee("com.fasterxml.jackson.databind.ObjectMapper")),
                                String.valueOf(canSee("dev.outrigger.api.runtime.FunctionRuntime")));
                    }
                    private boolean canSee(String className) {
                        try {
                            Class.forName(className, false, getClass().getClassLoader());
                            return true;
                        } catch (ClassNotFoundException e) {
                            return false;
                        }
                    }
                }
                """);
        try (Consumer<String> results = outputConsumer(output); Consumer<String> side = outputConsumer(output + "-side");
                Producer<String> producer = producer(input)) {
            runtime.start(metadata(name, 0, "fn.ContextEcho", input, output,
                    Map.of("userConfig", Map.of("greeting", "hi"))), 0, jar);
            awaitRunning(id);
            // the same version again changes nothing
            runtime.start(metadata(name, 0, "fn.ContextEcho", input, output, Map.of()), 0, jar);
            producer.send("a");
            assertEquals(Set.of("public|default|" + name + "|0|0|hi|null|nostate|a|tccl|false|false"),
                    receive(results, 1));
            assertEquals(Set.of("side:a"), receive(side, 1));
            assertEquals(Map.of("user_metric_calls_sum", 1.0, "user_metric_calls_count", 1.0,
                    "user_metric_calls_0.5", 1.0, "user_metric_calls_0.9", 1.0, "user_metric_calls_0.99", 1.0,
                    "user_metric_calls_0.999", 1.0), runtime.userMetrics(id));

            runtime.restart(id);
            assertEquals(1, status(id).getNumRestarts());
            awaitRunning(id);
            producer.send("b");
            assertEquals(Set.of("public|default|" + name + "|0|0|hi|null|nostate|b|tccl|false|false"),
                    receive(results, 1));

            runtime.start(metadata(name, 1, "fn.ContextEcho", input, output,
                    Map.of("userConfig", Map.of("greeting", "hello"))), 0, jar);
            assertEquals(java.util.Optional.of(1L), runtime.runningVersion(id));
            awaitRunning(id);
            producer.send("c");
            assertEquals(Set.of("public|default|" + name + "|0|1|hello|null|nostate|c|tccl|false|false"),
                    receive(results, 1));
        }
    }

    /** Compiles one class of package {@code fn} against the test class path and puts it into a jar. */
    private Path compile(String simpleName, String body) throws IOException {
        Path sources = Files.createDirectories(temp.resolve("src-" + simpleName + "/fn"));
        Path classes = Files.createDirectories(temp.resolve("classes-" + simpleName));
        Path source = sources.resolve(simpleName + ".java");
        Files.writeString(source, "package fn;\n" + body);
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        int result = compiler.run(null, null, null, "-classpath", System.getProperty("java.class.path"),
                "-d", classes.toString(), source.toString());
        assertEquals(0, result, "compilation of " + simpleName);
        Path jar = temp.resolve(simpleName + ".jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
                Stream<Path> files = Files.walk(classes)) {
            for (Path path : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                out.putNextEntry(new JarEntry(classes.relativize(path).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(path));
                out.closeEntry();
            }
        }
        return jar;
    }




    /** issue 11 finding 4(a): a static initializer that blocks must not block the caller of start (the reconciler). */
    @Test
    void issue11Finding4a_blockingStaticInitializerDoesNotHoldUpStart() throws Exception {
        String name = "block-" + UUID.randomUUID().toString().substring(0, 8);
        InstanceId id = new InstanceId(new FunctionKey("public", "default", name), 0);
        Path jar = compile("BlocksInStaticInit", """
                public class BlocksInStaticInit implements java.util.function.Function<String, String> {
                    static {
                        try {
                            new java.util.concurrent.CountDownLatch(1).await();
                        } catch (InterruptedException e) {
                            throw new IllegalStateException("interrupted");
                        }
                    }
                    public String apply(String input) {
                        return input;
                    }
                }
                """);
        runtime.loadDeadline(Duration.ofSeconds(2));
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> runtime.start(
                metadata(name, 0, "fn.BlocksInStaticInit", prefix + "in", null, Map.of()), 0, jar));
        assertFalse(status(id).isRunning());
        // past the deadline the run is given up, reported and tried again after the backoff
        await().atMost(WAIT).until(() -> status(id).getError().contains("did not load")
                && status(id).getNumRestarts() >= 1);
        assertFalse(status(id).isRunning());
    }

    /** issue 11 finding 4(b): an Error (not a LinkageError) from a static initializer is contained in the status. */
    @Test
    void issue11Finding4b_errorFromStaticInitializerIsContainedAndReported() throws Exception {
        String name = "error-" + UUID.randomUUID().toString().substring(0, 8);
        InstanceId id = new InstanceId(new FunctionKey("public", "default", name), 0);
        Path jar = compile("ErrorInStaticInit", """
                public class ErrorInStaticInit implements java.util.function.Function<String, String> {
                    static {
                        if (true) {
                            throw new AssertionError("static boom");
                        }
                    }
                    public String apply(String input) {
                        return input;
                    }
                }
                """);
        runtime.start(metadata(name, 0, "fn.ErrorInStaticInit", prefix + "in", null, Map.of()), 0, jar);
        await().atMost(WAIT).until(() -> status(id).getError().contains("static boom"));
        assertFalse(status(id).isRunning());
        assertTrue(status(id).getNumSystemExceptions() >= 1);
    }

    /** issue 11 finding 4(c): a function that closes the client of its context does not close the worker's. */
    @Test
    void issue11Finding4c_functionCannotCloseTheWorkersClient() throws Exception {
        String name = "closer-" + UUID.randomUUID().toString().substring(0, 8);
        String input = prefix + "closer-in";
        String output = prefix + "closer-out";
        InstanceId id = new InstanceId(new FunctionKey("public", "default", name), 0);
        Path jar = compile("ClosesTheClient", """
                public class ClosesTheClient implements org.apache.pulsar.functions.api.Function<String, String> {
                    @Override
                    public void initialize(org.apache.pulsar.functions.api.Context context) throws Exception {
                        context.getPulsarClient().closeAsync();
                        context.getPulsarClient().shutdown();
                        context.getPulsarClient().close();
                    }
                    @Override
                    public String process(String input, org.apache.pulsar.functions.api.Context context) {
                        return input + "!";
                    }
                }
                """);
        try (PulsarClient workerClient = PulsarClient.builder().serviceUrl(pulsar.brokerServiceUrl()).build()) {
            ThreadRuntime own = new ThreadRuntime(workerClient);
            try (Consumer<String> results = outputConsumer(output); Producer<String> producer = producer(input)) {
                own.start(metadata(name, 0, "fn.ClosesTheClient", input, output, Map.of()), 0, jar);
                await().atMost(WAIT).until(() -> own.status(id).orElseThrow().isRunning());
                assertFalse(workerClient.isClosed(), "the worker's client was closed by a function");
                producer.send("hello");
                assertEquals(Set.of("hello!"), receive(results, 1));
            } finally {
                own.close();
            }
        }
    }

    /** issue 11 finding 4(d): an Error from a user close() still closes the run's consumers. */
    @Test
    void issue11Finding4d_errorFromUserCloseStillClosesTheConsumers() throws Exception {
        String name = "badclose-" + UUID.randomUUID().toString().substring(0, 8);
        String input = prefix + "badclose-in";
        InstanceId id = new InstanceId(new FunctionKey("public", "default", name), 0);
        Path jar = compile("ErrorOnClose", """
                public class ErrorOnClose implements org.apache.pulsar.functions.api.Function<String, String> {
                    @Override
                    public String process(String input, org.apache.pulsar.functions.api.Context context) {
                        return input;
                    }
                    @Override
                    public void close() {
                        throw new AssertionError("close boom");
                    }
                }
                """);
        runtime.start(metadata(name, 0, "fn.ErrorOnClose", input, null, Map.of()), 0, jar);
        awaitRunning(id);
        String subscription = "public/default/" + name;
        assertEquals(1, admin.topics().getStats(input).getSubscriptions().get(subscription).getConsumers().size());
        runtime.stop(id);
        await().atMost(Duration.ofSeconds(20)).until(() ->
                admin.topics().getStats(input).getSubscriptions().get(subscription).getConsumers().isEmpty());
    }

    /**
     * issue 11 finding 4(f): a run stuck in user code past the stop wait (it ignores interrupts) was abandoned with its
     * consumer still subscribed, and its class loader closed under it. Now its consumer goes at the stop, and its
     * loader stays open until the thread ends: the code it runs afterwards can still load its classes.
     */
    @Test
    void issue11Finding4f_aRunThatWillNotStopIsIsolatedAndKeepsItsClassLoaderUntilItEnds() throws Exception {
        String name = "stuck-" + UUID.randomUUID().toString().substring(0, 8);
        String input = prefix + "stuck-in";
        InstanceId id = new InstanceId(new FunctionKey("public", "default", name), 0);
        String release = "outrigger.test.release." + name;
        String outcome = "outrigger.test.outcome." + name;
        Path jar = compile("StuckInProcess", """
                public class StuckInProcess implements java.util.function.Function<String, String> {
                    @Override
                    public String apply(String input) {
                        System.setProperty("%2$s", "inside");
                        while (System.getProperty("%1$s") == null) {
                            try {
                                new java.util.concurrent.CountDownLatch(1).await(20,
                                        java.util.concurrent.TimeUnit.MILLISECONDS);
                            } catch (InterruptedException ignored) {
                                // user code that will not be stopped
                            }
                        }
                        try {
                            System.setProperty("%2$s", new Later().toString());
                        } catch (Throwable t) {
                            System.setProperty("%2$s", "failed: " + t);
                        }
                        return input;
                    }

                    static final class Later {
                        @Override
                        public String toString() {
                            return "loaded";
                        }
                    }
                }
                """.formatted(release, outcome));
        try {
            runtime.start(metadata(name, 0, "fn.StuckInProcess", input, null, Map.of()), 0, jar);
            awaitRunning(id);
            try (Producer<String> producer = producer(input)) {
                producer.send("x");
            }
            await().atMost(WAIT).until(() -> "inside".equals(System.getProperty(outcome)));
            String subscription = "public/default/" + name;

            runtime.stop(id);
            assertTrue(admin.topics().getStats(input).getSubscriptions().get(subscription).getConsumers().isEmpty(),
                    "the stuck run's consumer is closed by the stop");
            System.setProperty(release, "go");
            await().atMost(WAIT).until(() -> !"inside".equals(System.getProperty(outcome)));
            assertEquals("loaded", System.getProperty(outcome), "its class loader was still open");
        } finally {
            System.setProperty(release, "go");
        }
    }

    /**
     * issue 11 finding 4(g): System.exit in a function ended the worker. Java 17 offers no supported way to stop the
     * call at run time, so the package is refused when it is checked, that is when the function is registered.
     */
    @Test
    void issue11Finding4g_aPackageThatWouldEndTheJvmIsRefused() throws Exception {
        Path exits = compile("Exits", """
                public class Exits implements java.util.function.Function<String, String> {
                    @Override
                    public String apply(String input) {
                        if (input.isEmpty()) {
                            System.exit(3);
                        }
                        return input;
                    }
                }
                """);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> runtime.checkFunctionClass(exits, "fn.Exits"));
        assertTrue(refused.getMessage().contains("fn.Exits.apply calls System.exit"), refused.getMessage());

        Path halts = compile("HaltsInAHelper", """
                public class HaltsInAHelper implements java.util.function.Function<String, String> {
                    static final class Helper {
                        static void stop() {
                            Runtime.getRuntime().halt(1);
                        }
                    }
                    @Override
                    public String apply(String input) {
                        Helper.stop();
                        return input;
                    }
                }
                """);
        IllegalArgumentException helper = assertThrows(IllegalArgumentException.class,
                () -> runtime.checkFunctionClass(halts, "fn.HaltsInAHelper"));
        assertTrue(helper.getMessage().contains("fn.HaltsInAHelper$Helper.stop calls Runtime.halt"),
                helper.getMessage());

        // a bundled library's command-line entry point is never called by an instance
        Path withMain = compile("HasAMain", """
                public class HasAMain implements java.util.function.Function<String, String> {
                    public static void main(String[] args) {
                        System.exit(args.length);
                    }
                    @Override
                    public String apply(String input) {
                        return input;
                    }
                }
                """);
        runtime.checkFunctionClass(withMain, "fn.HasAMain");
        runtime.checkFunctionClass(examplesJar, ExclamationFunction.class.getName());
    }

    /** issue 11 finding 4(e): a class that fails to load is loaded again after a backoff, and the retry shows. */
    @Test
    void issue11Finding4e_failedClassLoadIsRetriedWithBackoff() throws Exception {
        String name = "flaky-" + UUID.randomUUID().toString().substring(0, 8);
        InstanceId id = new InstanceId(new FunctionKey("public", "default", name), 0);
        String counter = "outrigger.test.flaky." + UUID.randomUUID();
        Path jar = compile("FailsFirstLoad", """
                public class FailsFirstLoad implements java.util.function.Function<String, String> {
                    static {
                        int tries = Integer.getInteger("%s", 0);
                        System.setProperty("%s", String.valueOf(tries + 1));
                        if (tries == 0) {
                            throw new IllegalStateException("first load fails");
                        }
                    }
                    public String apply(String input) {
                        return input;
                    }
                }
                """.formatted(counter, counter));
        runtime.start(metadata(name, 0, "fn.FailsFirstLoad", prefix + "in", null, Map.of()), 0, jar);
        awaitRunning(id);
        assertEquals("", status(id).getError());
        assertTrue(status(id).getNumRestarts() >= 1, () -> "restarts " + status(id).getNumRestarts());
        assertTrue(status(id).getNumSystemExceptions() >= 1);
    }

    @Test
    void serDeClassesFromThePackageEncodeInputsAndOutputs() throws Exception {
        String name = "serde-" + UUID.randomUUID().toString().substring(0, 8);
        String input = prefix + "serde-in";
        String output = prefix + "serde-out";
        String serde = "org.apache.pulsar.functions.api.examples.CustomBaseSerde";
        InstanceId id = new InstanceId(new FunctionKey("public", "default", name), 0);
        FunctionMetadata metadata = metadata(name, 0, "org.apache.pulsar.functions.api.examples.CustomBaseToBaseFunction",
                input, output, Map.of("customSerdeInputs", Map.of(input, serde), "outputSerdeClassName", serde));
        try (Consumer<byte[]> results = client.newConsumer(Schema.BYTES).topic(output).subscriptionName("test")
                .subscribe(); Producer<byte[]> producer = client.newProducer(Schema.BYTES).topic(input).create()) {
            runtime.start(metadata, 0, examplesJar);
            awaitRunning(id);
            producer.send(java.nio.ByteBuffer.allocate(8).putLong(42).array());
            Message<byte[]> result = results.receive(30, TimeUnit.SECONDS);
            assertNotNull(result, () -> "no result; status " + status(id));
            // CustomBaseToBaseFunction adds 100; CustomBaseSerde writes a long in 8 bytes
            assertEquals(142L, java.nio.ByteBuffer.wrap(result.getValue()).getLong());
        }
    }

    @Test
    void contextLoggerPublishesToTheLogTopicAsPulsarsAppenderDoes() throws Exception {
        String name = "logging-" + UUID.randomUUID().toString().substring(0, 8);
        String input = prefix + "log-in";
        String logTopic = prefix + "log";
        InstanceId id = new InstanceId(new FunctionKey("public", "default", name), 0);
        try (Consumer<byte[]> logs = client.newConsumer(Schema.BYTES).topic(logTopic).subscriptionName("test")
                .subscribe(); Producer<String> producer = producer(input)) {
            runtime.start(metadata(name, 0, "org.apache.pulsar.functions.api.examples.LoggingFunction", input, null,
                    Map.of("logTopic", logTopic)), 0, examplesJar);
            awaitRunning(id);
            producer.send("hello");
            Message<byte[]> line = logs.receive(30, TimeUnit.SECONDS);
            assertNotNull(line, () -> "nothing on the log topic; status " + status(id));
            assertEquals("hello-log", new String(line.getValue(), java.nio.charset.StandardCharsets.UTF_8));
            assertEquals("INFO", line.getProperty("loglevel"));
            assertEquals("0", line.getProperty("instance"));
            assertEquals("public/default/" + name, line.getProperty("fqn"));
        }
    }

    @Test
    void effectivelyOnceNamesTheProducerAfterTheInputAndUsesItsPositionAsSequenceId() throws Exception {
        String name = "once-" + UUID.randomUUID().toString().substring(0, 8);
        String input = prefix + "once-in";
        String output = prefix + "once-out";
        InstanceId id = new InstanceId(new FunctionKey("public", "default", name), 0);
        try (Consumer<String> results = outputConsumer(output);
                Producer<String> producer = client.newProducer(Schema.STRING).topic(input).enableBatching(false)
                        .create()) {
            runtime.start(metadata(name, 0, ExclamationFunction.class.getName(), input, output,
                    Map.of("processingGuarantees", "EFFECTIVELY_ONCE")), 0, examplesJar);
            awaitRunning(id);
            org.apache.pulsar.client.api.MessageId sent = producer.send("a");
            Message<String> result = results.receive(30, TimeUnit.SECONDS);
            assertNotNull(result, () -> "no result; status " + status(id));
            assertEquals("a!", result.getValue());
            assertEquals(input, result.getProducerName());
            assertEquals(MessageRecord.sequenceOf(sent).orElseThrow(), result.getSequenceId());
        }
    }

    /**
     * Effectively once after a takeover (found by the soak): the run before sent the results of the first inputs and
     * died before acknowledging them. The next run replays those with the new ones; the broker drops the replayed
     * results, and must keep every new one. With batching, a batch opening with a replayed result was dropped whole.
     */
    @Test
    void effectivelyOnceKeepsTheNewResultsThatFollowReplayedOnes() throws Exception {
        String name = "takeover-" + UUID.randomUUID().toString().substring(0, 8);
        String input = prefix + "takeover-in";
        String output = prefix + "takeover-out";
        admin.topics().createNonPartitionedTopic(output);
        admin.topicPolicies().setDeduplicationStatus(output, true);
        await().atMost(WAIT).until(() -> Boolean.TRUE.equals(admin.topicPolicies().getDeduplicationStatus(output)));
        List<org.apache.pulsar.client.api.MessageId> inputs = new java.util.ArrayList<>();
        try (Producer<String> producer = client.newProducer(Schema.STRING).topic(input).enableBatching(false)
                .create()) {
            for (int i = 0; i < 6; i++) {
                inputs.add(producer.send(String.valueOf(i)));
            }
        }
        // what the run that died had sent: the results of inputs 0 to 2, under the name and sequence ids it uses
        try (Producer<String> dead = client.newProducer(Schema.STRING).topic(output).producerName(input)
                .enableBatching(false).create()) {
            for (int i = 0; i < 3; i++) {
                dead.newMessage().value(i + "!").sequenceId(MessageRecord.sequenceOf(inputs.get(i)).orElseThrow())
                        .send();
            }
        }
        try (Consumer<String> results = outputConsumer(output)) {
            runtime.start(metadata(name, 0, ExclamationFunction.class.getName(), input, output,
                    Map.of("processingGuarantees", "EFFECTIVELY_ONCE", "subscriptionPosition", "Earliest")), 0,
                    examplesJar);
            Set<String> received = receive(results, 6);
            assertEquals(Set.of("0!", "1!", "2!", "3!", "4!", "5!"), received, () -> "status " + status(id(name)));
            assertNull(results.receive(2, TimeUnit.SECONDS), "no result twice");
        }
    }

    private static InstanceId id(String name) {
        return new InstanceId(new FunctionKey("public", "default", name), 0);
    }

    @Test
    void exposedAdminAndEnvironmentUserConfig() throws Exception {
        PulsarAdmin exposed = RuntimeSettings.of(Map.of("exposeAdminClientEnabled", true), admin).exposedAdmin();
        exposed.close(); // a function closing it must not close the worker's
        assertTrue(exposed.tenants().getTenants().contains("public"));
        assertTrue(admin.tenants().getTenants().contains("public"));
        assertNull(RuntimeSettings.of(Map.of("exposeAdminClientEnabled", false), admin).exposedAdmin());
        assertEquals(7, RuntimeSettings.of(Map.of("maxPendingAsyncRequests", 7), admin).maxPendingAsyncRequests());
        String input = prefix + "admin-in";
        InstanceContext context = new InstanceContext(
                ThreadRuntime.JSON.readValue("{\"tenant\":\"public\",\"namespace\":\"default\",\"name\":\"n\","
                        + "\"userConfig\":{\"home\":\"$HOME\",\"n\":1}}",
                        org.apache.pulsar.common.functions.FunctionConfig.class),
                "id", "0", 0, List.of(input), client, admin, new InstanceStats(), getClass().getClassLoader(), t -> { });
        assertEquals(System.getenv("HOME"), context.getUserConfigValue("home").orElse(null));
        assertEquals(1, context.getUserConfigValue("n").orElseThrow());
        assertNotNull(context.getPulsarAdmin().tenants().getTenants());
        InstanceContext hidden = new InstanceContext(
                ThreadRuntime.JSON.readValue("{\"tenant\":\"public\",\"namespace\":\"default\",\"name\":\"n\"}",
                        org.apache.pulsar.common.functions.FunctionConfig.class),
                "id", "0", 0, List.of(input), client, null, new InstanceStats(), getClass().getClassLoader(), t -> { });
        IllegalStateException refused = assertThrows(IllegalStateException.class, hidden::getPulsarAdmin);
        assertEquals("PulsarAdmin is not enabled in function worker", refused.getMessage());
    }

    /** AddWindowFunction (java.util.function.Function over a window's values) on tumbling windows of 3. */
    @Test
    void countWindowsFeedAJavaFunctionAndAckOnceTheirResultIsSent() throws Exception {
        String name = "addwindow-" + UUID.randomUUID().toString().substring(0, 8);
        String input = prefix + "win-in";
        assertEquals(List.of(6, 15), runIntegerWindows(name, "org.apache.pulsar.functions.api.examples.AddWindowFunction",
                input, Map.of("windowLengthCount", 3), 7, 2));
        // the seventh waits for its window: only it is left unacknowledged
        String subscription = "public/default/" + name;
        await().atMost(WAIT).until(() ->
                admin.topics().getStats(input).getSubscriptions().get(subscription).getMsgBacklog() == 1);
    }

    /** ContextWindowFunction (Pulsar's WindowFunction over records) on windows of 4 sliding by 2. */
    @Test
    void slidingCountWindowsFeedAPulsarWindowFunction() throws Exception {
        String name = "ctxwindow-" + UUID.randomUUID().toString().substring(0, 8);
        // windows [1,2], [1..4], [3..6]
        assertEquals(List.of(3, 10, 18), runIntegerWindows(name,
                "org.apache.pulsar.functions.api.examples.window.ContextWindowFunction", prefix + "slide-in",
                Map.of("windowLengthCount", 4, "slidingIntervalCount", 2), 6, 3));
    }

    /** Runs a window function over INT32 topics, sends 1..{@code sends}, returns the first {@code results} answers. */
    private List<Integer> runIntegerWindows(String name, String className, String input, Map<String, Object> window,
            int sends, int results) throws Exception {
        String output = input + "-out";
        InstanceId id = new InstanceId(new FunctionKey("public", "default", name), 0);
        try (Consumer<Integer> answers = client.newConsumer(Schema.INT32).topic(output).subscriptionName("test")
                .subscribe(); Producer<Integer> producer = client.newProducer(Schema.INT32).topic(input).create()) {
            runtime.start(metadata(name, 0, className, input, output,
                    Map.of("windowConfig", window, "autoAck", false)), 0, examplesJar);
            awaitRunning(id);
            for (int i = 1; i <= sends; i++) {
                producer.send(i);
            }
            List<Integer> values = new java.util.ArrayList<>();
            for (int i = 0; i < results; i++) {
                Message<Integer> answer = answers.receive(30, TimeUnit.SECONDS);
                assertNotNull(answer, () -> "only " + values + "; status " + status(id));
                values.add(answer.getValue());
            }
            return values;
        }
    }

    /** A function over protobuf messages, compiled against the worker's protobuf, reads a PROTOBUF topic. */
    @Test
    void protobufMessagesInAndOut() throws Exception {
        Path jar = compile("Timestamps", """
                public class Timestamps implements org.apache.pulsar.functions.api.Function<
                        com.google.protobuf.Timestamp, com.google.protobuf.Timestamp> {
                    public com.google.protobuf.Timestamp process(com.google.protobuf.Timestamp in,
                            org.apache.pulsar.functions.api.Context context) {
                        return in.toBuilder().setSeconds(in.getSeconds() + 1).build();
                    }
                }
                """);
        String name = "protobuf-" + UUID.randomUUID().toString().substring(0, 8);
        String input = prefix + "pb-in";
        String output = prefix + "pb-out";
        InstanceId id = new InstanceId(new FunctionKey("public", "default", name), 0);
        Schema<com.google.protobuf.Timestamp> schema = Schema.PROTOBUF(com.google.protobuf.Timestamp.class);
        try (Consumer<com.google.protobuf.Timestamp> results = client.newConsumer(schema).topic(output)
                .subscriptionName("test").subscribe();
                Producer<com.google.protobuf.Timestamp> producer = client.newProducer(schema).topic(input).create()) {
            runtime.start(metadata(name, 0, "fn.Timestamps", input, output, Map.of()), 0, jar);
            awaitRunning(id);
            producer.send(com.google.protobuf.Timestamp.newBuilder().setSeconds(41).setNanos(7).build());
            Message<com.google.protobuf.Timestamp> result = results.receive(30, TimeUnit.SECONDS);
            assertNotNull(result, () -> "no result; status " + status(id));
            assertEquals(42, result.getValue().getSeconds());
            assertEquals(7, result.getValue().getNanos());
            assertEquals(org.apache.pulsar.common.schema.SchemaType.PROTOBUF,
                    admin.schemas().getSchemaInfo(output).getType());
        }
    }
}
