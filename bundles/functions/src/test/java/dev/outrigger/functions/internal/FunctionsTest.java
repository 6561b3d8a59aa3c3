package dev.outrigger.functions.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.RETURNS_DEEP_STUBS;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.outrigger.api.functions.FunctionServiceException;
import dev.outrigger.api.functions.PackageUpload;
import dev.outrigger.api.metadata.FunctionKey;
import dev.outrigger.api.metadata.FunctionMetadata;
import dev.outrigger.api.metadata.FunctionMetadataStore;
import dev.outrigger.api.metadata.MetadataUnavailableException;
import dev.outrigger.api.metadata.StaleVersionException;
import dev.outrigger.api.packages.PackageRef;
import dev.outrigger.api.packages.PackageStore;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FunctionsTest {

    private final FunctionMetadataStore metadata = mock(FunctionMetadataStore.class);
    private final PulsarAdmin admin = mock(PulsarAdmin.class, RETURNS_DEEP_STUBS);
    private final PackageStore bookkeeper = mock(PackageStore.class);
    private final PackageRef stored = new PackageRef("bookkeeper://ledger/7", "ab", 3);
    private Functions functions;

    @BeforeEach
    void setUp() throws Exception {
        PackageStores stores = new PackageStores();
        stores.addStore(bookkeeper, Map.of(PackageStore.SCHEMES, "bookkeeper"));
        functions = new Functions(metadata, admin, mock(org.apache.pulsar.client.api.PulsarClient.class), stores);
        when(admin.namespaces().getNamespaces("public")).thenReturn(List.of("public/default"));
        when(bookkeeper.store(any(), anyString(), any())).thenReturn(stored);
        when(metadata.get(any())).thenReturn(Optional.empty());
    }

    private static FunctionConfig config() {
        FunctionConfig config = new FunctionConfig();
        config.setClassName("org.example.Fn");
        config.setInputs(List.of("persistent://public/default/in"));
        config.setRuntime(FunctionConfig.Runtime.JAVA);
        return config;
    }

    private static PackageUpload upload() {
        return new PackageUpload("fn.jar", new ByteArrayInputStream(new byte[] {1, 2, 3}));
    }

    @Test
    void aFailedMetadataWriteLeavesNoPackageBehind() throws Exception {
        when(metadata.write(any())).thenReturn(CompletableFuture.failedFuture(
                new MetadataUnavailableException("leader away", null)));
        FunctionServiceException e = assertThrows(FunctionServiceException.class,
                () -> functions.register("public", "default", "fn", config(), upload(), null));
        assertEquals(FunctionServiceException.Kind.UNAVAILABLE, e.kind());
        verify(bookkeeper).delete(stored);
    }

    @Test
    void aConcurrentCreateIsReportedAsAlreadyExisting() throws Exception {
        when(metadata.write(any())).thenReturn(CompletableFuture.failedFuture(new StaleVersionException("stale")));
        FunctionServiceException e = assertThrows(FunctionServiceException.class,
                () -> functions.register("public", "default", "fn", config(), upload(), null));
        assertEquals("Function fn already exists", e.getMessage());
        verify(bookkeeper).delete(stored);
    }

    @Test
    void invalidConfigStoresNothing() throws Exception {
        FunctionConfig invalid = config();
        invalid.setParallelism(0);
        FunctionServiceException e = assertThrows(FunctionServiceException.class,
                () -> functions.register("public", "default", "fn", invalid, upload(), null));
        assertEquals(FunctionServiceException.Kind.BAD_REQUEST, e.kind());
        verify(bookkeeper, never()).store(any(), anyString(), any());
        verify(metadata, never()).write(any());
    }

    @Test
    void registerStoresThePackageAndTheSubmittedConfig() throws Exception {
        when(metadata.write(any())).thenAnswer(call -> CompletableFuture.completedFuture(call.getArgument(0)));
        functions.register("public", "default", "fn", config(), upload(), null);
        verify(bookkeeper).store(eq(new FunctionKey("public", "default", "fn")), eq("fn.jar"), any());
        verify(metadata).write(org.mockito.ArgumentMatchers.argThat((FunctionMetadata record) ->
                record.version() == 0 && stored.equals(record.packageRef())
                        && Functions.fromJson(record.config()).getName().equals("fn")));
    }

    @Test
    void deregisterDeletesThePackageAfterTheRecord() throws Exception {
        FunctionMetadata record = new FunctionMetadata(new FunctionKey("public", "default", "fn"),
                dev.outrigger.api.metadata.ComponentType.FUNCTION, 3, 1L,
                Functions.toJson(config()), stored, Map.of());
        when(metadata.get(record.key())).thenReturn(Optional.of(record));
        when(metadata.delete(record.key(), 3)).thenReturn(CompletableFuture.completedFuture(null));
        functions.deregister("public", "default", "fn");
        var order = org.mockito.Mockito.inOrder(metadata, bookkeeper);
        order.verify(metadata).delete(record.key(), 3);
        order.verify(bookkeeper).delete(stored);
    }
}
