package dev.outrigger.metadata.internal;

import static dev.outrigger.metadata.internal.Components.function;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.outrigger.api.cluster.WorkerInfo;
import dev.outrigger.api.metadata.ComponentType;
import dev.outrigger.api.metadata.FunctionKey;
import dev.outrigger.api.metadata.FunctionMetadata;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetadataCodecTest {

    @Test
    void recordsSurviveTheRoundTrip() throws Exception {
        FunctionMetadata full = function("public/default/f", 3);
        assertEquals(full, MetadataCodec.fromJson(MetadataCodec.toJson(full)));

        FunctionMetadata bare = new FunctionMetadata(FunctionKey.parse("t/n/s"), ComponentType.SINK, 0, 5, "{}", null,
                Map.of());
        String json = new String(MetadataCodec.toJson(bare), StandardCharsets.UTF_8);
        assertEquals("{\"key\":{\"tenant\":\"t\",\"namespace\":\"n\",\"name\":\"s\"},\"type\":\"SINK\",\"version\":0,"
                + "\"createTime\":5,\"config\":\"{}\",\"instanceStates\":{}}", json);
        assertEquals(bare, MetadataCodec.fromJson(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void fieldsOfANewerWorkerAreSkipped() throws Exception {
        String json = "{\"key\":{\"tenant\":\"t\",\"namespace\":\"n\",\"name\":\"f\"},\"type\":\"FUNCTION\","
                + "\"version\":2,\"createTime\":1,\"config\":\"{}\",\"future\":true,\"instanceStates\":{\"0\":\"STOPPED\"}}";
        FunctionMetadata read = MetadataCodec.fromJson(json.getBytes(StandardCharsets.UTF_8));
        assertEquals(2, read.version());
        assertNull(read.packageRef());
        assertEquals("STOPPED", read.instanceState(0).name());
    }

    @Test
    void errorBodiesGiveTheirReason() {
        assertEquals("out of date", MetadataCodec.reason("{\"reason\":\"out of date\"}"));
        assertEquals("Bad Gateway", MetadataCodec.reason("Bad Gateway"));
    }

    @Test
    void forwardedWritesUsePulsarsLeaderPath() {
        WorkerInfo leader = new WorkerInfo("w", "leader.example", 6750);
        assertEquals("http://leader.example:6750/admin/v3/functions/leader/t/n/f",
                LeaderForwarder.uri(leader, MetadataWrite.update(function("t/n/f", 0))).toString());
        assertEquals("http://leader.example:6750/admin/v3/functions/leader/t/n/my%20fn?delete=true&version=4",
                LeaderForwarder.uri(leader, MetadataWrite.delete(FunctionKey.parse("t/n/my fn"), 4)).toString());
    }
}
