package dev.outrigger.metadata.internal;

import static dev.outrigger.metadata.internal.Components.function;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.outrigger.api.cluster.WorkerInfo;
import dev.outrigger.api.cluster.WorkerRequest;
import dev.outrigger.api.metadata.ComponentType;
import dev.outrigger.api.metadata.FunctionKey;
import dev.outrigger.api.metadata.FunctionMetadata;
import dev.outrigger.topics.PlainWorkerChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
    void forwardedWritesUsePulsarsLeaderPath() throws Exception {
        Duration timeout = Duration.ofSeconds(7);
        FunctionMetadata f0 = function("t/n/f", 0);
        WorkerRequest update = LeaderForwarder.request(MetadataWrite.update(f0), timeout);
        assertEquals("PUT /admin/v3/functions/leader/t/n/f", update.toString());
        assertEquals("application/json", update.contentType());
        assertEquals(f0, MetadataCodec.fromJson(update.body()));
        assertEquals(timeout, update.timeout());

        WorkerRequest delete = LeaderForwarder.request(MetadataWrite.delete(FunctionKey.parse("t/n/my fn"), 4),
                timeout);
        assertEquals("PUT", delete.method());
        assertEquals("/admin/v3/functions/leader/t/n/my fn", delete.path(), "unencoded: the channel quotes");
        assertEquals("delete=true&version=4", delete.query());
        assertNull(delete.body());
        assertEquals("application/json", delete.contentType());

        // as a channel addresses them
        WorkerInfo leader = new WorkerInfo("w", "leader.example", 6750);
        assertEquals("http://leader.example:6750/admin/v3/functions/leader/t/n/f",
                PlainWorkerChannel.uri(leader, update).toString());
        assertEquals("http://leader.example:6750/admin/v3/functions/leader/t/n/my%20fn?delete=true&version=4",
                PlainWorkerChannel.uri(leader, delete).toString());
    }
}
