package dev.outrigger.packages.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.outrigger.api.metadata.ComponentType;
import dev.outrigger.api.metadata.FunctionKey;
import dev.outrigger.api.packages.PackageException;
import dev.outrigger.api.packages.PackageOwner;
import dev.outrigger.api.packages.PackageRef;
import dev.outrigger.api.packages.PackageStore;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pulsar.client.admin.Packages;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.packages.management.core.common.PackageMetadata;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageManagementStoreTest {

    private static final byte[] BYTES = {1, 2, 3, 4, 5};
    private static final String SHA256_OF_BYTES = "74f81fe167d99b4cb41d6d0ccda82278caee9f3e2f25d5e5a3936ff3dcec60d0";

    private final PulsarAdmin admin = mock(PulsarAdmin.class);
    private final Packages packages = mock(Packages.class);
    private final PackageOwner owner =
            new PackageOwner(ComponentType.FUNCTION, new FunctionKey("public", "default", "excl"), 3, 42L);

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() {
        when(admin.packages()).thenReturn(packages);
    }

    @Test
    void packagesAreNamedAsPulsarsWorkerNamesThem() {
        assertEquals("function://public/default/excl@3", PackageManagementStore.packageName(owner));
        assertEquals("sink://t/n/s@0", PackageManagementStore.packageName(
                new PackageOwner(ComponentType.SINK, new FunctionKey("t", "n", "s"), 0, 1L)));
    }

    @Test
    void serviceTakesUploadsOnlyWhenEnabledAndNeverDeletesWithTheComponent() {
        Map<String, Object> on = properties(true);
        assertTrue(PackageStore.flag(on, PackageStore.UPLOADS, false));
        assertFalse(PackageStore.flag(on, PackageStore.DELETED_WITH_COMPONENT, true));
        assertEquals(java.util.List.of("function", "sink", "source"), PackageStore.schemes(on));
        assertFalse(PackageStore.flag(properties(false), PackageStore.UPLOADS, true));
    }

    private static Map<String, Object> properties(boolean enabled) {
        var dictionary = PackageManagementStore.serviceProperties(enabled);
        Map<String, Object> map = new java.util.HashMap<>();
        for (String key : Collections.list(dictionary.keys())) {
            map.put(key, dictionary.get(key));
        }
        return map;
    }

    @Test
    void urlsAreRefusedInPulsarsWordsWhileDisabled() throws Exception {
        PackageException e = assertThrows(PackageException.class,
                () -> new PackageManagementStore(false, 100, admin).checkUrl("function://public/default/p@1"));
        assertEquals(PackageException.Reason.INVALID, e.reason());
        assertEquals("Function Package management service is disabled. Please enable it to use "
                + "function://public/default/p@1", e.getMessage());
        new PackageManagementStore(true, 100, admin).checkUrl("function://public/default/p@1");
    }

    @Test
    void storeUploadsUnderTheVersionNameWithTheCreateTime() throws Exception {
        AtomicReference<byte[]> uploaded = new AtomicReference<>();
        AtomicReference<PackageMetadata> metadata = new AtomicReference<>();
        doAnswer(call -> {
            metadata.set(call.getArgument(0));
            uploaded.set(Files.readAllBytes(Path.of((String) call.getArgument(2))));
            return null;
        }).when(packages).upload(any(), eq("function://public/default/excl@3"), anyString());
        PackageRef ref = new PackageManagementStore(true, 100, admin)
                .store(owner, "excl.jar", new ByteArrayInputStream(BYTES));
        assertEquals(new PackageRef("function://public/default/excl@3", SHA256_OF_BYTES, 5), ref);
        assertArrayEquals(BYTES, uploaded.get());
        assertEquals(42L, metadata.get().getCreateTime());
    }

    @Test
    void aPackageOverTheLimitIsNotUploaded() throws Exception {
        PackageException e = assertThrows(PackageException.class, () -> new PackageManagementStore(true, 4, admin)
                .store(owner, "excl.jar", new ByteArrayInputStream(BYTES)));
        assertEquals(PackageException.Reason.INVALID, e.reason());
        assertEquals("Package size 5 bytes exceeds the limit of 4 bytes (functionPackageMaxSizeBytes)",
                e.getMessage());
        verify(packages, never()).upload(any(), anyString(), anyString());
    }

    @Test
    void aTakenNameSaysHowToFreeIt() throws Exception {
        doThrow(new PulsarAdminException.NotFoundException(null,
                "Package 'function://public/default/excl@3' metadata already exists", 404))
                .when(packages).upload(any(), anyString(), anyString());
        PackageException e = assertThrows(PackageException.class, () -> new PackageManagementStore(true, 100, admin)
                .store(owner, "excl.jar", new ByteArrayInputStream(BYTES)));
        assertEquals(PackageException.Reason.INVALID, e.reason());
        assertTrue(e.getMessage().startsWith("Package 'function://public/default/excl@3' metadata already exists"));
        assertTrue(e.getMessage().contains("pulsar-admin packages delete function://public/default/excl@3"));
    }

    @Test
    void storeAtUsesThePathAsName() throws Exception {
        PackageRef ref = new PackageManagementStore(true, 100, admin)
                .storeAt("function://public/default/p@1", new ByteArrayInputStream(BYTES));
        assertEquals("function://public/default/p@1", ref.location());
        verify(packages).upload(any(), eq("function://public/default/p@1"), anyString());
    }

    @Test
    void fetchChecksTheDigestAndPassesOnTheBrokersAnswer() throws Exception {
        doAnswer(call -> Files.write(Path.of((String) call.getArgument(1)), BYTES))
                .when(packages).download(eq("function://public/default/excl@3"), anyString());
        PackageManagementStore store = new PackageManagementStore(true, 100, admin);
        Path target = dir.resolve("pkg.jar");
        store.fetch(new PackageRef("function://public/default/excl@3", SHA256_OF_BYTES, 5), target);
        assertArrayEquals(BYTES, Files.readAllBytes(target));

        Path corrupt = dir.resolve("corrupt.jar");
        PackageException e = assertThrows(PackageException.class, () -> store.fetch(
                new PackageRef("function://public/default/excl@3", "00" + SHA256_OF_BYTES.substring(2), 5), corrupt));
        assertEquals(PackageException.Reason.CORRUPT, e.reason());
        assertFalse(Files.exists(corrupt));

        doThrow(new PulsarAdminException.NotFoundException(null, "Package does not exist", 404))
                .when(packages).download(eq("function://public/default/none@1"), anyString());
        e = assertThrows(PackageException.class, () -> store.fetch(
                new PackageRef("function://public/default/none@1", null, -1), dir.resolve("none.jar")));
        assertEquals(PackageException.Reason.NOT_FOUND, e.reason());
        assertEquals("Package does not exist", e.getMessage());
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "only the fetched package is left");
        }
    }

    @Test
    void refusalsAreSortedByWhoseFaultTheyAre() {
        assertEquals(PackageException.Reason.NOT_FOUND,
                PackageManagementStore.reason(new PulsarAdminException.NotFoundException(null, "HTTP 404", 404)));
        assertEquals(PackageException.Reason.INVALID,
                PackageManagementStore.reason(new PulsarAdminException(null, "bad", 412)));
        assertEquals(PackageException.Reason.INVALID, PackageManagementStore.reason(new PulsarAdminException(
                new RuntimeException(new IllegalArgumentException("Invalid package name 'x'")))));
        assertEquals(PackageException.Reason.UNAVAILABLE, PackageManagementStore.reason(
                new PulsarAdminException(new java.net.ConnectException("refused"))));
        assertEquals(PackageException.Reason.UNAVAILABLE,
                PackageManagementStore.reason(new PulsarAdminException(null, "broker", 500)));
    }

    @Test
    void aNameTheClientRejectsIsTheCallersMistake() throws Exception {
        doThrow(new RuntimeException(new IllegalArgumentException("Invalid package name 'function://a/b'")))
                .when(packages).download(eq("function://a/b"), anyString());
        PackageException e = assertThrows(PackageException.class, () -> new PackageManagementStore(true, 100, admin)
                .fetch(new PackageRef("function://a/b", null, -1), dir.resolve("x.jar")));
        assertEquals(PackageException.Reason.INVALID, e.reason());
        // the refusal's words alone, not the wrappers' class names (found by RestFuzzIT)
        assertEquals("Invalid package name 'function://a/b'", e.getMessage());
    }

    @Test
    void deleteOfAMissingPackageIsFine() throws Exception {
        doThrow(new PulsarAdminException.NotFoundException(null, "gone", 404)).when(packages).delete("function://a/b/c@1");
        new PackageManagementStore(true, 100, admin).delete(new PackageRef("function://a/b/c@1", null, -1));
    }

    @Test
    void aPathsLastSegmentIsItsFileName() {
        assertEquals("excl.jar", BookKeeperPackageStore.fileName("a/b/excl.jar"));
        assertEquals("b", BookKeeperPackageStore.fileName("a/b/"));
        assertEquals("plain", BookKeeperPackageStore.fileName("plain"));
    }
}
