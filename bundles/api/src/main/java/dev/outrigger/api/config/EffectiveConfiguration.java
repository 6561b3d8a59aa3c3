package dev.outrigger.api.config;

import java.time.Instant;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The configuration in force, as the configuration bundle last applied it, for operators to see
 * ({@code GET /admin/v2/worker/config}): every key of {@code functions_worker.yml} with its value, where the value comes
 * from and what Outrigger does with the key; secrets never appear. Also the last edit that was refused, and why.
 *
 * @since 1.4
 */
@ProviderType
public interface EffectiveConfiguration {

    /** @return what is in force now; empty entries before a file was applied */
    Snapshot snapshot();

    /**
     * One key.
     *
     * @param key Pulsar's key name
     * @param value the value in force (a String, Integer, Long, Double, Boolean, String[] or a Map of those), or
     *     {@link SecretKeys#HIDDEN} for a secret; null when the key is not set and has no default
     * @param source {@code file} when the file sets it, {@code default} otherwise
     * @param handling {@code acted on}, {@code refused unless}, {@code not applicable} or {@code not yet}
     * @param note where it is acted on, or why not
     */
    record Entry(String key, Object value, String source, String handling, String note) {
    }

    /** An edit that was refused: the running configuration stayed. */
    record Rejection(Instant at, List<String> reasons) {
        public Rejection {
            reasons = List.copyOf(reasons);
        }
    }

    /**
     * @param file the file read
     * @param appliedAt when the configuration in force was applied; null before the first
     * @param entries every known key, in the table's order
     * @param lastRejected the last refused edit since the worker started, or null
     */
    record Snapshot(String file, Instant appliedAt, List<Entry> entries, Rejection lastRejected) {
        public Snapshot {
            entries = List.copyOf(entries);
        }
    }
}
