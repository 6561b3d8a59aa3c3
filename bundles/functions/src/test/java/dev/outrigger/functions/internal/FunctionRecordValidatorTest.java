package dev.outrigger.functions.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.RETURNS_DEEP_STUBS;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outrigger.api.functions.FunctionServiceException;
import dev.outrigger.api.functions.PackageUpload;
import dev.outrigger.api.metadata.ComponentType;
import dev.outrigger.api.metadata.FunctionKey;
import dev.outrigger.api.metadata.FunctionMetadata;
import dev.outrigger.api.metadata.FunctionMetadataStore;
import dev.outrigger.api.metadata.InstanceState;
import dev.outrigger.api.metadata.InvalidMetadataException;
import dev.outrigger.api.metadata.MetadataUnavailableException;
import dev.outrigger.api.packages.PackageOwner;
import dev.outrigger.api.packages.PackageRef;
import dev.outrigger.api.packages.PackageStore;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The leader's judgement of a forwarded function record: whatever the public path ({@link Functions}) writes passes,
 * and what it would never write (an invalid config, a config of another key, another component's package, a URL the
 * worker does not accept, a change an update may not make) is refused with the public path's reason.
 */
class FunctionRecordValidatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final FunctionKey KEY = new FunctionKey("public", "default", "fn");
    private static final String SHA = "ab".repeat(32);

    private final FunctionMetadataStore metadata = mock(FunctionMetadataStore.class);
    private final PulsarAdmin admin = mock(PulsarAdmin.class, RETURNS_DEEP_STUBS);
    private final PackageStore bookkeeper = mock(PackageStore.class);
    private final PackageStore urls = mock(PackageStore.class);
    private final PackagePaths paths = mock(PackagePaths.class);
    private final AtomicLong ledgers = new AtomicLong(100);
    private final List<FunctionMetadata> others = new ArrayList<>();
    private PackageStores stores;
    private FunctionRecordValidator validator;

    @BeforeEach
    void setUp() throws Exception {
        stores = new PackageStores();
        stores.addStore(bookkeeper, Map.of(PackageStore.SCHEMES, "bookkeeper"));
        stores.addStore(urls, Map.of(PackageStore.SCHEMES, new String[] {"http", "https", "file"}));
        when(bookkeeper.store(any(PackageOwner.class), anyString(), any())).thenAnswer(
                call -> new PackageRef("bookkeeper://ledger/" + ledgers.incrementAndGet(), SHA, 3));
        when(admin.namespaces().getNamespaces("public")).thenReturn(List.of("public/default"));
        when(metadata.all()).thenAnswer(call -> List.copyOf(others));
        when(paths.pathOf(anyString())).thenReturn(Optional.empty());
        validator = new FunctionRecordValidator(metadata, admin, stores, paths);
    }

    /** As pulsar-admin submits it: with the runtime. */
    private static FunctionConfig config(String json) throws Exception {
        FunctionConfig config = JSON.readValue(json.replace('\'', '"'), FunctionConfig.class);
        return config.getClassName() == null ? config
                : config.toBuilder().runtime(FunctionConfig.Runtime.JAVA).build();
    }

    private static PackageUpload upload() {
        return new PackageUpload("fn.jar", new ByteArrayInputStream(new byte[] {1, 2, 3}));
    }

    /** A record as register writes it: the config as submitted, with the request's names. */
    private static FunctionMetadata record(String configJson, PackageRef ref) throws Exception {
        FunctionConfig config = config(configJson).toBuilder().tenant("public").namespace("default").name("fn")
                .build();
        return new FunctionMetadata(KEY, ComponentType.FUNCTION, 0, 42L, Functions.toJson(config), ref, Map.of());
    }

    private static PackageRef ledger(long id) {
        return new PackageRef("bookkeeper://ledger/" + id, SHA, 3);
    }

    private String refusal(FunctionMetadata current, FunctionMetadata proposed) {
        return assertThrows(InvalidMetadataException.class, () -> validator.validate(current, proposed))
                .getMessage();
    }

    // --- everything the public path writes passes

    /**
     * Drives the real public path (register, updates with and without a package or config, stop, start, a package
     * URL) and hands every record it writes to the validator, against the record it replaces.
     */
    @ParameterizedTest
    @ValueSource(strings = {
            "{'className':'a.B','inputs':['persistent://public/default/in'],'runtime':'JAVA'}",
            "{'className':'a.B','topicsPattern':'persistent://public/default/in-.*','output':'out',"
                    + "'processingGuarantees':'EFFECTIVELY_ONCE','subName':'s','retainOrdering':true}",
            "{'className':'a.B','customSerdeInputs':{'in':'a.Serde'},'outputSerdeClassName':'a.Out',"
                    + "'userConfig':{'n':1},'secrets':{'s':'S'},'parallelism':2}",
            "{'className':'a.B','inputs':['in'],'windowConfig':{'windowLengthCount':10},'autoAck':true}",
            "{'className':'a.B','inputSpecs':{'in':{'schemaType':'JSON','receiverQueueSize':5}},"
                    + "'maxMessageRetries':3,'deadLetterTopic':'dlt','jar':'x.jar','subName':' '}"})
    void everyRecordThePublicPathWritesIsAccepted(String submitted) throws Exception {
        List<FunctionMetadata> written = new ArrayList<>();
        when(metadata.write(any())).thenAnswer(call -> {
            FunctionMetadata proposed = call.getArgument(0);
            FunctionMetadata current = written.isEmpty() ? null : written.get(written.size() - 1);
            validator.validate(current, proposed);
            written.add(proposed);
            return CompletableFuture.completedFuture(proposed);
        });
        when(metadata.get(KEY)).thenAnswer(call -> written.isEmpty() ? Optional.empty()
                : Optional.of(written.get(written.size() - 1)));
        Functions functions = new Functions(metadata, admin, mock(PulsarClient.class), stores);

        functions.register("public", "default", "fn", config(submitted), upload(), null);
        functions.stop("public", "default", "fn", 0);
        functions.update("public", "default", "fn", config("{'parallelism':3}"), null, null);
        functions.update("public", "default", "fn", null, upload(), null);
        functions.update("public", "default", "fn", config("{'userConfig':{'k':'v'},'logTopic':'log'}"), upload(),
                null);
        functions.start("public", "default", "fn", null);
        functions.update("public", "default", "fn", null, null, "https://example.com/fn.jar");

        assertEquals(7, written.size(), "every write was judged and accepted");
    }

    // --- the config

    @Test
    void anInvalidConfigIsRefusedWithThePublicPathsReason() throws Exception {
        String invalid = "{'className':'a.B','inputs':['in'],'parallelism':0}";
        String publicReason = assertThrows(FunctionServiceException.class, () -> new Functions(metadata, admin,
                mock(PulsarClient.class), stores).register("public", "default", "fn", config(invalid), upload(), null))
                .getMessage();
        assertEquals("Function parallelism must be a positive number", publicReason);
        assertEquals(publicReason, refusal(null, record(invalid, ledger(1))));
    }

    @Test
    void aConfigThatIsNotAFunctionConfigIsRefused() throws Exception {
        FunctionMetadata notJson = new FunctionMetadata(KEY, ComponentType.FUNCTION, 0, 42L, "{not json", ledger(1),
                Map.of());
        assertTrue(refusal(null, notJson).startsWith("The config of public/default/fn is not a function config"));
    }

    @Test
    void aConfigNamingAnotherFunctionIsRefused() throws Exception {
        FunctionMetadata valid = record("{'className':'a.B','inputs':['in']}", ledger(1));
        for (String other : List.of("{'tenant':'other'}", "{'namespace':'other'}", "{'name':'other'}",
                "{'name':null}")) {
            var config = JSON.readTree(valid.config()).deepCopy();
            ((com.fasterxml.jackson.databind.node.ObjectNode) config).setAll(
                    (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(other.replace('\'', '"')));
            FunctionMetadata forged = new FunctionMetadata(KEY, ComponentType.FUNCTION, 0, 42L, config.toString(),
                    valid.packageRef(), Map.of());
            assertTrue(refusal(null, forged).endsWith("but the record is public/default/fn"), other);
        }
    }

    @Test
    void anUpdateMayNotAlterWhatThePublicUpdateMayNot() throws Exception {
        FunctionMetadata current = record("{'className':'a.B','inputs':['in']}", ledger(1));
        FunctionConfig view = Functions.view(current);

        FunctionConfig guarantees = view.toBuilder()
                .processingGuarantees(FunctionConfig.ProcessingGuarantees.ATMOST_ONCE).build();
        assertEquals("Processing Guarantees cannot be altered",
                refusal(current, current.update(Functions.toJson(guarantees), current.packageRef())));

        FunctionConfig inputs = view.toBuilder().inputSpecs(null).inputs(List.of("elsewhere")).build();
        assertEquals("Input Topics cannot be altered",
                refusal(current, current.update(Functions.toJson(inputs), current.packageRef())));

        FunctionConfig parallelism = view.toBuilder().parallelism(5).build();
        validator.validate(current, current.update(Functions.toJson(parallelism), current.packageRef()));
    }

    @Test
    void typeCreateTimeAndInstanceIdsStayAsThePublicPathKeepsThem() throws Exception {
        FunctionMetadata current = record("{'className':'a.B','inputs':['in']}", ledger(1));
        FunctionMetadata source = new FunctionMetadata(KEY, ComponentType.SOURCE, 0, 42L, current.config(),
                current.packageRef(), Map.of());
        assertEquals("public/default/fn is a source record, not a function's", refusal(null, source));
        assertEquals("public/default/fn exists as a source, not as a function",
                refusal(source, current.update(current.config(), current.packageRef())));

        FunctionMetadata moved = new FunctionMetadata(KEY, ComponentType.FUNCTION, 1, 7L, current.config(),
                current.packageRef(), Map.of());
        assertTrue(refusal(current, moved).startsWith("The create time of public/default/fn is 42"));

        FunctionMetadata negative = current.withInstanceStates(Map.of(-1, InstanceState.STOPPED));
        assertTrue(refusal(current, negative).startsWith("Invalid InstanceId -1"));
    }

    // --- the package

    @Test
    void aFunctionWithoutAPackageIsRefused() throws Exception {
        assertEquals("Function package is not provided",
                refusal(null, record("{'className':'a.B','inputs':['in']}", null)));
    }

    @Test
    void anotherComponentsLedgerIsRefused() throws Exception {
        others.add(new FunctionMetadata(new FunctionKey("other", "ns", "theirs"), ComponentType.FUNCTION, 4, 1L,
                "{}", ledger(7), Map.of()));
        assertEquals("Package bookkeeper://ledger/7 is the package of other/ns/theirs, not of public/default/fn",
                refusal(null, record("{'className':'a.B','inputs':['in']}", ledger(7))));
        // the same as a new version of an existing function
        FunctionMetadata current = record("{'className':'a.B','inputs':['in']}", ledger(1));
        assertTrue(refusal(current, current.update(current.config(), ledger(7)))
                .startsWith("Package bookkeeper://ledger/7 is the package of other/ns/theirs"));
        // its own new ledger is fine
        validator.validate(current, current.update(current.config(), ledger(8)));
    }

    @Test
    void aLedgerUploadedByPathIsRefused() throws Exception {
        when(paths.pathOf("bookkeeper://ledger/9")).thenReturn(Optional.of("shared/fn.jar"));
        assertEquals("Package bookkeeper://ledger/9 is the package uploaded at path shared/fn.jar, not one of "
                        + "public/default/fn",
                refusal(null, record("{'className':'a.B','inputs':['in']}", ledger(9))));
    }

    @Test
    void aLedgerWithoutItsDigestIsRefused() throws Exception {
        assertTrue(refusal(null, record("{'className':'a.B','inputs':['in']}",
                new PackageRef("bookkeeper://ledger/3", null, -1))).contains("has no SHA-256"));
    }

    @Test
    void aUrlTheWorkerDoesNotAcceptIsRefusedAsOnRegister() throws Exception {
        String config = "{'className':'a.B','inputs':['in']}";
        assertEquals("Unsupported package url ftp://example.com/fn.jar (supported schemes: [file, http, https])",
                refusal(null, record(config, new PackageRef("ftp://example.com/fn.jar", null, -1))));
        validator.validate(null, record(config, new PackageRef("https://example.com/fn.jar", null, -1)));

        // a store's own refusal is the reason, as on register
        org.mockito.Mockito.doThrow(new dev.outrigger.api.packages.PackageException(
                dev.outrigger.api.packages.PackageException.Reason.INVALID, "file URLs are off"))
                .when(urls).checkUrl("file:///tmp/fn.jar");
        assertEquals("file URLs are off",
                refusal(null, record(config, new PackageRef("file:///tmp/fn.jar", null, -1))));
    }

    @Test
    void theUnchangedPackageOfTheCurrentVersionIsNotJudgedAgain() throws Exception {
        // a URL the stores refuse now (say package management was turned off) stays usable, as on a public update
        FunctionMetadata current = record("{'className':'a.B','inputs':['in']}",
                new PackageRef("function://public/default/pkg@1", null, -1));
        validator.validate(current, current.withInstanceStates(Map.of(0, InstanceState.STOPPED)));
        assertTrue(refusal(null, record("{'className':'a.B','inputs':['in']}",
                new PackageRef("function://public/default/pkg@1", null, -1))).startsWith("Unsupported package url"));
    }

    @Test
    void aBookKeeperUrlIsNeverAUsersPackageUrl() throws Exception {
        // the public path: naming a ledger would reach (and, on deregister, delete) another function's package
        Functions functions = new Functions(metadata, admin, mock(PulsarClient.class), stores);
        when(metadata.get(any())).thenReturn(Optional.empty());
        FunctionServiceException e = assertThrows(FunctionServiceException.class, () -> functions.register(
                "public", "default", "fn", config("{'className':'a.B','inputs':['in']}"), null,
                "bookkeeper://ledger/7"));
        assertEquals(FunctionServiceException.Kind.BAD_REQUEST, e.kind());
        assertEquals("Unsupported package url bookkeeper://ledger/7 (supported schemes: [file, http, https])",
                e.getMessage());
    }

    @Test
    void withoutThePathIndexANewLedgerCannotBeJudged() throws Exception {
        FunctionRecordValidator noIndex = new FunctionRecordValidator(metadata, admin, stores, null);
        assertThrows(MetadataUnavailableException.class,
                () -> noIndex.validate(null, record("{'className':'a.B','inputs':['in']}", ledger(1))));
        // a URL needs no index
        noIndex.validate(null, record("{'className':'a.B','inputs':['in']}",
                new PackageRef("https://example.com/fn.jar", null, -1)));
    }

    // --- tenant and namespace of a new function

    @Test
    void aNewFunctionNeedsItsTenantAndNamespaceAsOnRegister() throws Exception {
        FunctionMetadata valid = record("{'className':'a.B','inputs':['in']}", ledger(1));
        when(admin.namespaces().getNamespaces("public")).thenReturn(List.of("public/other"));
        assertEquals("Namespace public/default does not exist", refusal(null, valid));
        // an existing function is not asked about (the public update does not ask either)
        validator.validate(valid, valid.update(valid.config(), valid.packageRef()));

        when(admin.namespaces().getNamespaces("public")).thenThrow(new PulsarAdminException("broker away"));
        assertThrows(MetadataUnavailableException.class, () -> validator.validate(null, valid));
    }
}
