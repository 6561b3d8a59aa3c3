package dev.outrigger.security.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Provider services as they come and go, found by the Pulsar class names their service property lists. The newest
 * registration of a name wins, so an updated bundle's provider replaces the old one as soon as it is there.
 */
final class ProviderIndex<T> {

    private record Entry<T>(T provider, List<String> classNames) {}

    private final String property;
    private final CopyOnWriteArrayList<Entry<T>> entries = new CopyOnWriteArrayList<>();

    /** @param property the service property holding the class names ({@code String} or {@code String[]}) */
    ProviderIndex(String property) {
        this.property = property;
    }

    void add(T provider, Map<String, ?> serviceProperties) {
        entries.add(0, new Entry<>(provider, classNames(serviceProperties.get(property))));
    }

    void remove(T provider) {
        entries.removeIf(entry -> entry.provider() == provider);
    }

    Optional<T> forClass(String className) {
        return entries.stream().filter(entry -> entry.classNames().contains(className)).map(Entry::provider)
                .findFirst();
    }

    /** The providers for these class names, in their order; names without a provider are skipped. */
    List<T> forClasses(Collection<String> classNames) {
        List<T> found = new ArrayList<>();
        for (String className : classNames) {
            forClass(className).filter(provider -> !found.contains(provider)).ifPresent(found::add);
        }
        return found;
    }

    /** The class names among these that no provider serves now. */
    List<String> missing(Collection<String> classNames) {
        return classNames.stream().filter(name -> forClass(name).isEmpty()).toList();
    }

    private static List<String> classNames(Object value) {
        if (value instanceof String name) {
            return List.of(name);
        }
        if (value instanceof String[] names) {
            return List.of(names);
        }
        if (value instanceof Collection<?> names) {
            return names.stream().map(String::valueOf).toList();
        }
        return List.of();
    }
}
