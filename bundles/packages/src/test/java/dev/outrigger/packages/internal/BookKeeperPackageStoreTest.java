package dev.outrigger.packages.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.api.metadata.FunctionKey;
import dev.outrigger.api.packages.PackageException;
import dev.outrigger.api.packages.PackageException.Reason;
import dev.outrigger.api.packages.PackageRef;
import dev.outrigger.devcluster.LocalPulsarCluster;
import dev.outrigger.devcluster.SharedPulsarCluster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.apache.bookkeeper.client.api.BKException;
import org.apache.bookkeeper.client.api.BookKeeper;
import org.apache.bookkeeper.client.api.DigestType;
import org.apache.bookkeeper.client.api.LedgerMetadata;
import org.apache.bookkeeper.client.api.ListLedgersResult;
import org.apache.bookkeeper.client.api.WriteHandle;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The BookKeeper store against the shared real cluster (ZooKeeper, broker, one bookie). */
@SuppressWarnings("try") // BookKeeper's handles close with InterruptedException; the tests throw Exception anyway
class BookKeeperPackageStoreTest {

    private static final int MIB = 1024 * 1024;

    private static LocalPulsarCluster cluster;
    /** The test's own client, to look at ledgers behind the store's back. */
    private static BookKeeper bk;
    private static BookKeeperPackageStore store;

    @TempDir
    Path dir;

    @BeforeAll
    static void connect() throws Exception {
        cluster = SharedPulsarCluster.get();
        bk = BookKeeper.newBuilder(
                BookKeeperPackageStore.clientConfiguration(client(), cluster.bookkeeperMetadataServiceUri())).build();
        store = new BookKeeperPackageStore(settings(1, BookKeeperSettings.DEFAULT_MAX_SIZE), null);
    }

    @AfterAll
    static void close() throws Exception {
        if (store != null) {
            store.deactivate();
        }
        if (bk != null) {
            bk.close();
        }
    }

    @Test
    void storesByPathWithThePathAsOwner() throws Exception {
        byte[] bytes = random(MIB + 3);
        PackageRef ref = store.storeAt("uploads/some/excl.jar", new ByteArrayInputStream(bytes));
        assertEquals(sha256(bytes), ref.sha256());
        LedgerMetadata metadata = bk.getLedgerMetadata(LedgerLocation.parse(ref.location())).get();
        assertEquals("path:uploads/some/excl.jar", text(metadata, BookKeeperPackageStore.OWNER));
        assertEquals("excl.jar", text(metadata, BookKeeperPackageStore.FILE));
        Path target = dir.resolve("by-path.jar");
        store.fetch(ref, target);
        assertArrayEquals(bytes, Files.readAllBytes(target));
        store.delete(ref);
    }

    @Test
    void storesAndFetchesAMultiEntryPackage() throws Exception {
        byte[] bytes = random(3 * MIB + MIB / 2);
        FunctionKey owner = owner();

        PackageRef ref = store.store(owner, "my-function.jar", new ByteArrayInputStream(bytes));

        assertEquals(sha256(bytes), ref.sha256());
        assertEquals(bytes.length, ref.size());
        assertTrue(ref.location().matches("bookkeeper://ledger/\\d+"), ref.location());
        assertEquals("bookkeeper", ref.scheme());
        LedgerMetadata metadata = bk.getLedgerMetadata(LedgerLocation.parse(ref.location())).get();
        assertEquals(1, metadata.getEnsembleSize());
        assertEquals(1, metadata.getWriteQuorumSize());
        assertEquals(1, metadata.getAckQuorumSize());
        assertEquals(DigestType.CRC32C, metadata.getDigestType());
        assertTrue(metadata.isClosed());
        assertEquals(3, metadata.getLastEntryId(), "four entries of at most 1 MiB");
        assertEquals(owner.fullyQualifiedName(), text(metadata, BookKeeperPackageStore.OWNER));
        assertEquals("my-function.jar", text(metadata, BookKeeperPackageStore.FILE));
        assertEquals("1", text(metadata, BookKeeperPackageStore.FORMAT));

        Path target = dir.resolve("download/t/ns/my-function.jar");
        store.fetch(ref, target);
        assertArrayEquals(bytes, Files.readAllBytes(target));
        assertEquals(List.of(target), filesIn(dir));
        store.delete(ref);
    }

    @Test
    void storesAndFetchesAnEmptyPackage() throws Exception {
        PackageRef ref = store.store(owner(), "empty.jar", InputStream.nullInputStream());

        assertEquals(0, ref.size());
        assertEquals(sha256(new byte[0]), ref.sha256());
        Path target = dir.resolve("empty.jar");
        store.fetch(ref, target);
        assertEquals(0, Files.size(target));
        store.delete(ref);
    }

    @Test
    void moreReplicasThanBookiesFailsWithoutLeavingALedger() throws Exception {
        BookKeeperPackageStore twoReplicas = new BookKeeperPackageStore(
                settings(2, BookKeeperSettings.DEFAULT_MAX_SIZE), null);
        FunctionKey owner = owner();
        try {
            PackageException e = assertThrows(PackageException.class,
                    () -> twoReplicas.store(owner, "f.jar", new ByteArrayInputStream(random(1000))));
            assertEquals(Reason.UNAVAILABLE, e.reason());
            assertTrue(e.getMessage().contains("numFunctionPackageReplicas is 2 but fewer bookies are available"),
                    e.getMessage());
        } finally {
            twoReplicas.deactivate();
        }
        assertEquals(List.of(), ledgersOwnedBy(owner));
    }

    @Test
    void refusesAPackageOverTheLimitAndDeletesItsLedger() throws Exception {
        long limit = MIB + 10;
        BookKeeperPackageStore limited = new BookKeeperPackageStore(settings(1, limit), null);
        FunctionKey owner = owner();
        try {
            PackageRef exactlyAtTheLimit = limited.store(owner, "fits.jar", new ByteArrayInputStream(random(MIB + 10)));
            assertEquals(limit, exactlyAtTheLimit.size());
            limited.delete(exactlyAtTheLimit);

            PackageException e = assertThrows(PackageException.class,
                    () -> limited.store(owner, "big.jar", new ByteArrayInputStream(random(3 * MIB))));
            assertEquals(Reason.INVALID, e.reason());
            assertEquals("Package size 3145728 bytes exceeds the limit of 1048586 bytes "
                    + "(functionPackageMaxSizeBytes)", e.getMessage());
        } finally {
            limited.deactivate();
        }
        assertEquals(List.of(), ledgersOwnedBy(owner));
    }

    @Test
    void aFailingUploadStreamLeavesNoLedger() throws Exception {
        FunctionKey owner = owner();
        InputStream breaking = new SequenceInputStream(new ByteArrayInputStream(random(MIB + MIB / 2)),
                new InputStream() {
                    @Override
                    public int read() throws IOException {
                        throw new IOException("connection reset by the uploader");
                    }
                });

        PackageException e = assertThrows(PackageException.class, () -> store.store(owner, "f.jar", breaking));

        assertEquals(Reason.UNAVAILABLE, e.reason());
        assertTrue(e.getMessage().contains("connection reset by the uploader"), e.getMessage());
        assertEquals(List.of(), ledgersOwnedBy(owner));
    }

    @Test
    void aPackageWhoseBytesDoNotMatchItsDigestIsCorruptAndLeavesNoFile() throws Exception {
        byte[] original = random(2 * MIB + 123);
        byte[] damaged = original.clone();
        damaged[MIB + 7] ^= 0x5a;
        long ledgerId;
        // written by hand the way the store writes, but with different bytes than the reference records
        try (WriteHandle ledger = bk.newCreateLedgerOp()
                .withEnsembleSize(1).withWriteQuorumSize(1).withAckQuorumSize(1)
                .withDigestType(DigestType.CRC32C).withPassword(BookKeeperPackageStore.PASSWORD)
                .withCustomMetadata(BookKeeperPackageStore.customMetadata(owner(), "f.jar"))
                .execute().get()) {
            ledgerId = ledger.getId();
            ledger.append(damaged);
        }
        PackageRef ref = new PackageRef(LedgerLocation.of(ledgerId), sha256(original), original.length);
        Path target = dir.resolve("f.jar");
        Files.writeString(target, "an older copy");

        PackageException e = assertThrows(PackageException.class, () -> store.fetch(ref, target));

        assertEquals(Reason.CORRUPT, e.reason());
        assertTrue(e.getMessage().contains("ledger " + ledgerId), e.getMessage());
        assertTrue(e.getMessage().contains(sha256(original)), e.getMessage());
        assertTrue(e.getMessage().contains(sha256(damaged)), e.getMessage());
        assertEquals(List.of(), filesIn(dir));

        PackageException wrongSize = assertThrows(PackageException.class, () -> store.fetch(
                new PackageRef(ref.location(), sha256(damaged), original.length + 1), target));
        assertEquals(Reason.CORRUPT, wrongSize.reason());
        assertEquals(List.of(), filesIn(dir));
        store.delete(ref);
    }

    @Test
    void aDeletedPackageIsNotFoundAndDeletingTwiceIsFine() throws Exception {
        PackageRef ref = store.store(owner(), "f.jar", new ByteArrayInputStream(random(1000)));
        store.delete(ref);
        store.delete(ref);

        PackageException e = assertThrows(PackageException.class, () -> store.fetch(ref, dir.resolve("f.jar")));
        assertEquals(Reason.NOT_FOUND, e.reason());
        assertEquals("Package " + ref.location() + " is missing (ledger deleted?)", e.getMessage());
        assertEquals(List.of(), filesIn(dir));
        ExecutionException gone = assertThrows(ExecutionException.class,
                () -> bk.getLedgerMetadata(LedgerLocation.parse(ref.location())).get());
        assertTrue(gone.getCause() instanceof BKException, gone.toString());

        PackageRef neverWritten = new PackageRef(LedgerLocation.of(987_654_321L), null, -1);
        assertEquals(Reason.NOT_FOUND,
                assertThrows(PackageException.class, () -> store.fetch(neverWritten, dir.resolve("g.jar"))).reason());
        store.delete(neverWritten);
    }

    @Test
    void leavesLedgersItDidNotWriteAlone() throws Exception {
        long ledgerId;
        try (WriteHandle ledger = bk.newCreateLedgerOp()
                .withEnsembleSize(1).withWriteQuorumSize(1).withAckQuorumSize(1)
                .withDigestType(DigestType.CRC32C).withPassword(BookKeeperPackageStore.PASSWORD)
                .execute().get()) {
            ledgerId = ledger.getId();
            ledger.append("a topic's entry".getBytes(StandardCharsets.UTF_8));
        }
        PackageRef ref = new PackageRef(LedgerLocation.of(ledgerId), null, -1);
        try {
            assertEquals(Reason.INVALID, assertThrows(PackageException.class, () -> store.delete(ref)).reason());
            assertEquals(Reason.CORRUPT,
                    assertThrows(PackageException.class, () -> store.fetch(ref, dir.resolve("x"))).reason());
            assertTrue(bk.getLedgerMetadata(ledgerId).get().isClosed(), "still there");
        } finally {
            bk.newDeleteLedgerOp().withLedgerId(ledgerId).execute().get();
        }
    }

    @Test
    void findsBookKeeperThroughTheBrokersInternalConfiguration() throws Exception {
        try (PulsarAdmin admin = PulsarAdmin.builder().serviceHttpUrl(cluster.webServiceUrl()).build()) {
            String uri = BrokerMetadataServiceUri.ask(admin, Duration.ofSeconds(30));
            assertTrue(uri.contains("127.0.0.1:" + cluster.zookeeperPort() + "/"), uri);

            BookKeeperPackageStore viaBroker = new BookKeeperPackageStore(
                    new BookKeeperSettings(1, BookKeeperSettings.DEFAULT_MAX_SIZE, BookKeeperSettings.Client.of("")),
                    admin);
            try {
                byte[] bytes = random(MIB + 1);
                PackageRef ref = viaBroker.store(owner(), "f.jar", new ByteArrayInputStream(bytes));
                Path target = dir.resolve("f.jar");
                viaBroker.fetch(ref, target);
                assertArrayEquals(bytes, Files.readAllBytes(target));
                viaBroker.delete(ref);
            } finally {
                viaBroker.deactivate();
            }
        }
    }

    /**
     * Issue 11 finding 8: connecting asks the broker; one that never answers held the store's lock, so deactivating
     * (or reconfiguring) the store waited for the admin timeout. A server that accepts and never answers stands for it.
     */
    @Test
    void aConnectThatHangsDoesNotHoldUpDeactivation() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50,
                java.net.InetAddress.getLoopbackAddress());
                PulsarAdmin admin = PulsarAdmin.builder()
                        .serviceHttpUrl("http://127.0.0.1:" + silent.getLocalPort()).build()) {
            List<java.net.Socket> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());
                    }
                } catch (IOException e) {
                    // closed: the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            BookKeeperPackageStore stuck = new BookKeeperPackageStore(
                    new BookKeeperSettings(1, 100, BookKeeperSettings.Client.of("")), admin);
            java.util.concurrent.CompletableFuture<PackageRef> storing = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> {
                        try {
                            return stuck.store(owner(), "f.jar", InputStream.nullInputStream());
                        } catch (PackageException e) {
                            throw new java.util.concurrent.CompletionException(e);
                        }
                    });
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !accepted.isEmpty());

            java.util.concurrent.CompletableFuture<Void> deactivating =
                    java.util.concurrent.CompletableFuture.runAsync(stuck::deactivate);
            deactivating.get(5, java.util.concurrent.TimeUnit.SECONDS);
            ExecutionException failed = assertThrows(ExecutionException.class,
                    () -> storing.get(60, java.util.concurrent.TimeUnit.SECONDS));
            PackageException e = (PackageException) failed.getCause();
            assertEquals(Reason.UNAVAILABLE, e.reason());
            for (java.net.Socket socket : accepted) {
                socket.close();
            }
        }
    }

    @Test
    void withoutAUriOrABrokerToAskItIsUnavailable() {
        BookKeeperPackageStore nowhere = new BookKeeperPackageStore(
                new BookKeeperSettings(1, 100, BookKeeperSettings.Client.of("")), null);
        PackageException e = assertThrows(PackageException.class,
                () -> nowhere.store(owner(), "f.jar", InputStream.nullInputStream()));
        assertEquals(Reason.UNAVAILABLE, e.reason());
        assertTrue(e.getMessage().contains("bookkeeperMetadataServiceUri is not set"), e.getMessage());
        nowhere.deactivate();
    }

    @Test
    void aMalformedLocationIsTheCallersMistake() {
        PackageException e = assertThrows(PackageException.class,
                () -> store.fetch(new PackageRef("bookkeeper://ledger/x", null, -1), dir.resolve("f")));
        assertEquals(Reason.INVALID, e.reason());
    }

    // --- helpers

    private static BookKeeperSettings.Client client() {
        return BookKeeperSettings.Client.of(cluster.bookkeeperMetadataServiceUri());
    }

    private static BookKeeperSettings settings(int replicas, long maxSize) {
        return new BookKeeperSettings(replicas, maxSize, client());
    }

    private static FunctionKey owner() {
        return new FunctionKey("packages-test", "ns", "f-" + UUID.randomUUID());
    }

    private static List<Long> ledgersOwnedBy(FunctionKey owner) throws Exception {
        List<Long> owned = new ArrayList<>();
        try (ListLedgersResult ledgers = bk.newListLedgersOp().execute().get()) {
            for (long ledgerId : ledgers.toIterable()) {
                LedgerMetadata metadata;
                try {
                    metadata = bk.getLedgerMetadata(ledgerId).get();
                } catch (ExecutionException e) {
                    continue; // deleted meanwhile (the broker's own ledgers come and go)
                }
                byte[] value = metadata.getCustomMetadata().get(BookKeeperPackageStore.OWNER);
                if (value != null && owner.fullyQualifiedName().equals(new String(value, StandardCharsets.UTF_8))) {
                    owned.add(ledgerId);
                }
            }
        }
        return owned;
    }

    private static String text(LedgerMetadata metadata, String key) {
        Map<String, byte[]> custom = metadata.getCustomMetadata();
        return new String(custom.get(key), StandardCharsets.UTF_8);
    }

    private static List<Path> filesIn(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random().nextBytes(bytes);
        return bytes;
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
