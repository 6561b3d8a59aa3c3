package dev.outrigger.authz.pulsar.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Answers kept for a short time: every admin request asks, and a grant or revocation at the brokers must still be
 * seen within seconds (Pulsar's own worker watches the metadata store; we ask the brokers' admin API).
 */
final class ExpiringCache<K, V> {

    /** A lookup that may fail; a failure is not cached. */
    interface Loader<K, V, E extends Exception> {
        V load(K key) throws E;
    }

    private record Entry<V>(V value, long expiresAtNanos) {}

    private final ConcurrentHashMap<K, Entry<V>> entries = new ConcurrentHashMap<>();
    private final long ttlNanos;
    private final LongSupplier clock;
    private final int maxEntries;

    ExpiringCache(long ttlNanos, int maxEntries, LongSupplier clock) {
        this.ttlNanos = ttlNanos;
        this.maxEntries = maxEntries;
        this.clock = clock;
    }

    <E extends Exception> V get(K key, Loader<K, V, E> loader) throws E {
        long now = clock.getAsLong();
        Entry<V> entry = entries.get(key);
        if (entry != null && now - entry.expiresAtNanos() < 0) {
            return entry.value();
        }
        V value = loader.load(key);
        if (entries.size() >= maxEntries) {
            // a flood of distinct tenants must not grow memory without bound; dropping all is simple and rare
            entries.clear();
        }
        entries.put(key, new Entry<>(value, now + ttlNanos));
        return value;
    }

    void clear() {
        entries.clear();
    }
}
