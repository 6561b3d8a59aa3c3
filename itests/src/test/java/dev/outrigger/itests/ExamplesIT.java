package dev.outrigger.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.outrigger.devcluster.LocalPulsarCluster;
import dev.outrigger.devcluster.SharedPulsarCluster;
import dev.outrigger.devcluster.WorkerConfig;
import dev.outrigger.devcluster.WorkerProcess;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Pulsar's own example functions, unchanged, each registered, fed one message and checked for its answer. */
class ExamplesIT {

    private static final String PACKAGE = "org.apache.pulsar.functions.api.examples.";

    private static LocalPulsarCluster pulsar;
    private static WorkerConfig config;
    private static WorkerProcess worker;
    private static PulsarAdmin admin;
    private static PulsarClient client;
    private static String namespace;

    @BeforeAll
    static void startWorker() throws Exception {
        pulsar = SharedPulsarCluster.get();
        config = WorkerConfig.forCluster(pulsar, "examples", "public/ex-" + UUID.randomUUID().toString().substring(0, 8));
        worker = Workers.start("examples", config);
        Workers.awaitReady(worker, config);
        admin = PulsarAdmin.builder().serviceHttpUrl(config.adminUrl()).build();
        client = PulsarClient.builder().serviceUrl(pulsar.brokerServiceUrl()).build();
        namespace = "examples-" + UUID.randomUUID().toString().substring(0, 8);
        try (PulsarAdmin broker = PulsarAdmin.builder().serviceHttpUrl(pulsar.webServiceUrl()).build()) {
            broker.namespaces().createNamespace("public/" + namespace);
        }
    }

    @AfterAll
    static void stopWorker() throws Exception {
        if (client != null) {
            client.close();
        }
        if (admin != null) {
            admin.close();
        }
        if (worker != null) {
            worker.close();
        }
    }

    /** Example class, what it is sent, what comes out, and the topic it comes out on ("out" = the output topic). */
    static Stream<Arguments> stringExamples() {
        return Stream.of(
                Arguments.of("ExclamationFunction", "hello", "hello!", "out", Map.of()),
                Arguments.of("JavaNativeExclamationFunction", "hello", "hello!", "out", Map.of()),
                Arguments.of("JavaNativeAsyncExclamationFunction", "hello", "hello-!!", "out", Map.of()),
                Arguments.of("InstanceIdAppenderFunction", "hello", "hello0", "out", Map.of()),
                Arguments.of("PublishFunction", "hello", "hello!", "published",
                        Map.of("publish-topic", "published")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stringExamples")
    void stringExample(String example, String input, String expected, String answerTopic,
            Map<String, Object> userConfig) throws Exception {
        String name = example.toLowerCase();
        String base = "persistent://public/" + namespace + "/" + name;
        String outputTopic = answerTopic.equals("out") ? base + "-out" : base + "-" + answerTopic;
        Map<String, Object> userConfigWithTopics = new java.util.HashMap<>(userConfig);
        userConfigWithTopics.replaceAll((key, value) -> key.equals("publish-topic") ? outputTopic : value);
        FunctionConfig function = function(name, PACKAGE + example, base + "-in",
                answerTopic.equals("out") ? outputTopic : null, userConfigWithTopics);
        try (Consumer<String> output = client.newConsumer(Schema.STRING).topic(outputTopic)
                .subscriptionName("test").subscribe();
                Producer<String> producer = client.newProducer(Schema.STRING).topic(base + "-in").create()) {
            runAndSend(function, () -> producer.send(input));
            Message<String> answer = output.receive(60, TimeUnit.SECONDS);
            assertNotNull(answer, () -> example + " gave no answer:\n" + worker.log());
            assertEquals(expected, answer.getValue());
        } finally {
            admin.functions().deleteFunction("public", namespace, name);
        }
    }

    @org.junit.jupiter.api.Test
    void integerAdditionFunction() throws Exception {
        String base = "persistent://public/" + namespace + "/integers";
        FunctionConfig function = function("integers", PACKAGE + "IntegerAdditionFunction", base + "-in",
                base + "-out", Map.of());
        try (Consumer<Integer> output = client.newConsumer(Schema.INT32).topic(base + "-out")
                .subscriptionName("test").subscribe();
                Producer<Integer> producer = client.newProducer(Schema.INT32).topic(base + "-in").create()) {
            runAndSend(function, () -> producer.send(41));
            Message<Integer> answer = output.receive(60, TimeUnit.SECONDS);
            assertNotNull(answer, () -> "IntegerAdditionFunction gave no answer:\n" + worker.log());
            assertEquals(141, answer.getValue());
        } finally {
            admin.functions().deleteFunction("public", namespace, "integers");
        }
    }

    private interface Send {
        void send() throws Exception;
    }

    /** Functions subscribe at Latest: send only once the instance runs. */
    private static void runAndSend(FunctionConfig function, Send send) throws Exception {
        admin.functions().createFunction(function,
                TestClasspath.jar("/org/apache/pulsar/pulsar-functions-api-examples/").toString());
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> admin.functions().getFunctionStatus("public", namespace, function.getName())
                        .getNumRunning() == 1);
        send.send();
    }

    private static FunctionConfig function(String name, String className, String input, String output,
            Map<String, Object> userConfig) {
        FunctionConfig function = new FunctionConfig();
        function.setTenant("public");
        function.setNamespace(namespace);
        function.setName(name);
        function.setClassName(className);
        function.setInputs(List.of(input));
        function.setOutput(output);
        function.setUserConfig(userConfig);
        function.setRuntime(FunctionConfig.Runtime.JAVA);
        return function;
    }
}
