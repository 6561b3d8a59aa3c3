package dev.outrigger.config.internal;

import dev.outrigger.api.config.EffectiveConfiguration;
import dev.outrigger.api.config.SecretKeys;
import dev.outrigger.config.internal.WorkerKeys.Key;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * What the loader last applied and last refused, as operators see it ({@link EffectiveConfiguration}): each key's
 * value in force with its source and class, secrets hidden, also inside maps ({@code properties.tokenSecretKey}).
 */
@Component(service = {EffectiveConfiguration.class, ConfigurationReport.class})
public final class ConfigurationReport implements EffectiveConfiguration {

    private final Clock clock;
    private volatile Snapshot snapshot = new Snapshot(null, null, List.of(), null);

    public ConfigurationReport() {
        this(Clock.systemUTC());
    }

    ConfigurationReport(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Snapshot snapshot() {
        return snapshot;
    }

    /** The loader applied a file. */
    synchronized void applied(String file, WorkerYamlReader.Values values) {
        List<Entry> entries = new ArrayList<>();
        values.effective().forEach((name, value) -> {
            Key key = WorkerKeys.KEYS.get(name);
            entries.add(new Entry(name, shown(name, value), values.fromFile().contains(name) ? "file" : "default",
                    key.handling().label(), note(key)));
        });
        snapshot = new Snapshot(file, clock.instant(), entries, snapshot.lastRejected());
    }

    /** The loader refused an edit (or the file at start-up); what is in force stays. */
    synchronized void rejected(String file, List<String> reasons) {
        Snapshot current = snapshot;
        snapshot = new Snapshot(current.file() == null ? file : current.file(), current.appliedAt(),
                current.entries(), new Rejection(clock.instant(), reasons));
    }

    static Object shown(String name, Object value) {
        if (value == null) {
            return null;
        }
        if (SecretKeys.isSecret(name)) {
            return SecretKeys.HIDDEN;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> safe = new LinkedHashMap<>();
            map.forEach((child, childValue) -> safe.put(String.valueOf(child),
                    shown(name + "." + child, childValue)));
            return safe;
        }
        return value;
    }

    private static String note(Key key) {
        if (key.replacedBy() != null) {
            return "deprecated by Pulsar: read as " + key.replacedBy();
        }
        return key.note();
    }
}
