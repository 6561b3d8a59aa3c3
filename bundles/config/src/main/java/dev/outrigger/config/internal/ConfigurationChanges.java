package dev.outrigger.config.internal;

import dev.outrigger.api.config.SecretKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/** What changed between two versions of one PID's properties, for the log; secret values never appear. */
final class ConfigurationChanges {

    private ConfigurationChanges() {}

    /** One entry per changed key, e.g. {@code workerPort: 6750 -> 6751}; empty when nothing changed. */
    static List<String> describe(Map<String, Object> before, Map<String, Object> after) {
        TreeSet<String> keys = new TreeSet<>(before.keySet());
        keys.addAll(after.keySet());
        List<String> changes = new ArrayList<>();
        for (String key : keys) {
            Object old = before.get(key);
            Object now = after.get(key);
            if (Objects.deepEquals(old, now)) {
                continue;
            }
            if (old == null) {
                changes.add(key + " set to " + SecretKeys.show(key, now));
            } else if (now == null) {
                changes.add(key + " removed");
            } else if (SecretKeys.isSecret(key)) {
                changes.add(key + " changed (value hidden)");
            } else {
                changes.add(key + ": " + SecretKeys.show(key, old) + " -> " + SecretKeys.show(key, now));
            }
        }
        return changes;
    }
}
