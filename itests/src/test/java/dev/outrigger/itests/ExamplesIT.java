package dev.outrigger.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.devcluster.LocalPulsarCluster;
import dev.outrigger.devcluster.SharedPulsarCluster;
import dev.outrigger.devcluster.WorkerConfig;
import dev.outrigger.devcluster.WorkerProcess;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.ConsumerCryptoFailureAction;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.client.api.schema.GenericRecord;
import org.apache.pulsar.common.functions.ConsumerConfig;
import org.apache.pulsar.common.functions.CryptoConfig;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.apache.pulsar.common.functions.ProducerConfig;
import org.apache.pulsar.common.functions.WindowConfig;
import org.apache.pulsar.common.policies.data.ExceptionInformation;
import org.apache.pulsar.common.policies.data.FunctionStats;
import org.apache.pulsar.common.policies.data.FunctionStatus;
import org.apache.pulsar.common.policies.data.FunctionStatus.FunctionInstanceStatus.FunctionInstanceStatusData;
import org.apache.pulsar.common.policies.data.SchemaCompatibilityStrategy;
import org.apache.pulsar.common.schema.KeyValue;
import org.apache.pulsar.common.schema.KeyValueEncodingType;
import org.apache.pulsar.functions.api.examples.RawFileKeyReader;
import org.apache.pulsar.functions.api.examples.pojo.AvroTestObject;
import org.apache.pulsar.functions.api.examples.pojo.Users;
import org.apache.pulsar.functions.api.examples.serde.CustomObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pulsar's example functions ({@code org.apache.pulsar:pulsar-functions-api-examples:4.0.8}), unchanged, each
 * registered through the real {@link PulsarAdmin} with the configuration Pulsar's own integration tests give it (or,
 * where they have none, the one its code asks for), fed through the real client and checked for its answer (value,
 * and where the example sets them key, properties, event time and topic), its log topic, its status or its stats.
 *
 * <p>Every class of the jar is used, except the two that need a state store, which this worker does not have yet:
 * <ul>
 * <li>{@code WordCountFunction}: {@code Context.incrCounter} for every word;</li>
 * <li>{@code window.WordCountWindowFunction}: {@code WindowContext.incrCounter} for every word.</li>
 * </ul>
 * The jar's classes that are no functions are used as Pulsar uses them: {@code ByteBufferSerDe}, {@code CustomBaseSerde},
 * {@code CustomDerivedSerde} and {@code serde.CustomObjectSerde} as custom serdes; {@code CustomBaseObject},
 * {@code CustomDerivedObject}, {@code serde.CustomObject}, {@code pojo.AvroTestObject} and {@code pojo.Users} as the
 * values they carry; {@code RawFileKeyReader} as the crypto key reader of an encrypted input and output.
 * {@code pojo.Tick} is a plain value class no example function reads, so nothing here sends it.
 *
 * <p>One worker serves the whole class; each example is deleted after its check.
 */
class ExamplesIT {

    private static final String PACKAGE = "org.apache.pulsar.functions.api.examples.";
    /** As a user config value: the topic the answer is expected on. */
    private static final String ANSWER_TOPIC = "$answerTopic";
    private static final Duration RUNNING_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

    private static LocalPulsarCluster pulsar;
    private static WorkerConfig config;
    private static WorkerProcess worker;
    private static PulsarAdmin admin;
    private static PulsarAdmin broker;
    private static PulsarClient client;
    private static String namespace;

    @BeforeAll
    static void startWorker() throws Exception {
        pulsar = SharedPulsarCluster.get();
        config = WorkerConfig.forCluster(pulsar, "examples", "public/ex-" + UUID.randomUUID().toString().substring(0, 8))
                // CursorManagementFunction calls Context.getPulsarAdmin(): Pulsar's worker hands functions an admin
                // client only with this key set
                .set("exposeAdminClientEnabled", true);
        worker = Workers.start("examples", config);
        Workers.awaitReady(worker, config);
        admin = PulsarAdmin.builder().serviceHttpUrl(config.adminUrl()).build();
        broker = PulsarAdmin.builder().serviceHttpUrl(pulsar.webServiceUrl()).build();
        client = PulsarClient.builder().serviceUrl(pulsar.brokerServiceUrl()).build();
        namespace = "examples-" + UUID.randomUUID().toString().substring(0, 8);
        broker.namespaces().createNamespace("public/" + namespace);
    }

    @AfterAll
    static void stopWorker() throws Exception {
        if (client != null) {
            client.close();
        }
        if (broker != null) {
            broker.close();
        }
        if (admin != null) {
            admin.close();
        }
        if (worker != null) {
            worker.close();
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // String in, String out

    /**
     * Case name (the function's name), example class, what it is sent, what comes out, the topic it comes out on
     * ("out" = the output topic, else a topic the function publishes to, named in its user config) and the user config.
     */
    static Stream<Arguments> stringExamples() {
        return Stream.of(
                Arguments.of("ExclamationFunction", "ExclamationFunction", "hello", "hello!", "out", Map.of()),
                Arguments.of("JavaNativeExclamationFunction", "JavaNativeExclamationFunction", "hello", "hello!", "out",
                        Map.of()),
                Arguments.of("JavaNativeAsyncExclamationFunction", "JavaNativeAsyncExclamationFunction", "hello",
                        "hello-!!", "out", Map.of()),
                Arguments.of("InstanceIdAppenderFunction", "InstanceIdAppenderFunction", "hello", "hello0", "out",
                        Map.of()),
                Arguments.of("HostAppenderFunction", "HostAppenderFunction", "hello", "hello" + hostName(), "out",
                        Map.of()),
                Arguments.of("UserConfigFunction", "UserConfigFunction", "hello", "what the config says", "out",
                        Map.of("WhatToWrite", "what the config says")),
                Arguments.of("UserConfigFunction-unset", "UserConfigFunction", "hello", "Not a nice way", "out",
                        Map.of()),
                Arguments.of("ConfigBasedAppendFunction", "ConfigBasedAppendFunction", "hello", "hello-appended", "out",
                        Map.of("config-key", "-appended")),
                Arguments.of("ConfigBasedAppendFunction-unset", "ConfigBasedAppendFunction", "hello", "hello!", "out",
                        Map.of()),
                Arguments.of("PublishFunction", "PublishFunction", "hello", "hello!", "published",
                        Map.of("publish-topic", ANSWER_TOPIC)),
                Arguments.of("UserPublishFunction", "UserPublishFunction", "hello", "hello", "published",
                        Map.of("topic", ANSWER_TOPIC)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stringExamples")
    void stringExample(String caseName, String example, String input, String expected, String answerTopic,
            Map<String, Object> userConfig) throws Exception {
        String name = caseName.toLowerCase();
        String outputTopic = topic(name, answerTopic);
        FunctionConfig function = function(name, example);
        function.setOutput(answerTopic.equals("out") ? outputTopic : null);
        function.setUserConfig(withAnswerTopic(userConfig, outputTopic));
        try (Consumer<String> output = subscribe(Schema.STRING, outputTopic);
                Producer<String> producer = client.newProducer(Schema.STRING).topic(topic(name, "in")).create()) {
            register(function);
            producer.send(input);
            assertEquals(expected, receive(output, name).getValue());
        } finally {
            delete(name);
        }
    }

    @Test
    void integerAdditionFunction() throws Exception {
        String name = "integeradditionfunction";
        FunctionConfig function = function(name, "IntegerAdditionFunction");
        function.setOutput(topic(name, "out"));
        try (Consumer<Integer> output = subscribe(Schema.INT32, topic(name, "out"));
                Producer<Integer> producer = client.newProducer(Schema.INT32).topic(topic(name, "in")).create()) {
            register(function);
            producer.send(41);
            assertEquals(141, receive(output, name).getValue());
        } finally {
            delete(name);
        }
    }

    /**
     * TypedMessageBuilderPublish and InitializableFunction (the same, failing unless {@code initialize} ran) publish
     * {@code input + "!"} with the input's key and properties, {@code input_topic} and the current time as event time;
     * RecordFunction returns a Record built from the input (key, properties, event time) with {@code input_topic}
     * added and the publish topic as its destination.
     */
    static Stream<Arguments> recordPublishers() {
        return Stream.of(
                Arguments.of("TypedMessageBuilderPublish", false),
                Arguments.of("InitializableFunction", false),
                Arguments.of("RecordFunction", true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recordPublishers")
    void publishesKeyPropertiesAndEventTime(String example, boolean eventTimeFromInput) throws Exception {
        String name = example.toLowerCase();
        String published = topic(name, "published");
        long inputEventTime = 1_234_567L;
        FunctionConfig function = function(name, example);
        function.setUserConfig(Map.of("publish-topic", published));
        try (Consumer<String> output = subscribe(Schema.STRING, published);
                Producer<String> producer = client.newProducer(Schema.STRING).topic(topic(name, "in")).create()) {
            register(function);
            producer.newMessage().key("key-1").property("count", "1").eventTime(inputEventTime).value("hello").send();
            Message<String> answer = receive(output, name);
            assertEquals("hello!", answer.getValue());
            assertEquals("key-1", answer.getKey());
            assertEquals("1", answer.getProperty("count"), () -> "properties " + answer.getProperties());
            assertEquals(topic(name, "in"), answer.getProperty("input_topic"),
                    () -> "properties " + answer.getProperties());
            if (eventTimeFromInput) {
                assertEquals(inputEventTime, answer.getEventTime());
            } else {
                assertTrue(answer.getEventTime() > inputEventTime, () -> "event time " + answer.getEventTime());
            }
        } finally {
            delete(name);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Custom serdes (customSerdeInputs, outputSerdeClassName), as Pulsar's testSerdeFunction

    /** Case name, example class, input serde, output serde, input bytes, expected output bytes. */
    static Stream<Arguments> customSerdeExamples() {
        return Stream.of(
                Arguments.of("CustomBaseToBaseFunction", "CustomBaseToBaseFunction", "CustomBaseSerde",
                        "CustomBaseSerde", longBytes(7), longBytes(107)),
                Arguments.of("CustomBaseToDerivedFunction", "CustomBaseToDerivedFunction", "CustomBaseSerde",
                        "CustomDerivedSerde", longBytes(7), longIntBytes(107, 57)),
                Arguments.of("CustomDerivedToBaseFunction", "CustomDerivedToBaseFunction", "CustomDerivedSerde",
                        "CustomBaseSerde", longIntBytes(7, 3), longBytes(108)),
                Arguments.of("CustomDerivedToDerivedFunction", "CustomDerivedToDerivedFunction", "CustomDerivedSerde",
                        "CustomDerivedSerde", longIntBytes(7, 3), longIntBytes(108, 153)),
                Arguments.of("CustomObjectFunction", "CustomObjectFunction", "serde.CustomObjectSerde",
                        "serde.CustomObjectSerde", longBytes(7), longBytes(107)),
                Arguments.of("IntegerAdditionFunction-ByteBufferSerDe", "IntegerAdditionFunction", "ByteBufferSerDe",
                        "ByteBufferSerDe", intBytes(41), intBytes(141)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("customSerdeExamples")
    void customSerdeExample(String caseName, String example, String inputSerde, String outputSerde, byte[] input,
            byte[] expected) throws Exception {
        String name = caseName.toLowerCase();
        FunctionConfig function = function(name, example);
        function.setInputs(null);
        function.setCustomSerdeInputs(Map.of(topic(name, "in"), PACKAGE + inputSerde));
        function.setOutput(topic(name, "out"));
        function.setOutputSerdeClassName(PACKAGE + outputSerde);
        try (Consumer<byte[]> output = subscribe(Schema.BYTES, topic(name, "out"));
                Producer<byte[]> producer = client.newProducer(Schema.BYTES).topic(topic(name, "in")).create()) {
            register(function);
            producer.send(input);
            assertEquals(HexFormat.of().formatHex(expected), HexFormat.of().formatHex(receive(output, name).getValue()));
            // Pulsar's SerDeSchema persists no schema: a type's default schema (INT32 for IntegerAdditionFunction,
            // whose bytes are those of ByteBufferSerDe) would leave one on the output topic
            assertThrows(PulsarAdminException.NotFoundException.class,
                    () -> broker.schemas().getSchemaInfo(topic(name, "out")), "a schema on the output topic");
        } finally {
            delete(name);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Schemas, as Pulsar's testAutoSchemaFunction, testAvroSchemaFunction and testMergeFunction

    /** GenericRecord input: the topic's AVRO schema (of serde.CustomObject) read with AUTO_CONSUME. */
    @Test
    void autoSchemaFunction() throws Exception {
        String name = "autoschemafunction";
        FunctionConfig function = function(name, "AutoSchemaFunction");
        function.setOutput(topic(name, "out"));
        try (Consumer<String> output = subscribe(Schema.STRING, topic(name, "out"));
                Producer<CustomObject> producer = client.newProducer(Schema.AVRO(CustomObject.class))
                        .topic(topic(name, "in")).create()) {
            register(function);
            producer.send(new CustomObject(7));
            assertEquals("value-7", receive(output, name).getValue());
        } finally {
            delete(name);
        }
    }

    /** A POJO function on topics whose schema is AVRO: the worker takes the topics' schema, not its JSON default. */
    @Test
    void avroSchemaTestFunction() throws Exception {
        String name = "avroschematestfunction";
        FunctionConfig function = function(name, "AvroSchemaTestFunction");
        function.setOutput(topic(name, "out"));
        try (Consumer<AvroTestObject> output = subscribe(Schema.AVRO(AvroTestObject.class), topic(name, "out"));
                Producer<AvroTestObject> producer = client.newProducer(Schema.AVRO(AvroTestObject.class))
                        .topic(topic(name, "in")).create()) {
            register(function);
            AvroTestObject input = new AvroTestObject();
            input.setBaseValue(7);
            input.setObjectValue("seven");
            producer.send(input);
            AvroTestObject answer = receive(output, name).getValue();
            assertEquals(17, answer.getBaseValue());
            assertEquals("seven", answer.getObjectValue());
        } finally {
            delete(name);
        }
    }

    /**
     * Topics of five schemas merged into one (ALWAYS_COMPATIBLE) topic, each message republished with its own schema,
     * key and properties plus {@code __original_topic}, {@code __publish_time}, {@code __sequence_id} and
     * {@code __producer_name}; configured as Pulsar's test does (custom schema inputs as consumer config JSON,
     * AUTO_PUBLISH output, Earliest).
     */
    @Test
    void mergeTopicFunction() throws Exception {
        String name = "mergetopicfunction";
        String mergeNamespace = "public/" + namespace + "-merge";
        broker.namespaces().createNamespace(mergeNamespace);
        broker.namespaces().setSchemaCompatibilityStrategy(mergeNamespace,
                SchemaCompatibilityStrategy.ALWAYS_COMPATIBLE);
        Map<String, String> customSchemaInputs = new HashMap<>();
        sendForMerge(mergeNamespace, "merge-schema-bytes", Schema.BYTES, "bytes schema test".getBytes(
                StandardCharsets.UTF_8), customSchemaInputs);
        sendForMerge(mergeNamespace, "merge-schema-string", Schema.STRING, "string schema test", customSchemaInputs);
        sendForMerge(mergeNamespace, "merge-schema-json-userv1", Schema.JSON(Users.UserV1.class),
                new Users.UserV1("ran", 33), customSchemaInputs);
        sendForMerge(mergeNamespace, "merge-schema-avro-userv2", Schema.AVRO(Users.UserV2.class),
                new Users.UserV2("tang", 20, "456456456"), customSchemaInputs);
        sendForMerge(mergeNamespace, "merge-schema-k-int-v-json-userv1-separate",
                Schema.KeyValue(Schema.INT32, Schema.JSON(Users.UserV1.class), KeyValueEncodingType.SEPARATED),
                new KeyValue<>(100, new Users.UserV1("ran", 40)), customSchemaInputs);
        String outputTopic = mergeNamespace + "/test-merge-output";
        FunctionConfig function = function(name, "MergeTopicFunction");
        function.setInputs(null);
        function.setCustomSchemaInputs(customSchemaInputs);
        function.setOutput(outputTopic);
        function.setOutputSchemaType("AUTO_PUBLISH");
        function.setSubscriptionPosition(SubscriptionInitialPosition.Earliest);
        try (Consumer<GenericRecord> output = client.newConsumer(Schema.AUTO_CONSUME()).topic(outputTopic)
                .subscriptionName("test").subscriptionInitialPosition(SubscriptionInitialPosition.Earliest)
                .subscribe()) {
            register(function);
            Map<String, Message<GenericRecord>> byBaseTopic = new HashMap<>();
            while (byBaseTopic.size() < customSchemaInputs.size()) {
                Message<GenericRecord> message = receive(output, name);
                assertNull(byBaseTopic.put(message.getProperty("baseTopic"), message),
                        () -> "twice from " + message.getProperty("baseTopic"));
            }
            byBaseTopic.forEach((baseTopic, message) -> {
                assertEquals("persistent://" + mergeNamespace + "/" + baseTopic,
                        message.getProperty("__original_topic"), () -> "properties " + message.getProperties());
                assertNotNull(message.getProperty("__publish_time"), () -> "properties " + message.getProperties());
                assertNotNull(message.getProperty("__producer_name"), () -> "properties " + message.getProperties());
            });
            assertEquals("bytes schema test", new String((byte[]) byBaseTopic.get("merge-schema-bytes").getValue()
                    .getNativeObject(), StandardCharsets.UTF_8));
            assertEquals("string schema test", byBaseTopic.get("merge-schema-string").getValue().getNativeObject());
            assertUser(byBaseTopic.get("merge-schema-json-userv1").getValue(), "ran", 33);
            GenericRecord avro = byBaseTopic.get("merge-schema-avro-userv2").getValue();
            assertUser(avro, "tang", 20);
            assertEquals("456456456", String.valueOf(avro.getField("phone")));
            KeyValue<?, ?> keyValue = (KeyValue<?, ?>) byBaseTopic.get("merge-schema-k-int-v-json-userv1-separate")
                    .getValue().getNativeObject();
            assertEquals(100, keyValue.getKey());
            assertUser((GenericRecord) keyValue.getValue(), "ran", 40);
        } finally {
            delete(name);
        }
    }

    private static <T> void sendForMerge(String mergeNamespace, String baseTopic, Schema<T> schema, T value,
            Map<String, String> customSchemaInputs) throws Exception {
        String topic = mergeNamespace + "/" + baseTopic;
        try (Producer<T> producer = client.newProducer(schema).topic(topic).create()) {
            producer.newMessage().value(value).property("baseTopic", baseTopic).send();
        }
        customSchemaInputs.put(topic, "{\"schemaType\":\"AUTO_CONSUME\"}");
    }

    private static void assertUser(GenericRecord user, String name, int age) {
        assertEquals(name, String.valueOf(user.getField("name")), () -> "user " + user.getNativeObject());
        assertEquals(age, ((Number) user.getField("age")).intValue(), () -> "user " + user.getNativeObject());
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Logger and log topic, metrics, void results

    /** The context logger goes to the log topic, as Pulsar's LogAppender sends it; the answer to the output. */
    @Test
    void loggingFunction() throws Exception {
        String name = "loggingfunction";
        FunctionConfig function = function(name, "LoggingFunction");
        function.setOutput(topic(name, "out"));
        function.setLogTopic(topic(name, "log"));
        try (Consumer<String> output = subscribe(Schema.STRING, topic(name, "out"));
                Consumer<byte[]> log = subscribe(Schema.BYTES, topic(name, "log"));
                Producer<String> producer = client.newProducer(Schema.STRING).topic(topic(name, "in")).create()) {
            register(function);
            producer.send("hello");
            assertEquals("hello!", receive(output, name).getValue());
            Message<byte[]> line = receiveMatching(log, name, "\"hello-log\" on the log topic",
                    message -> new String(message.getValue(), StandardCharsets.UTF_8).equals("hello-log"));
            assertEquals("INFO", line.getProperty("loglevel"), () -> "properties " + line.getProperties());
            assertEquals("public/" + namespace + "/" + name, line.getProperty("fqn"),
                    () -> "properties " + line.getProperties());
        } finally {
            delete(name);
        }
    }

    /** Example class, and the line it logs (formatted with the input and the input topics). */
    static Stream<Arguments> contextExamples() {
        return Stream.of(
                Arguments.of("ContextFunction",
                        "A message with a value of \"%s\" has arrived on one of the following topics: %s %n"),
                Arguments.of("AsyncContextFunction",
                        "A message with value of \"%s\" has arrived on one of the following topics: %s %n"));
    }

    /** Logs through the context logger (checked on the log topic), records a metric of 1, returns nothing. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("contextExamples")
    void contextExample(String example, String logFormat) throws Exception {
        String name = example.toLowerCase();
        FunctionConfig function = function(name, example);
        function.setLogTopic(topic(name, "log"));
        try (Consumer<byte[]> log = subscribe(Schema.BYTES, topic(name, "log"));
                Producer<String> producer = client.newProducer(Schema.STRING).topic(topic(name, "in")).create()) {
            register(function);
            producer.send("hello");
            String expected = String.format(logFormat, "hello", topic(name, "in"));
            receiveMatching(log, name, "\"" + expected + "\" on the log topic",
                    message -> new String(message.getValue(), StandardCharsets.UTF_8).equals(expected));
            assertUserMetric(name, "function-" + name + "-messages-received", 1, 1);
        } finally {
            delete(name);
        }
    }

    @Test
    void userMetricFunction() throws Exception {
        String name = "usermetricfunction";
        FunctionConfig function = function(name, "UserMetricFunction");
        try (Producer<String> producer = client.newProducer(Schema.STRING).topic(topic(name, "in")).create()) {
            register(function);
            producer.send("hello");
            producer.send("hi");
            assertUserMetric(name, "LetterCount", 7, 2);
        } finally {
            delete(name);
        }
    }

    /** Returns null: the input counts as processed, nothing is sent to the output topic. */
    @Test
    void voidFunction() throws Exception {
        String name = "voidfunction";
        FunctionConfig function = function(name, "VoidFunction");
        function.setOutput(topic(name, "out"));
        try (Consumer<String> output = subscribe(Schema.STRING, topic(name, "out"));
                Producer<String> producer = client.newProducer(Schema.STRING).topic(topic(name, "in")).create()) {
            register(function);
            producer.send("hello");
            awaitStatus(name, status -> {
                assertEquals(1, status.getNumSuccessfullyProcessed(), "numSuccessfullyProcessed");
                assertEquals(0, status.getNumUserExceptions(), "numUserExceptions");
            });
            Message<String> unexpected = output.receive(2, TimeUnit.SECONDS);
            assertNull(unexpected, () -> "VoidFunction sent " + unexpected.getValue());
        } finally {
            delete(name);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // User exceptions

    @Test
    void userExceptionFunction() throws Exception {
        String name = "userexceptionfunction";
        FunctionConfig function = function(name, "UserExceptionFunction");
        function.setOutput(topic(name, "out"));
        try (Producer<String> producer = client.newProducer(Schema.STRING).topic(topic(name, "in")).create()) {
            register(function);
            producer.send("hello");
            assertUserException(name, "This wont work"::equals);
        } finally {
            delete(name);
        }
    }

    /** "FAIL" fails (a user exception, the instance keeps running), anything else answers "SUCCESS". */
    @Test
    void consistentlyFailingFunction() throws Exception {
        String name = "consistentlyfailingfunction";
        FunctionConfig function = function(name, "ConsistentlyFailingFunction");
        function.setOutput(topic(name, "out"));
        try (Consumer<String> output = subscribe(Schema.STRING, topic(name, "out"));
                Producer<String> producer = client.newProducer(Schema.STRING).topic(topic(name, "in")).create()) {
            register(function);
            producer.send("FAIL");
            producer.send("hello");
            assertEquals("SUCCESS", receive(output, name).getValue());
            assertUserException(name, "Failed"::equals);
        } finally {
            delete(name);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Context.getPulsarAdmin (exposeAdminClientEnabled) and encryption (RawFileKeyReader)

    /**
     * Resets its own subscription (to a time before the input was sent) through the admin client of its context and
     * answers only when that call succeeded: without an admin client the context throws, a failed reset throws too.
     * (Whether the input comes again is a race with its acknowledgement, in Pulsar's worker as here: not checked.)
     */
    @Test
    void cursorManagementFunction() throws Exception {
        String name = "cursormanagementfunction";
        FunctionConfig function = function(name, "CursorManagementFunction");
        function.setOutput(topic(name, "out"));
        try (Consumer<String> output = subscribe(Schema.STRING, topic(name, "out"));
                Producer<String> producer = client.newProducer(Schema.STRING).topic(topic(name, "in")).create()) {
            register(function);
            producer.send("hello");
            assertEquals("reset cursor successfully", receive(output, name).getValue());
        } finally {
            delete(name);
        }
    }

    /**
     * ExclamationFunction on an encrypted input and an encrypted output, keys read by the jar's RawFileKeyReader
     * (configured with its PUBLIC and PRIVATE files) in the instance as in this test.
     */
    @Test
    void encryptedInputAndOutputWithRawFileKeyReader() throws Exception {
        String name = "rawfilekeyreader";
        Path keys = Files.createDirectories(Workers.workDir("examples").resolve("keys"));
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        Path publicKey = Files.writeString(keys.resolve("public.pem"), pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        Path privateKey = Files.writeString(keys.resolve("private.pem"),
                pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        Map<String, Object> keyFiles = Map.of("PUBLIC", publicKey.toString(), "PRIVATE", privateKey.toString());
        FunctionConfig function = function(name, "ExclamationFunction");
        function.setInputs(null);
        function.setInputSpecs(Map.of(topic(name, "in"), ConsumerConfig.builder()
                .cryptoConfig(CryptoConfig.builder().cryptoKeyReaderClassName(PACKAGE + "RawFileKeyReader")
                        .cryptoKeyReaderConfig(keyFiles).build())
                .build()));
        function.setOutput(topic(name, "out"));
        function.setProducerConfig(ProducerConfig.builder()
                .cryptoConfig(CryptoConfig.builder().cryptoKeyReaderClassName(PACKAGE + "RawFileKeyReader")
                        .cryptoKeyReaderConfig(keyFiles).encryptionKeys(new String[] {"myapp1"}).build())
                .build());
        RawFileKeyReader keyReader = new RawFileKeyReader(publicKey.toString(), privateKey.toString());
        try (Consumer<String> output = client.newConsumer(Schema.STRING).topic(topic(name, "out"))
                        .subscriptionName("test").cryptoKeyReader(keyReader).subscribe();
                Consumer<byte[]> raw = client.newConsumer(Schema.BYTES).topic(topic(name, "out"))
                        .subscriptionName("raw").cryptoFailureAction(ConsumerCryptoFailureAction.CONSUME).subscribe();
                Producer<String> producer = client.newProducer(Schema.STRING).topic(topic(name, "in"))
                        .addEncryptionKey("myapp1").cryptoKeyReader(keyReader).create()) {
            register(function);
            producer.send("hello");
            assertEquals("hello!", receive(output, name).getValue());
            assertNotEquals("hello!", new String(receive(raw, name).getValue(), StandardCharsets.UTF_8),
                    "the output is encrypted");
        } finally {
            delete(name);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Window functions (windowConfig with windowLengthCount, and slidingIntervalCount for sliding windows), as
    // Pulsar's testTumblingCountWindowTest and testSlidingCountWindowTest

    /**
     * Case name, example class, window length, sliding interval (null: tumbling), what is sent, the answers in order,
     * whether each answer ends with {@code ":" + currentTimeMillis}, the user config.
     */
    static Stream<Arguments> stringWindowExamples() {
        return Stream.of(
                Arguments.of("WindowDurationFunction-tumbling", "WindowDurationFunction", 3, null,
                        List.of("0", "1", "2", "3", "4", "5"), List.of("0,1,2", "3,4,5"), true, Map.of()),
                Arguments.of("WindowDurationFunction-sliding", "WindowDurationFunction", 4, 2,
                        List.of("0", "1", "2", "3", "4", "5"), List.of("0,1", "0,1,2,3", "2,3,4,5"), true, Map.of()),
                Arguments.of("CommaWindowFunction", "CommaWindowFunction", 3, null,
                        List.of("a", "b", "c", "d", "e", "f"), List.of("a,b,c", "d,e,f"), false, Map.of()),
                Arguments.of("UserConfigWindowFunction", "window.UserConfigWindowFunction", 2, null,
                        List.of("a", "b", "c", "d"), List.of("per window", "per window"), false,
                        Map.of("WhatToWrite", "per window")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stringWindowExamples")
    void stringWindowExample(String caseName, String example, int length, Integer sliding, List<String> inputs,
            List<String> expected, boolean timestamped, Map<String, Object> userConfig) throws Exception {
        String name = caseName.toLowerCase();
        FunctionConfig function = window(name, example, length, sliding);
        function.setOutput(topic(name, "out"));
        function.setUserConfig(userConfig);
        try (Consumer<String> output = subscribe(Schema.STRING, topic(name, "out"));
                Producer<String> producer = client.newProducer(Schema.STRING).topic(topic(name, "in")).create()) {
            register(function);
            for (String input : inputs) {
                producer.send(input);
            }
            List<String> answers = new ArrayList<>();
            for (int i = 0; i < expected.size(); i++) {
                String answer = receive(output, name).getValue();
                if (timestamped) {
                    assertTrue(answer.matches(".*:\\d+"), () -> "no \":<time>\" at the end of " + answer);
                    answers.add(answer.substring(0, answer.lastIndexOf(':')));
                } else {
                    answers.add(answer);
                }
            }
            assertEquals(expected, answers);
        } finally {
            delete(name);
        }
    }

    /** Sums of tumbling windows of 3 integers: a java.util.function.Function and a WindowFunction. */
    static Stream<Arguments> integerWindowExamples() {
        return Stream.of(
                Arguments.of("AddWindowFunction", "AddWindowFunction"),
                Arguments.of("ContextWindowFunction", "window.ContextWindowFunction"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("integerWindowExamples")
    void integerWindowExample(String caseName, String example) throws Exception {
        String name = caseName.toLowerCase();
        FunctionConfig function = window(name, example, 3, null);
        function.setOutput(topic(name, "out"));
        try (Consumer<Integer> output = subscribe(Schema.INT32, topic(name, "out"));
                Producer<Integer> producer = client.newProducer(Schema.INT32).topic(topic(name, "in")).create()) {
            register(function);
            for (int i = 1; i <= 6; i++) {
                producer.send(i);
            }
            assertEquals(6, receive(output, name).getValue());
            assertEquals(15, receive(output, name).getValue());
        } finally {
            delete(name);
        }
    }

    /**
     * Publishes {@code String.format("%s!", window)} once per window to its publish topic: the window's records in
     * brackets (their text is the runtime's Record.toString), then "!".
     */
    @Test
    void publishWindowFunction() throws Exception {
        String name = "publishwindowfunction";
        FunctionConfig function = window(name, "window.PublishWindowFunction", 2, null);
        function.setUserConfig(Map.of("publish-topic", topic(name, "published")));
        try (Consumer<String> published = subscribe(Schema.STRING, topic(name, "published"));
                Producer<String> producer = client.newProducer(Schema.STRING).topic(topic(name, "in")).create()) {
            register(function);
            for (String input : List.of("a", "b", "c", "d")) {
                producer.send(input);
            }
            for (int i = 0; i < 2; i++) {
                String answer = receive(published, name).getValue();
                assertTrue(answer.startsWith("[") && answer.endsWith("]!"), () -> "not a window + \"!\": " + answer);
            }
        } finally {
            delete(name);
        }
    }

    /** Logs {@code record + "-window-log"} for each record of each window, through the log topic. */
    @Test
    void loggingWindowFunction() throws Exception {
        String name = "loggingwindowfunction";
        FunctionConfig function = window(name, "window.LoggingWindowFunction", 2, null);
        function.setLogTopic(topic(name, "log"));
        try (Consumer<byte[]> log = subscribe(Schema.BYTES, topic(name, "log"));
                Producer<String> producer = client.newProducer(Schema.STRING).topic(topic(name, "in")).create()) {
            register(function);
            producer.send("a");
            producer.send("b");
            for (int i = 0; i < 2; i++) {
                receiveMatching(log, name, "a \"...-window-log\" line on the log topic",
                        message -> new String(message.getValue(), StandardCharsets.UTF_8).endsWith("-window-log"));
            }
        } finally {
            delete(name);
        }
    }

    @Test
    void userExceptionWindowFunction() throws Exception {
        String name = "userexceptionwindowfunction";
        FunctionConfig function = window(name, "window.UserExceptionWindowFunction", 2, null);
        function.setOutput(topic(name, "out"));
        try (Producer<String> producer = client.newProducer(Schema.STRING).topic(topic(name, "in")).create()) {
            register(function);
            producer.send("a");
            producer.send("b");
            // Pulsar's window executor wraps what the window function throws
            assertUserException(name, exception -> exception != null && exception.contains("This wont work"));
        } finally {
            delete(name);
        }
    }

    /** Records each record's event time as the metric MessageEventTime. */
    @Test
    void userMetricWindowFunction() throws Exception {
        String name = "usermetricwindowfunction";
        FunctionConfig function = window(name, "window.UserMetricWindowFunction", 2, null);
        try (Producer<String> producer = client.newProducer(Schema.STRING).topic(topic(name, "in")).create()) {
            register(function);
            producer.newMessage().value("a").eventTime(1000).send();
            producer.newMessage().value("b").eventTime(3000).send();
            assertUserMetric(name, "MessageEventTime", 4000, 2);
        } finally {
            delete(name);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Helpers

    private static String topic(String name, String suffix) {
        return "persistent://public/" + namespace + "/" + name + "-" + suffix;
    }

    /** The example with its input topic {@code <name>-in}, no output. */
    private static FunctionConfig function(String name, String example) {
        FunctionConfig function = new FunctionConfig();
        function.setTenant("public");
        function.setNamespace(namespace);
        function.setName(name);
        function.setClassName(PACKAGE + example);
        function.setInputs(List.of(topic(name, "in")));
        function.setRuntime(FunctionConfig.Runtime.JAVA);
        return function;
    }

    private static FunctionConfig window(String name, String example, int length, Integer sliding) {
        FunctionConfig function = function(name, example);
        WindowConfig window = new WindowConfig().setWindowLengthCount(length);
        if (sliding != null) {
            window.setSlidingIntervalCount(sliding);
        }
        function.setWindowConfig(window);
        return function;
    }

    private static Map<String, Object> withAnswerTopic(Map<String, Object> userConfig, String answerTopic) {
        Map<String, Object> replaced = new HashMap<>(userConfig);
        replaced.replaceAll((key, value) -> ANSWER_TOPIC.equals(value) ? answerTopic : value);
        return replaced;
    }

    private static <T> Consumer<T> subscribe(Schema<T> schema, String topic) throws Exception {
        return client.newConsumer(schema).topic(topic).subscriptionName("test").subscribe();
    }

    /**
     * Registers the function with the examples jar and waits until its instance runs (functions subscribe at Latest
     * unless told otherwise: send only then). Fails at once when the instance stopped with an error.
     */
    private static void register(FunctionConfig function) throws Exception {
        admin.functions().createFunction(function,
                TestClasspath.jar("/org/apache/pulsar/pulsar-functions-api-examples/").toString());
        await().atMost(RUNNING_TIMEOUT).pollInterval(Duration.ofMillis(200))
                .ignoreExceptionsInstanceOf(PulsarAdminException.class)
                .until(() -> {
                    FunctionStatus status = admin.functions().getFunctionStatus("public", namespace,
                            function.getName());
                    failIfStopped(function.getName(), status);
                    return status.getNumRunning() == 1;
                });
    }

    private static void delete(String name) throws PulsarAdminException {
        admin.functions().deleteFunction("public", namespace, name);
    }

    /** Fails with the instance's error when it does not run and says why. */
    private static void failIfStopped(String name, FunctionStatus status) {
        for (FunctionStatus.FunctionInstanceStatus instance : status.getInstances()) {
            FunctionInstanceStatusData data = instance.getStatus();
            if (!data.isRunning() && data.getError() != null && !data.getError().isBlank()) {
                throw new AssertionError(name + " instance " + instance.getInstanceId() + " does not run: "
                        + data.getError() + "\n" + workerLog(name));
            }
        }
    }

    private static <T> Message<T> receive(Consumer<T> consumer, String name) throws Exception {
        return receiveMatching(consumer, name, "an answer", message -> true);
    }

    /**
     * The next message that matches, skipping others, within {@link #ANSWER_TIMEOUT}; fails at once when the
     * function's instance stopped with an error.
     */
    private static <T> Message<T> receiveMatching(Consumer<T> consumer, String name, String what,
            Predicate<Message<T>> matches) throws Exception {
        long deadline = System.nanoTime() + ANSWER_TIMEOUT.toNanos();
        List<String> skipped = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            Message<T> message = consumer.receive(1, TimeUnit.SECONDS);
            if (message == null) {
                failIfStopped(name, admin.functions().getFunctionStatus("public", namespace, name));
                continue;
            }
            consumer.acknowledge(message);
            if (matches.test(message)) {
                return message;
            }
            if (skipped.size() < 20) {
                skipped.add(message.getValue() instanceof byte[] bytes
                        ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(message.getValue()));
            }
        }
        throw new AssertionError(name + " gave no " + what + " on " + consumer.getTopic() + " within "
                + ANSWER_TIMEOUT + (skipped.isEmpty() ? "" : "; got only " + skipped) + "\n" + statusSummary(name)
                + "\n" + workerLog(name));
    }

    /** What the instance's status says it did, for failure messages. */
    private static String statusSummary(String name) {
        try {
            FunctionStatus status = admin.functions().getFunctionStatus("public", namespace, name);
            return status.getInstances().stream().map(instance -> {
                FunctionInstanceStatusData data = instance.getStatus();
                return "instance " + instance.getInstanceId() + ": running " + data.isRunning() + ", error "
                        + data.getError() + ", received " + data.getNumReceived() + ", processed "
                        + data.getNumSuccessfullyProcessed() + ", user exceptions " + data.getNumUserExceptions() + " "
                        + exceptions(data.getLatestUserExceptions()) + ", system exceptions "
                        + data.getNumSystemExceptions() + " " + exceptions(data.getLatestSystemExceptions());
            }).collect(Collectors.joining("\n"));
        } catch (PulsarAdminException e) {
            return "no status: " + e;
        }
    }

    private static List<String> exceptions(List<ExceptionInformation> exceptions) {
        return exceptions == null ? List.of()
                : exceptions.stream().map(ExceptionInformation::getExceptionString).collect(Collectors.toList());
    }

    private static void awaitStatus(String name, java.util.function.Consumer<FunctionInstanceStatusData> check) {
        await().atMost(ANSWER_TIMEOUT).pollInterval(Duration.ofMillis(200))
                .ignoreExceptionsInstanceOf(PulsarAdminException.class)
                .untilAsserted(() -> {
                    FunctionStatus status = admin.functions().getFunctionStatus("public", namespace, name);
                    assertEquals(1, status.getInstances().size(), () -> "instances of " + name);
                    check.accept(status.getInstances().get(0).getStatus());
                });
    }

    /** The instance's status counts the user exception and keeps its message; its stats count it too. */
    private static void assertUserException(String name, Predicate<String> message) {
        awaitStatus(name, status -> {
            assertTrue(status.getNumUserExceptions() >= 1, "numUserExceptions " + status.getNumUserExceptions());
            List<String> latest = status.getLatestUserExceptions().stream()
                    .map(ExceptionInformation::getExceptionString).collect(Collectors.toList());
            assertTrue(latest.stream().anyMatch(message), () -> "latestUserExceptions " + latest);
            assertTrue(status.isRunning(), "a user exception does not stop the instance");
        });
        await().atMost(ANSWER_TIMEOUT).pollInterval(Duration.ofMillis(200))
                .ignoreExceptionsInstanceOf(PulsarAdminException.class)
                .untilAsserted(() -> {
                    FunctionStats stats = admin.functions().getFunctionStats("public", namespace, name);
                    assertTrue(stats.getUserExceptionsTotal() >= 1, "userExceptionsTotal");
                    assertTrue(stats.getInstances().get(0).getMetrics().getUserExceptionsTotal() >= 1,
                            "instance userExceptionsTotal");
                });
    }

    /**
     * The metric in the function's stats and in its instance's, under Pulsar's keys: {@code user_metric_<name>_sum}
     * and {@code _count} (beside quantiles).
     */
    private static void assertUserMetric(String name, String metric, double sum, double count) {
        String prefix = "user_metric_" + metric;
        await().atMost(ANSWER_TIMEOUT).pollInterval(Duration.ofMillis(200))
                .ignoreExceptionsInstanceOf(PulsarAdminException.class)
                .untilAsserted(() -> {
                    FunctionStats stats = admin.functions().getFunctionStats("public", namespace, name);
                    assertEquals(1, stats.getInstances().size(), () -> "instances of " + name);
                    Map<String, Double> userMetrics = stats.getInstances().get(0).getMetrics().getUserMetrics();
                    assertEquals(sum, userMetrics.get(prefix + "_sum"), () -> "userMetrics " + userMetrics);
                    assertEquals(count, userMetrics.get(prefix + "_count"), () -> "userMetrics " + userMetrics);
                    Map<String, Double> instanceMetrics = admin.functions()
                            .getFunctionStats("public", namespace, name, 0).getUserMetrics();
                    assertEquals(sum, instanceMetrics.get(prefix + "_sum"), () -> "instance " + instanceMetrics);
                    assertEquals(count, instanceMetrics.get(prefix + "_count"), () -> "instance " + instanceMetrics);
                });
    }

    /** The worker's log from the first line naming the function, at most its last 150 lines. */
    private static String workerLog(String name) {
        List<String> lines = worker.log().lines().collect(Collectors.toList());
        int first = 0;
        while (first < lines.size() && !lines.get(first).contains(name)) {
            first++;
        }
        if (first == lines.size()) {
            first = 0;
        }
        List<String> tail = lines.subList(Math.max(first, lines.size() - 150), lines.size());
        return "worker log:\n" + String.join("\n", tail);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static byte[] longBytes(long value) {
        return ByteBuffer.allocate(8).putLong(value).array();
    }

    private static byte[] longIntBytes(long first, int second) {
        return ByteBuffer.allocate(12).putLong(first).putInt(second).array();
    }

    private static byte[] intBytes(int value) {
        return ByteBuffer.allocate(4).putInt(value).array();
    }
}
