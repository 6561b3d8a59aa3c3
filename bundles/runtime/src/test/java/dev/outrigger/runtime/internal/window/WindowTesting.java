package dev.outrigger.runtime.internal.window;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.pulsar.functions.api.Record;

/** A hand-written input record and a handler that remembers every window, for the window tests. */
final class WindowTesting {

    private WindowTesting() {
    }

    static final class TestRecord<T> implements Record<T> {

        final T value;
        final String topic;
        final AtomicInteger acks = new AtomicInteger();
        final AtomicInteger fails = new AtomicInteger();

        TestRecord(T value, String topic) {
            this.value = value;
            this.topic = topic;
        }

        @Override
        public T getValue() {
            return value;
        }

        @Override
        public Optional<String> getTopicName() {
            return Optional.ofNullable(topic);
        }

        @Override
        public void ack() {
            acks.incrementAndGet();
        }

        @Override
        public void fail() {
            fails.incrementAndGet();
        }

        @Override
        public String toString() {
            return "TestRecord(" + value + ")";
        }
    }

    /** One firing as the handler saw it. */
    record Fired<T>(List<T> window, List<T> newRecords, List<T> expired, Long start, Long end, Thread thread) {
    }

    /** Remembers every window (values only), and returns what {@link #result} says. */
    static final class Windows<T> implements WindowEngine.WindowHandler<T> {

        final List<Fired<T>> fired = new CopyOnWriteArrayList<>();
        volatile Function<List<Record<T>>, CompletionStage<?>> result = window -> null;

        @Override
        public CompletionStage<?> onWindow(List<Record<T>> window, List<Record<T>> newRecords,
                List<Record<T>> expired, Long startTimestamp, Long endTimestamp) {
            fired.add(new Fired<>(values(window), values(newRecords), values(expired), startTimestamp, endTimestamp,
                    Thread.currentThread()));
            return result.apply(window);
        }

        List<List<T>> windows() {
            return fired.stream().map(Fired::window).toList();
        }

        private static <T> List<T> values(List<Record<T>> records) {
            return records.stream().map(Record::getValue).toList();
        }
    }

    static CompletableFuture<Void> pending() {
        return new CompletableFuture<>();
    }
}
