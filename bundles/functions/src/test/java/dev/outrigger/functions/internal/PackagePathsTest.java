package dev.outrigger.functions.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.outrigger.api.cluster.RecordFormat;
import dev.outrigger.api.packages.PackageRef;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.junit.jupiter.api.Test;

class PackagePathsTest {

    @Test
    void aReferenceSurvivesTheRecord() {
        PackageRef ref = new PackageRef("bookkeeper://ledger/12", "00ff", 1234);
        assertEquals(ref, PackagePaths.decode(PackagePaths.encode(ref)));
        PackageRef unknown = new PackageRef("bookkeeper://ledger/13", null, -1);
        assertEquals(unknown, PackagePaths.decode(PackagePaths.encode(unknown)));
    }

    @Test
    void aRecordWithoutLocationIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> PackagePaths.decode("{\"size\":1}".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalArgumentException.class,
                () -> PackagePaths.decode("not json".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void recordsApplyInOrderTombstonesRemoveAndForeignRecordsAreIgnored() throws Exception {
        PackagePaths paths = new PackagePaths(null, null, "persistent://public/functions/package-paths", "w1");
        PackageRef first = new PackageRef("bookkeeper://ledger/1", "aa", 1);
        PackageRef second = new PackageRef("bookkeeper://ledger/2", "bb", 2);
        paths.apply(message("a/b", PackagePaths.encode(first), RecordFormat.VERSION));
        paths.apply(message("a/b", PackagePaths.encode(second), RecordFormat.VERSION));
        paths.apply(message("c", PackagePaths.encode(first), null)); // not written by Outrigger
        assertEquals(Map.of("a/b", second), snapshot(paths));
        paths.apply(message("a/b", new byte[0], RecordFormat.VERSION));
        assertNull(snapshot(paths).get("a/b"));
    }

    /**
     * Issue 11 finding 8: every method held the index's monitor across calls to the broker, so deactivating it
     * waited behind a read of a slow broker. Here creating the topic hangs until the test lets it go.
     */
    @Test
    void closingDoesNotWaitForACallToASlowBroker() throws Exception {
        org.apache.pulsar.client.admin.PulsarAdmin admin = mock(org.apache.pulsar.client.admin.PulsarAdmin.class);
        org.apache.pulsar.client.admin.Topics topics = mock(org.apache.pulsar.client.admin.Topics.class);
        when(admin.topics()).thenReturn(topics);
        java.util.concurrent.CountDownLatch brokerAnswers = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch asked = new java.util.concurrent.CountDownLatch(1);
        org.mockito.Mockito.doAnswer(call -> {
            asked.countDown();
            brokerAnswers.await();
            return null;
        }).when(topics).createNonPartitionedTopic(org.mockito.ArgumentMatchers.anyString());
        PackagePaths paths = new PackagePaths(mock(org.apache.pulsar.client.api.PulsarClient.class), admin,
                "persistent://public/functions/package-paths", "w1");
        var reading = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return paths.get("a/b");
            } catch (PackagePaths.UnavailableException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        assertTrue(asked.await(10, java.util.concurrent.TimeUnit.SECONDS));
        java.util.concurrent.CompletableFuture.runAsync(paths::close).get(5, java.util.concurrent.TimeUnit.SECONDS);
        brokerAnswers.countDown();
        var failure = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> reading.get(10, java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(failure.getCause() instanceof PackagePaths.UnavailableException, failure.toString());
        assertTrue(failure.getCause().getMessage().contains("closed"), failure.getCause().getMessage());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, PackageRef> snapshot(PackagePaths paths) throws Exception {
        var field = PackagePaths.class.getDeclaredField("paths");
        field.setAccessible(true);
        return Map.copyOf((Map<String, PackageRef>) field.get(paths));
    }

    @SuppressWarnings("unchecked")
    private static Message<byte[]> message(String key, byte[] value, String format) {
        Message<byte[]> message = mock(Message.class);
        when(message.getKey()).thenReturn(key);
        when(message.getValue()).thenReturn(value);
        when(message.getMessageId()).thenReturn(MessageId.earliest);
        when(message.getProperty(RecordFormat.MESSAGE_PROPERTY)).thenReturn(format);
        return message;
    }
}
