package dev.outrigger.functions.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.apache.pulsar.common.functions.Resources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The expected JSON documents below are what Pulsar 4.0.8's worker code (FunctionConfigUtils: inferMissingArguments,
 * doCommonChecks, convert, convertFromDetails) produced for the same input, serialized without nulls as its REST API
 * does.
 */
class FunctionConfigsTest {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private static final String MINIMAL = "{'className':'a.B','inputs':['in'],'runtime':'JAVA'}";

    private static final String MINIMAL_GET = "{'tenant':'public','namespace':'default','name':'fn','className':'a.B',"
            + "'inputSpecs':{'in':{'schemaProperties':{},'consumerProperties':{},'poolMessages':false,"
            + "'regexPattern':false}},"
            + "'producerConfig':{'useThreadLocalProducers':false,'batchBuilder':'','compressionType':'LZ4'},"
            + "'processingGuarantees':'ATLEAST_ONCE','retainOrdering':false,'retainKeyOrdering':false,"
            + "'forwardSourceMessageProperty':true,'userConfig':{},'runtime':'JAVA','autoAck':true,'parallelism':1,"
            + "'resources':{'cpu':1.0,'ram':1073741824,'disk':10737418240},'cleanupSubscription':true,"
            + "'subscriptionPosition':'Latest'}";

    private static FunctionConfig cfg(String json) {
        try {
            return MAPPER.readValue(json.replace('\'', '"'), FunctionConfig.class);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode tree(String json) {
        try {
            return MAPPER.readTree(json.replace('\'', '"'));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode tree(FunctionConfig config) {
        try {
            return MAPPER.readTree(MAPPER.writeValueAsString(config));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static FunctionConfig create(String json) {
        return FunctionConfigs.forCreate("public", "default", "fn", cfg(json));
    }

    private static FunctionConfig update(String createJson, String updateJson) {
        return FunctionConfigs.forUpdate(create(createJson), cfg(updateJson), "public", "default", "fn");
    }

    private static String createError(String json) {
        return assertThrows(IllegalArgumentException.class, () -> create(json)).getMessage();
    }

    private static String updateError(String createJson, String updateJson) {
        FunctionConfig existing = create(createJson);
        return assertThrows(IllegalArgumentException.class,
                () -> FunctionConfigs.forUpdate(existing, cfg(updateJson), "public", "default", "fn")).getMessage();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // What GET returns after a register

    @Test
    void minimalConfigGetsPulsarsDefaults() {
        assertEquals(tree(MINIMAL_GET), tree(create(MINIMAL)));
    }

    @Test
    void jarImpliesJavaRuntime() {
        assertEquals(tree(MINIMAL_GET), tree(create("{'className':'a.B','inputs':['in'],'jar':'f.jar'}")));
    }

    @Test
    void defaultsInDetail() {
        FunctionConfig got = create(MINIMAL);
        assertEquals(1, got.getParallelism());
        assertEquals(FunctionConfig.ProcessingGuarantees.ATLEAST_ONCE, got.getProcessingGuarantees());
        assertEquals(SubscriptionInitialPosition.Latest, got.getSubscriptionPosition());
        assertEquals(1.0, got.getResources().getCpu());
        assertEquals(1073741824L, got.getResources().getRam());
        assertEquals(10737418240L, got.getResources().getDisk());
        assertEquals(Map.of(), got.getUserConfig());
        assertTrue(got.getCleanupSubscription());
        assertTrue(got.getForwardSourceMessageProperty());
    }

    @Test
    void roundTripDropsWhatPulsarDoesNotStore() {
        FunctionConfig got = create("{'className':'a.B','inputs':['in'],'runtime':'JAVA','skipToLatest':true,"
                + "'maxPendingAsyncRequests':10,'exposePulsarAdminClientEnabled':true,'inputTypeClassName':'I',"
                + "'outputTypeClassName':'O','fqfn':'f','jar':'x.jar','functionType':'t'}");
        assertNull(got.getInputs());
        assertNull(got.getSkipToLatest());
        assertNull(got.getMaxPendingAsyncRequests());
        assertNull(got.getExposePulsarAdminClientEnabled());
        assertNull(got.getInputTypeClassName());
        assertNull(got.getOutputTypeClassName());
        assertNull(got.getFqfn());
        assertNull(got.getJar());
        assertNull(got.getFunctionType());
        assertEquals(tree(MINIMAL_GET), tree(got));
    }

    @Test
    void everyScalarFieldAsPulsarStoresIt() {
        FunctionConfig got = create("{'className':' a.B ','inputs':['in'],'output':'out','logTopic':'log',"
                + "'subName':'sub','subscriptionPosition':'Earliest','timeoutMs':3000,'maxMessageRetries':5,"
                + "'deadLetterTopic':'dlt','cleanupSubscription':false,'retainOrdering':true,'runtimeFlags':'-Xmx1g',"
                + "'customRuntimeOptions':'{}','resources':{'cpu':0.5},'parallelism':3,'batchBuilder':'KEY_BASED',"
                + "'secrets':{'s':{'path':'p','key':1}},'userConfig':{'n':1,'l':[1,null],'m':{'z':null}},"
                + "'jar':'x.jar','outputSerdeClassName':'OS'}");
        assertEquals(tree("{'runtimeFlags':'-Xmx1g','tenant':'public','namespace':'default','name':'fn',"
                + "'className':'a.B','inputSpecs':{'in':{'schemaProperties':{},'consumerProperties':{},"
                + "'poolMessages':false,'regexPattern':false}},'output':'out','producerConfig':{"
                + "'useThreadLocalProducers':false,'batchBuilder':'KEY_BASED','compressionType':'LZ4'},"
                + "'outputSerdeClassName':'OS','logTopic':'log','processingGuarantees':'ATLEAST_ONCE',"
                + "'retainOrdering':true,'retainKeyOrdering':false,'forwardSourceMessageProperty':true,"
                + "'userConfig':{'l':[1.0,null],'m':{},'n':1.0},'secrets':{'s':{'path':'p','key':1.0}},"
                + "'runtime':'JAVA','autoAck':true,'maxMessageRetries':5,'deadLetterTopic':'dlt','subName':'sub',"
                + "'parallelism':3,'resources':{'cpu':0.5,'ram':1073741824,'disk':10737418240},'timeoutMs':3000,"
                + "'cleanupSubscription':false,'customRuntimeOptions':'{}','subscriptionPosition':'Earliest'}"),
                tree(got));
    }

    @Test
    void allInputKindsFoldIntoInputSpecs() {
        FunctionConfig got = create("{'className':'a.B','inputs':['i1'],"
                + "'topicsPattern':'persistent://public/default/p.*','customSerdeInputs':{'i2':'S'},"
                + "'customSchemaInputs':{'i3':'{\\'schemaType\\':\\'AVRO\\',\\'schemaProperties\\':{\\'a\\':\\'b\\'},"
                + "\\'consumerProperties\\':{\\'c\\':\\'d\\'}}'},"
                + "'inputSpecs':{'i4':{'serdeClassName':'S4','receiverQueueSize':7,'poolMessages':true,"
                + "'consumerProperties':{'x':'y'},'schemaProperties':{'p':'q'}}},'runtime':'JAVA'}"
                .replace("\\'", "\\\""));
        assertEquals(tree("{'i1':{'schemaProperties':{},'consumerProperties':{},'poolMessages':false,"
                + "'regexPattern':false},"
                + "'i2':{'serdeClassName':'S','schemaProperties':{},'consumerProperties':{},'poolMessages':false,"
                + "'regexPattern':false},"
                + "'persistent://public/default/p.*':{'schemaProperties':{},'consumerProperties':{},"
                + "'poolMessages':false,'regexPattern':true},"
                + "'i3':{'schemaType':'AVRO','schemaProperties':{'a':'b'},'consumerProperties':{},"
                + "'poolMessages':false,'regexPattern':false},"
                + "'i4':{'serdeClassName':'S4','schemaProperties':{'p':'q'},'consumerProperties':{},"
                + "'receiverQueueSize':7,'poolMessages':true,'regexPattern':false}}"),
                tree(got).get("inputSpecs"));
        assertNull(got.getTopicsPattern());
        assertNull(got.getCustomSerdeInputs());
        assertNull(got.getCustomSchemaInputs());
    }

    @Test
    void inputSpecWithEmptySchemaTypeKeepsItsSerde() {
        FunctionConfig got = create("{'className':'a.B','inputSpecs':{'in':{'schemaType':'','serdeClassName':'S'}},"
                + "'runtime':'JAVA'}");
        assertNull(got.getInputSpecs().get("in").getSchemaType());
        assertEquals("S", got.getInputSpecs().get("in").getSerdeClassName());
    }

    @Test
    void inputSpecWithBlankSchemaTypeAndSerdeIsRejected() {
        assertEquals("Only one of schemaType or serdeClassName should be set in inputSpec",
                createError("{'className':'a.B','inputSpecs':{'in':{'schemaType':' ','serdeClassName':'S'}},"
                        + "'runtime':'JAVA'}"));
    }

    @Test
    void windowFunctionIsStoredAsPulsarDoes() {
        FunctionConfig got = create("{'className':'a.B','inputs':['in'],'runtime':'JAVA',"
                + "'windowConfig':{'windowLengthCount':10},'userConfig':{'k':'v'}}");
        assertEquals(tree("{'tenant':'public','namespace':'default','name':'fn','className':'a.B',"
                + "'inputSpecs':{'in':{'schemaProperties':{},'consumerProperties':{},'poolMessages':false,"
                + "'regexPattern':false}},'producerConfig':{'useThreadLocalProducers':false,'batchBuilder':'',"
                + "'compressionType':'LZ4'},'processingGuarantees':'ATLEAST_ONCE','retainOrdering':false,"
                + "'retainKeyOrdering':false,'forwardSourceMessageProperty':true,'userConfig':{'k':'v'},"
                + "'runtime':'JAVA','autoAck':false,'parallelism':1,"
                + "'resources':{'cpu':1.0,'ram':1073741824,'disk':10737418240},"
                + "'windowConfig':{'windowLengthCount':10,'slidingIntervalCount':10,"
                + "'actualWindowFunctionClassName':'a.B','processingGuarantees':'ATLEAST_ONCE'},"
                + "'cleanupSubscription':true,'subscriptionPosition':'Latest'}"), tree(got));
    }

    @Test
    void windowWithTimestampExtractorGetsLagAndWatermarkDefaults() {
        FunctionConfig got = create("{'className':'a.B','inputs':['in'],'runtime':'JAVA',"
                + "'windowConfig':{'windowLengthDurationMs':5000,'timestampExtractorClassName':'T'},"
                + "'processingGuarantees':'ATMOST_ONCE'}");
        assertEquals(tree("{'windowLengthDurationMs':5000,'slidingIntervalDurationMs':5000,'maxLagMs':0,"
                + "'watermarkEmitIntervalMs':1000,'timestampExtractorClassName':'T',"
                + "'actualWindowFunctionClassName':'a.B','processingGuarantees':'ATMOST_ONCE'}"),
                tree(got).get("windowConfig"));
        assertEquals(FunctionConfig.ProcessingGuarantees.ATMOST_ONCE, got.getProcessingGuarantees());
        assertFalse(got.getAutoAck());
    }

    @Test
    void userConfigNumbersBecomeDoublesAndNullEntriesVanish() {
        FunctionConfig got = create("{'className':'a.B','inputs':['in'],'runtime':'JAVA',"
                + "'userConfig':{'a':1,'b':[1,null,{'c':null}],'d':null,'e':'s','f':true}}");
        assertEquals(tree("{'a':1.0,'b':[1.0,null,{}],'e':'s','f':true}"), tree(got).get("userConfig"));
        assertEquals(1.0, got.getUserConfig().get("a"));
    }

    @Test
    void emptySecretsAreNotStored() {
        assertNull(create("{'className':'a.B','inputs':['in'],'runtime':'JAVA','secrets':{}}").getSecrets());
    }

    @Test
    void forwardSourceMessagePropertyFalseIsNotShown() {
        assertNull(create("{'className':'a.B','inputs':['in'],'runtime':'JAVA','forwardSourceMessageProperty':false}")
                .getForwardSourceMessageProperty());
    }

    @Test
    void workerWithoutForwardSourceMessagePropertyDropsIt() {
        FunctionConfig got = FunctionConfigs.forCreate("public", "default", "fn",
                cfg("{'className':'a.B','inputs':['in'],'runtime':'JAVA','forwardSourceMessageProperty':true}"),
                false);
        assertNull(got.getForwardSourceMessageProperty());
    }

    @Test
    void producerConfigAsStored() {
        FunctionConfig got = create("{'className':'a.B','inputs':['in'],'runtime':'JAVA','batchBuilder':'DEFAULT',"
                + "'producerConfig':{'maxPendingMessages':0,'maxPendingMessagesAcrossPartitions':5,"
                + "'useThreadLocalProducers':true,'batchBuilder':'KEY_BASED','compressionType':'ZSTD'}}");
        assertEquals(tree("{'maxPendingMessagesAcrossPartitions':5,'useThreadLocalProducers':true,"
                + "'batchBuilder':'DEFAULT','compressionType':'ZSTD'}"), tree(got).get("producerConfig"));
    }

    @Test
    void cryptoConfigGetsFailureActionDefaults() {
        FunctionConfig got = create("{'className':'a.B','inputs':['in'],'runtime':'JAVA','producerConfig':{"
                + "'cryptoConfig':{'cryptoKeyReaderClassName':'K','encryptionKeys':['k1'],"
                + "'cryptoKeyReaderConfig':{'a':1,'b':null}}},"
                + "'inputSpecs':{'in2':{'cryptoConfig':{'cryptoKeyReaderClassName':'K',"
                + "'consumerCryptoFailureAction':'CONSUME'}}}}");
        assertEquals(tree("{'cryptoKeyReaderClassName':'K','cryptoKeyReaderConfig':{'a':1.0},'encryptionKeys':['k1'],"
                + "'producerCryptoFailureAction':'FAIL','consumerCryptoFailureAction':'FAIL'}"),
                tree(got).get("producerConfig").get("cryptoConfig"));
        assertEquals(tree("{'cryptoKeyReaderClassName':'K','encryptionKeys':[],"
                + "'producerCryptoFailureAction':'FAIL','consumerCryptoFailureAction':'CONSUME'}"),
                tree(got).get("inputSpecs").get("in2").get("cryptoConfig"));
    }

    @Test
    void partialResourcesAreCompletedWithDefaults() {
        FunctionConfig got = create("{'className':'a.B','inputs':['in'],'runtime':'JAVA','resources':{'ram':2048}}");
        assertEquals(tree("{'cpu':1.0,'ram':2048,'disk':10737418240}"), tree(got).get("resources"));
    }

    @Test
    void negativeRetriesAreNotStored() {
        assertNull(create("{'className':'a.B','inputs':['in'],'runtime':'JAVA','maxMessageRetries':-1}")
                .getMaxMessageRetries());
    }

    @Test
    void blankSubscriptionNameAndEmptyOutputAreNotStored() {
        FunctionConfig got = create("{'className':'a.B','inputs':['in'],'runtime':'JAVA','subName':' ','output':''}");
        assertNull(got.getSubName());
        assertNull(got.getOutput());
    }

    @Test
    void classNameIsTrimmed() {
        assertEquals("a.B", create("{'className':'  a.B\\t','inputs':['in'],'runtime':'JAVA'}").getClassName());
    }

    @Test
    void pathParametersWinOverTheBody() {
        FunctionConfig got = FunctionConfigs.forCreate("t1", "ns1", "f1",
                cfg("{'tenant':'other','namespace':'elsewhere','name':'x','className':'a.B','inputs':['in'],"
                        + "'runtime':'JAVA'}"));
        assertEquals("t1", got.getTenant());
        assertEquals("ns1", got.getNamespace());
        assertEquals("f1", got.getName());
    }

    @Test
    void emptyPathParametersAreInferredAsPulsarDoes() {
        FunctionConfig got = FunctionConfigs.forCreate("", "", "",
                cfg("{'className':'org.example.MyFn','inputs':['in'],'runtime':'JAVA'}"));
        assertEquals("public", got.getTenant());
        assertEquals("default", got.getNamespace());
        assertEquals("MyFn", got.getName());
    }

    @Test
    void resultIsNewAndArgumentIsUntouched() {
        String json = "{'className':'a.B','inputs':['in'],'jar':'f.jar','windowConfig':{'windowLengthCount':10},"
                + "'userConfig':{'a':1},'inputSpecs':{'in2':{'receiverQueueSize':3}}}";
        FunctionConfig submitted = cfg(json);
        FunctionConfig got = FunctionConfigs.forCreate("public", "default", "fn", submitted);
        assertNotSame(submitted, got);
        assertEquals(tree(cfg(json)), tree(submitted));
        assertNull(submitted.getWindowConfig().getSlidingIntervalCount());
    }

    @Test
    void storedConfigIsAFixedPoint() {
        FunctionConfig once = create("{'className':'a.B','inputs':['in'],'runtime':'JAVA','output':'out',"
                + "'windowConfig':{'windowLengthCount':10},'userConfig':{'a':1},'maxMessageRetries':2,"
                + "'deadLetterTopic':'dlt','producerConfig':{'compressionType':'NONE'}}");
        assertEquals(once, FunctionConfigs.forCreate("public", "default", "fn", once));
    }

    @Test
    void pythonFunctionIsValidatedAsPulsarDoes() {
        FunctionConfig got = create("{'className':'fn.Cls','inputs':['in'],'py':'f.py'}");
        assertEquals(FunctionConfig.Runtime.PYTHON, got.getRuntime());
        assertEquals("fn.Cls", got.getClassName());
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Register errors

    @Test
    void tenantIsRequired() {
        assertEquals("Tenant is not provided", assertThrows(IllegalArgumentException.class,
                () -> FunctionConfigs.forCreate(null, "default", "fn", cfg(MINIMAL))).getMessage());
    }

    @Test
    void namespaceIsRequired() {
        assertEquals("Namespace is not provided", assertThrows(IllegalArgumentException.class,
                () -> FunctionConfigs.forCreate("public", null, "fn", cfg(MINIMAL))).getMessage());
    }

    @Test
    void functionNameIsRequired() {
        assertEquals("Function name is not provided", assertThrows(IllegalArgumentException.class,
                () -> FunctionConfigs.forCreate("public", "default", null, cfg(MINIMAL))).getMessage());
    }

    @Test
    void configIsRequired() {
        assertEquals("Function config is not provided", assertThrows(IllegalArgumentException.class,
                () -> FunctionConfigs.forCreate("public", "default", "fn", null)).getMessage());
    }

    @Test
    void pathParametersMustNotEscapeTheirSegment() {
        assertEquals("Invalid named entity: a/b", assertThrows(IllegalArgumentException.class,
                () -> FunctionConfigs.forCreate("public", "default", "a/b", cfg(MINIMAL))).getMessage());
        assertEquals("Invalid named entity: ..", assertThrows(IllegalArgumentException.class,
                () -> FunctionConfigs.forCreate("..", "default", "fn", cfg(MINIMAL))).getMessage());
        assertEquals("Invalid named entity: x/", assertThrows(IllegalArgumentException.class,
                () -> FunctionConfigs.forCreate("public", "x/", "fn", cfg(MINIMAL))).getMessage());
    }

    static Stream<Arguments> invalidConfigs() {
        return Stream.of(
                Arguments.of("{'className':'a.B','inputs':['in']}",
                        "Function language runtime is either not set or cannot be determined"),
                Arguments.of("{'inputs':['in'],'runtime':'JAVA'}", "Function class name is not provided."),
                Arguments.of("{'className':'  ','inputs':['in'],'runtime':'JAVA'}",
                        "Function class name is not provided."),
                Arguments.of("{'className':'a.B','runtime':'JAVA'}", "No input topic(s) specified for the function"),
                Arguments.of("{'className':'a.B','inputs':[],'runtime':'JAVA'}",
                        "No input topic(s) specified for the function"),
                Arguments.of("{'className':'a.B','inputs':['in','a/b'],'runtime':'JAVA'}", "Input topic a/b is invalid"),
                Arguments.of("{'className':'a.B','topicsPattern':'','runtime':'JAVA'}", "Input topic  is invalid"),
                Arguments.of("{'className':'a.B','customSerdeInputs':{'x/y':'S'},'runtime':'JAVA'}",
                        "Input topic x/y is invalid"),
                Arguments.of("{'className':'a.B','customSchemaInputs':{'bad://x/y/z':'{}'},'runtime':'JAVA'}",
                        "Input topic bad://x/y/z is invalid"),
                Arguments.of("{'className':'a.B','inputSpecs':{'persistent://a':{}},'runtime':'JAVA'}",
                        "Input topic persistent://a is invalid"),
                Arguments.of("{'className':'a.B','inputs':['in'],'output':'a/b','runtime':'JAVA'}",
                        "Output topic a/b is invalid"),
                Arguments.of("{'className':'a.B','inputs':['in'],'logTopic':'a/b','runtime':'JAVA'}",
                        "LogTopic topic a/b is invalid"),
                Arguments.of("{'className':'a.B','inputs':['in'],'deadLetterTopic':'a/b','runtime':'JAVA'}",
                        "DeadLetter topic a/b is invalid"),
                Arguments.of("{'className':'a.B','inputs':['in'],'parallelism':0,'runtime':'JAVA'}",
                        "Function parallelism must be a positive number"),
                Arguments.of("{'className':'a.B','inputs':['in'],'parallelism':-3,'runtime':'JAVA'}",
                        "Function parallelism must be a positive number"),
                Arguments.of("{'className':'a.B','inputs':['in'],'output':'in','runtime':'JAVA'}",
                        "Output topic in is also being used as an input topic (topics must be one or the other)"),
                Arguments.of("{'className':'a.B','inputs':['in'],'windowConfig':{},'runtime':'JAVA'}",
                        "Window length is not specified"),
                Arguments.of("{'className':'a.B','inputs':['in'],'windowConfig':{'windowLengthCount':1,"
                        + "'windowLengthDurationMs':1},'runtime':'JAVA'}",
                        "Window length for time and count are set! Please set one or the other."),
                Arguments.of("{'className':'a.B','inputs':['in'],'windowConfig':{'windowLengthCount':0},"
                        + "'runtime':'JAVA'}", "Window length must be positive [0]"),
                Arguments.of("{'className':'a.B','inputs':['in'],'windowConfig':{'windowLengthDurationMs':-5},"
                        + "'runtime':'JAVA'}", "Window length must be positive [-5]"),
                Arguments.of("{'className':'a.B','inputs':['in'],'windowConfig':{'windowLengthCount':5,"
                        + "'slidingIntervalCount':-1},'runtime':'JAVA'}", "Sliding interval must be positive [-1]"),
                Arguments.of("{'className':'a.B','inputs':['in'],'windowConfig':{'windowLengthDurationMs':5,"
                        + "'slidingIntervalDurationMs':0},'runtime':'JAVA'}", "Sliding interval must be positive [0]"),
                Arguments.of("{'className':'a.B','inputs':['in'],'windowConfig':{'windowLengthDurationMs':5,"
                        + "'timestampExtractorClassName':'T','maxLagMs':-1},'runtime':'JAVA'}",
                        "Lag duration must be positive [-1]"),
                Arguments.of("{'className':'a.B','inputs':['in'],'windowConfig':{'windowLengthDurationMs':5,"
                        + "'timestampExtractorClassName':'T','watermarkEmitIntervalMs':0},'runtime':'JAVA'}",
                        "Watermark interval must be positive [0]"),
                Arguments.of("{'className':'a.B','inputs':['in'],'windowConfig':{'windowLengthCount':5},"
                        + "'processingGuarantees':'EFFECTIVELY_ONCE','runtime':'JAVA'}",
                        "Windows Function not support EFFECTIVELY_ONCE delivery semantics."),
                Arguments.of("{'className':'a.B','inputs':['in'],'windowConfig':{'windowLengthCount':5},"
                        + "'processingGuarantees':'MANUAL','runtime':'JAVA'}",
                        "Windows Function not support MANUAL delivery semantics."),
                Arguments.of("{'className':'a.B','inputs':['in'],'resources':{'cpu':0},'runtime':'JAVA'}",
                        "The cpu allocation for the function must be positive"),
                Arguments.of("{'className':'a.B','inputs':['in'],'resources':{'ram':0},'runtime':'JAVA'}",
                        "The ram allocation for the function must be positive"),
                Arguments.of("{'className':'a.B','inputs':['in'],'resources':{'disk':-1},'runtime':'JAVA'}",
                        "The disk allocation for the function must be positive"),
                Arguments.of("{'className':'a.B','inputs':['in'],'timeoutMs':0,'runtime':'JAVA'}",
                        "Function timeout must be a positive number"),
                Arguments.of("{'className':'a.B','inputs':['in'],'timeoutMs':10,'processingGuarantees':'ATMOST_ONCE',"
                        + "'runtime':'JAVA'}",
                        "Message timeout can only be specified with processing guarantee is ATLEAST_ONCE"),
                Arguments.of("{'className':'a.B','inputs':['in'],'maxMessageRetries':0,"
                        + "'processingGuarantees':'EFFECTIVELY_ONCE','runtime':'JAVA'}",
                        "MaxMessageRetries and Effectively once don't gel well"),
                Arguments.of("{'className':'a.B','inputs':['in'],'deadLetterTopic':'dlt','runtime':'JAVA'}",
                        "Dead Letter Topic specified, however max retries is set to infinity"),
                Arguments.of("{'className':'a.B','inputs':['in'],'deadLetterTopic':'dlt','maxMessageRetries':-1,"
                        + "'runtime':'JAVA'}", "Dead Letter Topic specified, however max retries is set to infinity"),
                Arguments.of("{'className':'a.B','inputs':['in'],'retainKeyOrdering':true,"
                        + "'processingGuarantees':'EFFECTIVELY_ONCE','runtime':'JAVA'}",
                        "When effectively once processing guarantee is specified, retain Key ordering cannot be set"),
                Arguments.of("{'className':'a.B','inputs':['in'],'retainKeyOrdering':true,'retainOrdering':true,"
                        + "'runtime':'JAVA'}", "Only one of retain ordering or retain key ordering can be set"),
                Arguments.of("{'className':'a.B','inputSpecs':{'in':{'receiverQueueSize':-1}},'runtime':'JAVA'}",
                        "Receiver queue size should be >= zero"),
                Arguments.of("{'className':'a.B','inputSpecs':{'in':{'cryptoConfig':{'cryptoKeyReaderClassName':' '}}},"
                        + "'runtime':'JAVA'}", "CryptoKeyReader class name required"),
                Arguments.of("{'className':'a.B','inputs':['in'],'producerConfig':{'cryptoConfig':{"
                        + "'encryptionKeys':['k']}},'runtime':'JAVA'}", "CryptoKeyReader class name required"),
                Arguments.of("{'className':'a.B','inputs':['in'],'producerConfig':{'cryptoConfig':{"
                        + "'cryptoKeyReaderClassName':'K'}},'runtime':'JAVA'}",
                        "Must provide encryption key name for crypto key reader"),
                Arguments.of("{'className':'a.B','customSchemaInputs':{'in':'AVRO'},'runtime':'JAVA'}",
                        "Topic in has an incorrect schema Info"),
                Arguments.of("{'className':'a.B','customSchemaInputs':{'in':'{}'},'runtime':'JAVA'}",
                        "Incorrect custom schema inputs,Topic in "),
                Arguments.of("{'className':'a.B','inputSpecs':{'in':{'schemaType':'AVRO','serdeClassName':'S'}},"
                        + "'runtime':'JAVA'}", "Only one of schemaType or serdeClassName should be set in inputSpec"),
                Arguments.of("{'className':'a.B','inputs':['in'],'output':'out','customSchemaOutputs':{'out':'nope'},"
                        + "'runtime':'JAVA'}", "Incorrect custom schema outputs,Topic out "),
                Arguments.of("{'className':'a.B','inputs':['in'],'autoAck':false,'processingGuarantees':'ATMOST_ONCE',"
                        + "'runtime':'JAVA'}", "When Guarantees == ATMOST_ONCE, autoAck must be equal to true. This is"
                        + " a contradictory configuration, autoAck will be removed later. Please refer to PIP:"
                        + " https://github.com/apache/pulsar/issues/15560"),
                Arguments.of("{'className':'a.B','inputs':['in'],'py':'builtin://x','runtime':'JAVA'}",
                        "The supplied python file does not exist"),
                Arguments.of("{'className':'a.B','inputs':['in'],'go':'builtin://../x','runtime':'JAVA'}",
                        "Invalid filename: builtin://../x"),
                Arguments.of("{'inputs':['in'],'py':'f.py'}", "Function classname cannot be null"),
                Arguments.of("{'className':'a.B','inputs':['in'],'py':'f.py','processingGuarantees':'EFFECTIVELY_ONCE'}",
                        "Effectively-once processing guarantees not yet supported in Python"),
                Arguments.of("{'className':'a.B','inputs':['in'],'py':'f.py','windowConfig':{'windowLengthCount':2}}",
                        "There is currently no support windowing in python"),
                Arguments.of("{'className':'a.B','inputs':['in'],'py':'f.py','maxMessageRetries':1}",
                        "Message retries not yet supported in python"),
                Arguments.of("{'inputs':['in'],'go':'f','processingGuarantees':'EFFECTIVELY_ONCE'}",
                        "Effectively-once processing guarantees not yet supported in Go function"),
                Arguments.of("{'inputs':['in'],'go':'f','windowConfig':{'windowLengthCount':2}}",
                        "Windowing is not supported in Go function yet"),
                Arguments.of("{'inputs':['in'],'go':'f','maxMessageRetries':0}",
                        "Message retries not yet supported in Go function"),
                Arguments.of("{'inputs':['in'],'go':'f','retainKeyOrdering':true}",
                        "Retain Key Orderering not yet supported in Go function"));
    }

    @ParameterizedTest
    @MethodSource("invalidConfigs")
    void invalidConfigIsRejectedWithPulsarsMessage(String json, String message) {
        assertEquals(message, createError(json));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Update

    @Test
    void emptyUpdateChangesNothing() {
        assertEquals(create(MINIMAL), update(MINIMAL, "{}"));
    }

    @Test
    void updateOverridesWhatIsPresentAndKeepsTheRest() {
        FunctionConfig got = update("{'className':'a.B','inputs':['in'],'runtime':'JAVA','output':'o1',"
                        + "'logTopic':'l1','userConfig':{'a':1,'b':2},'resources':{'cpu':2.0,'ram':100},"
                        + "'timeoutMs':50,'subName':'sub'}",
                "{'className':'c.D','parallelism':4,'output':'o2','userConfig':{'c':3},"
                        + "'maxMessageRetries':2,'deadLetterTopic':'dlt','cleanupSubscription':false,"
                        + "'runtimeFlags':'-Xmx2g','customRuntimeOptions':'opts','secrets':{'s':'v'}}");
        assertEquals("c.D", got.getClassName());
        assertEquals(4, got.getParallelism());
        assertEquals("o2", got.getOutput());
        assertEquals("l1", got.getLogTopic());
        assertEquals(Map.of("c", 3.0), got.getUserConfig());
        assertEquals(tree("{'cpu':2.0,'ram':100,'disk':10737418240}"), tree(got).get("resources"));
        assertEquals(50L, got.getTimeoutMs());
        assertEquals(2, got.getMaxMessageRetries());
        assertEquals("dlt", got.getDeadLetterTopic());
        assertFalse(got.getCleanupSubscription());
        assertEquals("-Xmx2g", got.getRuntimeFlags());
        assertEquals("opts", got.getCustomRuntimeOptions());
        assertEquals(Map.of("s", "v"), got.getSecrets());
        assertEquals("sub", got.getSubName());
        assertEquals(Map.of("in", create(MINIMAL).getInputSpecs().get("in")), got.getInputSpecs());
    }

    @Test
    void updateMergesResourcesFieldByField() {
        FunctionConfig existing = create("{'className':'a.B','inputs':['in'],'runtime':'JAVA',"
                + "'resources':{'cpu':2.0,'ram':100,'disk':200}}");
        FunctionConfig submitted = new FunctionConfig();
        submitted.setResources(new Resources(3.0, null, null));
        FunctionConfig got = FunctionConfigs.forUpdate(existing, submitted, "public", "default", "fn");
        assertEquals(tree("{'cpu':3.0,'ram':100,'disk':200}"), tree(got).get("resources"));
    }

    @Test
    void resourcesFromJsonComeWithDefaultsSoAnUpdateResetsTheOthers() {
        // Resources' no-arg constructor (used by JSON binding, Pulsar's too) fills in the defaults.
        FunctionConfig got = update("{'className':'a.B','inputs':['in'],'runtime':'JAVA',"
                + "'resources':{'cpu':2.0,'ram':100,'disk':200}}", "{'resources':{'cpu':3.0}}");
        assertEquals(tree("{'cpu':3.0,'ram':1073741824,'disk':10737418240}"), tree(got).get("resources"));
    }

    @Test
    void updateReplacesTheProducerConfigWhole() {
        FunctionConfig got = update("{'className':'a.B','inputs':['in'],'runtime':'JAVA',"
                + "'producerConfig':{'maxPendingMessages':9,'compressionType':'ZLIB'}}",
                "{'producerConfig':{'compressionType':'SNAPPY'}}");
        assertEquals(tree("{'useThreadLocalProducers':false,'batchBuilder':'','compressionType':'SNAPPY'}"),
                tree(got).get("producerConfig"));
    }

    @Test
    void updateCanChangeInputSpecsOfExistingTopics() {
        FunctionConfig got = update(MINIMAL, "{'inputSpecs':{'in':{'receiverQueueSize':5}}}");
        assertEquals(5, got.getInputSpecs().get("in").getReceiverQueueSize());
    }

    @Test
    void updateWithTheSameInputsIsAccepted() {
        assertEquals(create(MINIMAL), update(MINIMAL, "{'inputs':['in'],'className':'a.B','runtime':'JAVA',"
                + "'processingGuarantees':'ATLEAST_ONCE','retainOrdering':false,'retainKeyOrdering':false,"
                + "'autoAck':true}"));
    }

    @Test
    void updateCanAddAWindow() {
        FunctionConfig got = update(MINIMAL, "{'windowConfig':{'windowLengthCount':3}}");
        assertEquals(3, got.getWindowConfig().getSlidingIntervalCount());
        assertEquals("a.B", got.getClassName());
    }

    @Test
    void updateIgnoresWhatPulsarDoesNotMerge() {
        FunctionConfig got = update(MINIMAL, "{'subscriptionPosition':'Earliest','skipToLatest':true,"
                + "'forwardSourceMessageProperty':false,'batchBuilder':'KEY_BASED','topicsPattern':''}");
        assertEquals(create(MINIMAL), got);
    }

    @Test
    void updatedConfigIsValidatedLikeACreate() {
        assertEquals("Function parallelism must be a positive number", updateError(MINIMAL, "{'parallelism':0}"));
        assertEquals("Output topic in is also being used as an input topic (topics must be one or the other)",
                updateError(MINIMAL, "{'output':'in'}"));
        assertEquals("Dead Letter Topic specified, however max retries is set to infinity",
                updateError(MINIMAL, "{'deadLetterTopic':'dlt'}"));
    }

    @Test
    void updateDoesNotTouchItsArguments() {
        FunctionConfig existing = create(MINIMAL);
        JsonNode existingBefore = tree(existing);
        String json = "{'inputs':['in'],'inputSpecs':{'in':{'receiverQueueSize':5}},'parallelism':2,"
                + "'windowConfig':{'windowLengthCount':3}}";
        FunctionConfig submitted = cfg(json);
        FunctionConfig got = FunctionConfigs.forUpdate(existing, submitted, "public", "default", "fn");
        assertEquals(existingBefore, tree(existing));
        assertEquals(tree(cfg(json)), tree(submitted));
        assertNotSame(existing, got);
    }

    @Test
    void updateRequiresItsParameters() {
        FunctionConfig existing = create(MINIMAL);
        assertEquals("Tenant is not provided", assertThrows(IllegalArgumentException.class,
                () -> FunctionConfigs.forUpdate(existing, cfg("{}"), null, "default", "fn")).getMessage());
        assertEquals("Namespace is not provided", assertThrows(IllegalArgumentException.class,
                () -> FunctionConfigs.forUpdate(existing, cfg("{}"), "public", null, "fn")).getMessage());
        assertEquals("Function name is not provided", assertThrows(IllegalArgumentException.class,
                () -> FunctionConfigs.forUpdate(existing, cfg("{}"), "public", "default", null)).getMessage());
        assertEquals("Function config is not provided", assertThrows(IllegalArgumentException.class,
                () -> FunctionConfigs.forUpdate(existing, null, "public", "default", "fn")).getMessage());
        assertEquals("Function fn doesn't exist", assertThrows(IllegalArgumentException.class,
                () -> FunctionConfigs.forUpdate(null, cfg("{}"), "public", "default", "fn")).getMessage());
    }

    @Test
    void tenantNamespaceAndNameCannotDiffer() {
        FunctionConfig existing = create(MINIMAL);
        assertEquals("Tenants differ", assertThrows(IllegalArgumentException.class,
                () -> FunctionConfigs.forUpdate(existing, cfg("{}"), "other", "default", "fn")).getMessage());
        assertEquals("Namespaces differ", assertThrows(IllegalArgumentException.class,
                () -> FunctionConfigs.forUpdate(existing, cfg("{}"), "public", "other", "fn")).getMessage());
        assertEquals("Function Names differ", assertThrows(IllegalArgumentException.class,
                () -> FunctionConfigs.forUpdate(existing, cfg("{}"), "public", "default", "other")).getMessage());
    }

    @Test
    void bodyTenantDoesNotCountInAnUpdate() {
        assertEquals(create(MINIMAL), update(MINIMAL, "{'tenant':'other','namespace':'x','name':'y'}"));
    }

    static Stream<Arguments> forbiddenUpdates() {
        String pattern = "{'className':'a.B','topicsPattern':'persistent://public/default/t.*','runtime':'JAVA'}";
        String withSub = "{'className':'a.B','inputs':['in'],'subName':'s1','runtime':'JAVA'}";
        return Stream.of(
                Arguments.of(MINIMAL, "{'inputs':['in2']}", "Input Topics cannot be altered"),
                Arguments.of(MINIMAL, "{'topicsPattern':'persistent://public/default/x.*'}",
                        "Input Topics cannot be altered"),
                Arguments.of(MINIMAL, "{'customSerdeInputs':{'other':'S'}}", "Input Topics cannot be altered"),
                Arguments.of(MINIMAL, "{'customSchemaInputs':{'other':'AVRO'}}", "Input Topics cannot be altered"),
                Arguments.of(MINIMAL, "{'inputSpecs':{'other':{}}}", "Input Topics cannot be altered"),
                Arguments.of(MINIMAL, "{'inputSpecs':{'in':{'regexPattern':true}}}",
                        "isRegexPattern for input topic in cannot be altered"),
                Arguments.of(pattern, "{'inputs':['persistent://public/default/t.*']}",
                        "isRegexPattern for input topic persistent://public/default/t.* cannot be altered"),
                Arguments.of(MINIMAL, "{'outputSerdeClassName':'S'}", "Output Serde mismatch"),
                Arguments.of(MINIMAL, "{'outputSchemaType':'AVRO'}", "Output Schema mismatch"),
                Arguments.of(MINIMAL, "{'processingGuarantees':'ATMOST_ONCE'}",
                        "Processing Guarantees cannot be altered"),
                Arguments.of(MINIMAL, "{'retainOrdering':true}", "Retain Ordering cannot be altered"),
                Arguments.of(MINIMAL, "{'retainKeyOrdering':true}", "Retain Key Ordering cannot be altered"),
                Arguments.of(MINIMAL, "{'runtime':'PYTHON'}", "Runtime cannot be altered"),
                Arguments.of(MINIMAL, "{'autoAck':false}", "AutoAck cannot be altered"),
                Arguments.of(MINIMAL, "{'subName':'s2'}", "Subscription Name cannot be altered"),
                Arguments.of(withSub, "{'subName':'s2'}", "Subscription Name cannot be altered"));
    }

    @ParameterizedTest
    @MethodSource("forbiddenUpdates")
    void whatCannotChangeIsRejectedWithPulsarsMessage(String createJson, String updateJson, String message) {
        assertEquals(message, updateError(createJson, updateJson));
    }

    @Test
    void unchangedGuardedFieldsAreAccepted() {
        String withSub = "{'className':'a.B','inputs':['in'],'subName':'s1','runtime':'JAVA',"
                + "'outputSerdeClassName':'S','output':'out'}";
        assertEquals(create(withSub), update(withSub, "{'subName':'s1','outputSerdeClassName':'S'}"));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // "Update contains no change"

    private static boolean noChange(String createJson, String updateJson) {
        FunctionConfig existing = create(createJson);
        FunctionConfig merged = FunctionConfigMerge.merge(existing, cfg(updateJson), "public", "default", "fn");
        return FunctionConfigMerge.sameConfig(existing, merged);
    }

    @Test
    void emptyUpdateIsNoChange() {
        assertTrue(noChange(MINIMAL, "{}"));
    }

    @Test
    void restatingTheConfigIsNoChange() {
        assertTrue(noChange(MINIMAL, MINIMAL));
        assertTrue(noChange(MINIMAL, "{'resources':{'cpu':1.0},'parallelism':1}"));
    }

    @Test
    void changedParallelismIsAChange() {
        assertFalse(noChange(MINIMAL, "{'parallelism':2}"));
    }

    @Test
    void changedOutputIsAChange() {
        assertFalse(noChange(MINIMAL, "{'output':'out'}"));
    }

    @Test
    void inputSpecChangesAreNoChangeAsInPulsar() {
        // Pulsar's merged config shares the existing inputSpecs map, so it never sees these.
        assertTrue(noChange(MINIMAL, "{'inputSpecs':{'in':{'receiverQueueSize':5}}}"));
    }

    @Test
    void restatedIntegerUserConfigIsAChangeAsInPulsar() {
        // Stored user config numbers are doubles; the submitted ones are integers.
        assertFalse(noChange("{'className':'a.B','inputs':['in'],'runtime':'JAVA','userConfig':{'a':1}}",
                "{'userConfig':{'a':1}}"));
    }

    @Test
    void partialProducerConfigIsAChangeAsInPulsar() {
        assertFalse(noChange(MINIMAL, "{'producerConfig':{'compressionType':'LZ4'}}"));
    }

    @Test
    void sameConfigIsLombokEquality() {
        assertTrue(FunctionConfigMerge.sameConfig(create(MINIMAL), create(MINIMAL)));
        assertEquals(create(MINIMAL), create(MINIMAL));
        assertNotEquals(create(MINIMAL), create("{'className':'a.C','inputs':['in'],'runtime':'JAVA'}"));
        assertFalse(FunctionConfigMerge.sameConfig(create(MINIMAL),
                create("{'className':'a.B','inputs':['in'],'runtime':'JAVA','logTopic':'log'}")));
        assertFalse(FunctionConfigMerge.sameConfig(create(MINIMAL), null));
        assertTrue(FunctionConfigMerge.sameConfig(null, null));
    }

    @Test
    void mergeKeepsUnsetFieldsOfTheExistingConfig() {
        FunctionConfig existing = create("{'className':'a.B','inputs':['in'],'runtime':'JAVA','logTopic':'log'}");
        FunctionConfig merged = FunctionConfigMerge.merge(existing, cfg("{'parallelism':3}"), "public", "default", "fn");
        assertEquals("log", merged.getLogTopic());
        assertEquals(3, merged.getParallelism());
        assertEquals(List.of("in"), List.copyOf(merged.getInputSpecs().keySet()));
    }

    // issue 11 (RestFuzzIT): a JSON null inside an input collection was a NullPointerException, answered 500
    @ParameterizedTest
    @ValueSource(strings = {
        "{'className':'a.B','inputs':['in'],'inputSpecs':{'in2':null},'runtime':'JAVA'}",
        "{'className':'a.B','inputs':['in',null],'runtime':'JAVA'}",
        "{'className':'a.B','customSerdeInputs':{'in':null},'runtime':'JAVA'}",
        "{'className':'a.B','inputs':['in'],'customSchemaInputs':{'in2':null},'runtime':'JAVA'}"})
    void aNullInsideTheInputsIsRefusedWithAReason(String json) {
        String field = json.contains("inputSpecs") ? "inputSpecs" : json.contains("Serde") ? "customSerdeInputs"
                : json.contains("Schema") ? "customSchemaInputs" : "inputs";
        assertTrue(createError(json).startsWith("Invalid function config: " + field), createError(json));
        assertTrue(updateError(MINIMAL, json).startsWith("Invalid function config: " + field),
                updateError(MINIMAL, json));
    }
}
