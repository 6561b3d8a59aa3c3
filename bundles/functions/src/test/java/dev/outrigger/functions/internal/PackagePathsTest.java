package dev.outrigger.functions.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
