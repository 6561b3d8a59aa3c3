package dev.outrigger.topics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pulsar.client.api.MessageId;
import org.slf4j.Logger;

/**
 * The records of one topic a worker skips because it cannot read them (or must not act on them): one bad record must
 * not stop the whole topic for every worker, so it is reported once, counted, and the rest is served. Records
 * Outrigger did not write are not quarantined but refused ({@link CompactedTopics#formatRefusal}): they mean the topic
 * belongs to someone else.
 *
 * <p>A record is reported once however often it is read again (every pass over the topic starts at its beginning).
 */
public final class Quarantine {

    private final String topic;
    private final Logger log;
    private final Set<MessageId> seen = ConcurrentHashMap.newKeySet();

    /**
     * @param topic the topic, for the log
     * @param log the owner's log, so the line says whose topic it is
     */
    public Quarantine(String topic, Logger log) {
        this.topic = topic;
        this.log = log;
    }

    /**
     * @param id the record's message id
     * @param key the record's key (may be null)
     * @param reason why it cannot be read
     * @return true the first time this record is quarantined
     */
    public boolean add(MessageId id, String key, String reason) {
        if (!seen.add(id)) {
            return false;
        }
        log.error("Quarantined record {} (key {}) on {}, skipped; the other records are served: {}", id, key, topic,
                reason);
        return true;
    }

    /** @return how many records were quarantined */
    public int count() {
        return seen.size();
    }
}
