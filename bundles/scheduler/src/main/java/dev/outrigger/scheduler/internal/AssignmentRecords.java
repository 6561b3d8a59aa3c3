package dev.outrigger.scheduler.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outrigger.api.cluster.RecordFormat;
import dev.outrigger.api.scheduler.InstanceId;
import dev.outrigger.topics.CompactedTopics;
import dev.outrigger.topics.Quarantine;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Reader;

/**
 * The records of the assignments topic, as Pulsar's worker keys them: key = the fully qualified instance id
 * ({@code tenant/namespace/name:instanceId}), value = the assignment ({@code {"instance":..., "workerId":...}}, JSON here,
 * protobuf there), an empty value = unassigned (a tombstone). Outrigger marks every record with
 * {@link RecordFormat#MESSAGE_PROPERTY}; a record without it was written by someone else and is refused. A record with
 * it that cannot be read is quarantined: one bad record must not stop the assignments of every worker.
 */
final class AssignmentRecords {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AssignmentRecords() {}

    /** One record read: {@code workerId} null for a tombstone. */
    record Decoded(InstanceId instance, String workerId) {}

    /** The topic holds a record this worker must not apply. */
    static final class RefusedRecord extends Exception {
        private static final long serialVersionUID = 1L;

        RefusedRecord(String message) {
            super(message, null, false, false);
        }
    }

    static byte[] encode(InstanceId instance, String workerId) {
        ObjectNode node = JSON.createObjectNode();
        node.put("instance", instance.fullyQualifiedName());
        node.put("workerId", workerId);
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot write the assignment of " + instance, e);
        }
    }

    /**
     * @return the record, or null if it was quarantined: it carries Outrigger's marker but cannot be read
     * @throws RefusedRecord if Outrigger did not write it, or wrote it in another format
     */
    static Decoded decode(Message<byte[]> message, String topic, Quarantine quarantine) throws RefusedRecord {
        String where = "message " + message.getMessageId() + " on " + topic;
        String refused = CompactedTopics.formatRefusal(message, where);
        if (refused != null) {
            throw new RefusedRecord(refused);
        }
        try {
            return read(message, where);
        } catch (Unreadable | RuntimeException e) {
            quarantine.add(message.getMessageId(), message.getKey(), e.getMessage());
            return null;
        }
    }

    private static final class Unreadable extends Exception {
        private static final long serialVersionUID = 1L;

        Unreadable(String message) {
            super(message, null, false, false);
        }
    }

    private static Decoded read(Message<byte[]> message, String where) throws Unreadable {
        InstanceId instance;
        try {
            instance = InstanceId.parse(message.hasKey() ? message.getKey() : "");
        } catch (IllegalArgumentException e) {
            throw new Unreadable(where + " has no tenant/namespace/name:instanceId key: " + message.getKey());
        }
        byte[] data = message.getData();
        if (data == null || data.length == 0) {
            return new Decoded(instance, null);
        }
        JsonNode node;
        try {
            node = JSON.readTree(data);
        } catch (IOException e) {
            throw new Unreadable(where + " (" + instance + ") is not assignment JSON: " + e.getMessage());
        }
        JsonNode named = node == null ? null : node.get("instance");
        JsonNode worker = node == null ? null : node.get("workerId");
        if (named == null || !named.isTextual() || !instance.fullyQualifiedName().equals(named.asText())) {
            throw new Unreadable(where + " is keyed " + instance + " but assigns "
                    + (named == null ? "no instance" : named.asText()));
        }
        if (worker == null || !worker.isTextual() || worker.asText().isEmpty()) {
            throw new Unreadable(where + " assigns " + instance + " to no workerId");
        }
        return new Decoded(instance, worker.asText());
    }

    /** Applies a record to a state: what compaction keeps is the last record of every key. */
    static void apply(Map<InstanceId, String> state, Decoded record) {
        if (record == null) {
            return; // quarantined
        }
        if (record.workerId() == null) {
            state.remove(record.instance());
        } else {
            state.put(record.instance(), record.workerId());
        }
    }

    /**
     * Reads what the topic holds now, to its end, into {@code state}. Pulsar's worker and TableView read to the end
     * this way: {@code hasMessageAvailable} knows about compaction.
     *
     * @return false if a record was announced but did not come in time (the state may be short)
     */
    static boolean readToEnd(Reader<byte[]> reader, String topic, Map<InstanceId, String> state, long timeoutMillis,
            Quarantine quarantine) throws PulsarClientException, RefusedRecord {
        return CompactedTopics.readToEnd(reader, Duration.ofMillis(timeoutMillis), () -> false,
                message -> apply(state, decode(message, topic, quarantine)));
    }
}
