package dev.outrigger.scheduler.internal;

import dev.outrigger.api.metadata.ComponentType;
import dev.outrigger.api.metadata.FunctionKey;
import dev.outrigger.api.metadata.FunctionMetadata;
import dev.outrigger.api.metadata.FunctionMetadataStore;
import dev.outrigger.api.metadata.MetadataListener;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/** Metadata as a test writes it; tells its one listener of every change, as the store would. */
final class FakeMetadata implements FunctionMetadataStore {

    private final Map<FunctionKey, FunctionMetadata> components = new ConcurrentHashMap<>();
    private volatile MetadataListener listener;

    static FunctionMetadata function(String fullyQualifiedName, long version, Integer parallelism) {
        String config = parallelism == null ? "{\"className\":\"Exclamation\"}"
                : "{\"className\":\"Exclamation\",\"parallelism\":" + parallelism + "}";
        return new FunctionMetadata(FunctionKey.parse(fullyQualifiedName), ComponentType.FUNCTION, version,
                1_700_000_000_000L, config, null, Map.of());
    }

    FakeMetadata listener(MetadataListener value) {
        listener = value;
        return this;
    }

    void put(FunctionMetadata metadata) {
        FunctionMetadata previous = components.put(metadata.key(), metadata);
        if (listener != null) {
            listener.changed(previous, metadata);
        }
    }

    void remove(FunctionKey key) {
        FunctionMetadata previous = components.remove(key);
        if (listener != null && previous != null) {
            listener.changed(previous, null);
        }
    }

    @Override
    public Optional<FunctionMetadata> get(FunctionKey key) {
        return Optional.ofNullable(components.get(key));
    }

    @Override
    public List<FunctionMetadata> list(String tenant, String namespace) {
        return all().stream()
                .filter(m -> m.key().tenant().equals(tenant) && m.key().namespace().equals(namespace))
                .toList();
    }

    @Override
    public List<FunctionMetadata> all() {
        List<FunctionMetadata> all = new ArrayList<>(components.values());
        all.sort(Comparator.comparing(m -> m.key().fullyQualifiedName()));
        return all;
    }

    @Override
    public CompletionStage<FunctionMetadata> write(FunctionMetadata metadata) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<Void> delete(FunctionKey key, long version) {
        throw new UnsupportedOperationException();
    }
}
