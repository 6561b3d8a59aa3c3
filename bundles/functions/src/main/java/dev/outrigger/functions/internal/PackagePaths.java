package dev.outrigger.functions.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outrigger.api.cluster.RecordFormat;
import dev.outrigger.api.config.ConfigurationPids;
import dev.outrigger.api.packages.PackageRef;
import dev.outrigger.topics.CompactedTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Reader;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which package each upload path names ({@code pulsar-admin functions upload --path}).
 *
 * <p>Pulsar's worker needs no index: DistributedLog names a log by that path. Outrigger keeps packages in BookKeeper
 * ledgers, which have numbers only, so the path → package mapping is kept here, on a compacted topic of the worker's
 * namespace, {@code package-paths}: key = path, value = the package reference as JSON (location, SHA-256, size), with
 * Outrigger's format property. A topic rather than this worker's memory or disk so that any worker, after any
 * restart, finds what another stored (state lives in Pulsar); compacted, because only the last package of a path
 * matters. Every worker may write (uploads are rare, and the last write of a path wins, as the last overwrite of a log
 * wins in Pulsar); reads first read the topic to its end, so a path uploaded through one worker is found at once
 * through another.
 */
@Component(
        service = PackagePaths.class,
        configurationPid = ConfigurationPids.CLUSTER,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class PackagePaths {

    private static final Logger LOG = LoggerFactory.getLogger(PackagePaths.class);
    static final String TOPIC_NAME = "package-paths";
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    /** A read to the end, a send and the topic's creation, each bounded by the client's own timeouts. */
    private static final Duration IO_WAIT = Duration.ofSeconds(45);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where the index lives: the worker's namespace (Pulsar's key). */
    @interface Configuration {
        String pulsarFunctionsNamespace() default "public/functions";

        String workerId() default "";
    }

    /** The index could not be read or written. */
    static final class UnavailableException extends Exception {
        private static final long serialVersionUID = 1L;

        UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final PulsarClient client;
    private final PulsarAdmin admin;
    private final String topic;
    private final String workerId;

    /**
     * Held across the calls to the broker that reading and writing the index take, so callers of the index wait for
     * each other (for a while: {@link #IO_WAIT}), never {@link #close} (issue 11 finding 8).
     */
    private final ReentrantLock io = new ReentrantLock();
    // guarded by io
    private final Map<String, PackageRef> paths = new HashMap<>();
    // written under io; read without it by close
    private volatile Reader<byte[]> reader;
    private volatile Producer<byte[]> producer;
    private volatile boolean closed;

    @Activate
    public PackagePaths(Configuration config, @Reference PulsarClient client, @Reference PulsarAdmin admin) {
        this(client, admin, "persistent://" + config.pulsarFunctionsNamespace() + "/" + TOPIC_NAME,
                config.workerId());
    }

    PackagePaths(PulsarClient client, PulsarAdmin admin, String topic, String workerId) {
        this.client = client;
        this.admin = admin;
        this.topic = topic;
        this.workerId = workerId == null || workerId.isEmpty() ? "outrigger" : workerId;
    }

    @Deactivate
    void close() {
        closed = true;
        closeReader();
        Producer<byte[]> current = producer;
        if (current != null) {
            current.closeAsync();
            producer = null;
        }
    }

    String topic() {
        return topic;
    }

    /** @return the package the path names now, as the topic says once read to its end */
    Optional<PackageRef> get(String path) throws UnavailableException {
        lockIo();
        try {
            catchUp();
            return Optional.ofNullable(paths.get(path));
        } finally {
            io.unlock();
        }
    }

    /**
     * @return a path that names a package at that location now, if any, as the topic says once read to its end: a
     *     package uploaded by path belongs to no component
     */
    Optional<String> pathOf(String location) throws UnavailableException {
        lockIo();
        try {
            catchUp();
            return paths.entrySet().stream()
                    .filter(entry -> entry.getValue().location().equals(location))
                    .map(Map.Entry::getKey)
                    .findFirst();
        } finally {
            io.unlock();
        }
    }

    /**
     * Makes the path name that package, for every worker.
     *
     * @return the package it named before, if any (the caller deletes it)
     */
    Optional<PackageRef> put(String path, PackageRef ref) throws UnavailableException {
        lockIo();
        try {
            return write(path, ref);
        } finally {
            io.unlock();
        }
    }

    private Optional<PackageRef> write(String path, PackageRef ref) throws UnavailableException {
        catchUp();
        PackageRef previous = paths.get(path);
        try {
            Producer<byte[]> current = producer;
            if (current == null) {
                current = client.newProducer()
                        .topic(topic)
                        .enableBatching(false)
                        .create();
                producer = current;
                if (closed) {
                    close();
                    throw new UnavailableException("The package path index is closed", null);
                }
            }
            current.newMessage()
                    .key(path)
                    .value(encode(ref))
                    .property(RecordFormat.MESSAGE_PROPERTY, RecordFormat.VERSION)
                    .send();
        } catch (PulsarClientException e) {
            throw new UnavailableException("Cannot record the package of path " + path + " on " + topic + ": "
                    + e.getMessage(), e);
        }
        paths.put(path, ref);
        compactLater();
        return Optional.ofNullable(previous);
    }

    private void lockIo() throws UnavailableException {
        try {
            if (io.tryLock(IO_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new UnavailableException("The package path index " + topic + " is busy with a slow broker; try again",
                null);
    }

    /** Reads what was written since the last call (the whole topic the first time, or after a failure). */
    private void catchUp() throws UnavailableException {
        if (closed) {
            throw new UnavailableException("The package path index is closed", null);
        }
        try {
            Reader<byte[]> current = reader;
            if (current == null) {
                ensureTopic();
                if (closed) {
                    throw new UnavailableException("The package path index is closed", null);
                }
                paths.clear();
                current = CompactedTopics.openReader(client, topic, workerId + "-package-paths");
                reader = current;
                if (closed) {
                    closeReader();
                    throw new UnavailableException("The package path index is closed", null);
                }
            }
            if (!CompactedTopics.readToEnd(current, READ_TIMEOUT, () -> closed, this::apply) || closed) {
                closeReader();
                throw new UnavailableException("Reading " + topic + " timed out", null);
            }
        } catch (PulsarClientException e) {
            closeReader();
            throw new UnavailableException("Cannot read the package path index " + topic + ": " + e.getMessage(), e);
        }
    }

    private void ensureTopic() throws UnavailableException {
        try {
            admin.topics().createNonPartitionedTopic(topic);
            LOG.info("Created the package path index {}", topic);
        } catch (PulsarAdminException.ConflictException e) {
            // there already
        } catch (PulsarAdminException e) {
            throw new UnavailableException("Cannot create the package path index " + topic + ": " + e.getMessage(), e);
        }
    }

    void apply(Message<byte[]> message) {
        String refusal = CompactedTopics.formatRefusal(message, "message " + message.getMessageId() + " on " + topic);
        if (refusal != null) {
            LOG.warn("Ignored: {}", refusal);
            return;
        }
        String path = message.getKey();
        if (path == null) {
            return;
        }
        byte[] value = message.getValue();
        if (value == null || value.length == 0) {
            paths.remove(path);
            return;
        }
        try {
            paths.put(path, decode(value));
        } catch (IllegalArgumentException e) {
            LOG.warn("Ignored the unreadable record of path {} on {}: {}", path, topic, e.getMessage());
        }
    }

    /** Keeps the topic short; a compaction already running, or any failure, is fine (it only saves reading). */
    private void compactLater() {
        try {
            admin.topics().triggerCompactionAsync(topic).exceptionally(failure -> null);
        } catch (RuntimeException e) {
            LOG.debug("Compaction of {} not triggered: {}", topic, e.toString());
        }
    }

    private void closeReader() {
        Reader<byte[]> current = reader;
        if (current != null) {
            current.closeAsync();
            reader = null;
        }
    }

    static byte[] encode(PackageRef ref) {
        ObjectNode node = JSON.createObjectNode();
        node.put("location", ref.location());
        if (ref.sha256() != null) {
            node.put("sha256", ref.sha256());
        }
        node.put("size", ref.size());
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    static PackageRef decode(byte[] value) {
        try {
            JsonNode node = JSON.readTree(value);
            JsonNode location = node == null ? null : node.get("location");
            if (location == null || !location.isTextual()) {
                throw new IllegalArgumentException("no location");
            }
            JsonNode sha256 = node.get("sha256");
            JsonNode size = node.get("size");
            return new PackageRef(location.asText(), sha256 == null || sha256.isNull() ? null : sha256.asText(),
                    size == null ? -1 : size.asLong(-1));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e.getOriginalMessage(), e);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e.toString(), e);
        }
    }
}
