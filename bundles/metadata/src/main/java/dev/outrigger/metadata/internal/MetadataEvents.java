package dev.outrigger.metadata.internal;

import dev.outrigger.api.metadata.FunctionMetadata;
import dev.outrigger.api.metadata.MetadataListener;
import dev.outrigger.topics.EventThread;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells {@link MetadataListener}s of changes, in topic order, on one thread. The thread keeps its own view of the
 * state, built from the events it dispatched: a new listener is told of exactly that view (previous = null) before its
 * first change, so it neither misses nor doubles a change.
 */
final class MetadataEvents {

    private static final Logger LOG = LoggerFactory.getLogger(MetadataEvents.class);
    private static final Comparator<FunctionMetadata> BY_NAME =
            Comparator.comparing(metadata -> metadata.key().fullyQualifiedName());

    private final EventThread thread =
            new EventThread("outrigger-metadata-events", LOG, "Metadata events closed; dropped an event");

    /** Bound listeners, changed at once on bind and unbind. */
    private final Set<MetadataListener> bound = ConcurrentHashMap.newKeySet();
    /** Listeners that were told of the view, in binding order; only the events thread touches these. */
    private final Set<MetadataListener> told = new LinkedHashSet<>();
    private final Map<String, FunctionMetadata> view = new HashMap<>();
    private boolean started;

    void add(MetadataListener listener) {
        bound.add(listener);
        execute(() -> {
            if (!started || !bound.contains(listener) || !told.add(listener)) {
                return;
            }
            for (FunctionMetadata metadata : sorted(view)) {
                notify(listener, null, metadata);
            }
        });
    }

    void remove(MetadataListener listener) {
        bound.remove(listener);
        execute(() -> told.remove(listener));
    }

    /** The state once the topic was read at start: every listener hears of every component. */
    void start(Map<String, FunctionMetadata> snapshot) {
        execute(() -> {
            view.putAll(snapshot);
            started = true;
            List<FunctionMetadata> existing = sorted(view);
            for (MetadataListener listener : bound) {
                if (told.add(listener)) {
                    for (FunctionMetadata metadata : existing) {
                        notify(listener, null, metadata);
                    }
                }
            }
        });
    }

    void changed(FunctionMetadata previous, FunctionMetadata current) {
        execute(() -> {
            if (current == null) {
                view.remove(previous.key().fullyQualifiedName());
            } else {
                view.put(current.key().fullyQualifiedName(), current);
            }
            for (MetadataListener listener : List.copyOf(told)) {
                notify(listener, previous, current);
            }
        });
    }

    /** Runs a task in order with the events, on their thread. */
    void execute(Runnable task) {
        thread.execute(task);
    }

    void close() {
        thread.close();
    }

    private static List<FunctionMetadata> sorted(Map<String, FunctionMetadata> components) {
        List<FunctionMetadata> list = new ArrayList<>(components.values());
        list.sort(BY_NAME);
        return list;
    }

    private void notify(MetadataListener listener, FunctionMetadata previous, FunctionMetadata current) {
        if (!bound.contains(listener)) {
            return;
        }
        try {
            listener.changed(previous, current);
        } catch (RuntimeException e) {
            LOG.error("Metadata listener {} failed on {}", listener, current == null ? previous.key() : current.key(),
                    e);
        }
    }
}
