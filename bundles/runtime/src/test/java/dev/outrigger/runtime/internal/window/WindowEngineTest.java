package dev.outrigger.runtime.internal.window;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.runtime.internal.window.WindowTesting.Fired;
import dev.outrigger.runtime.internal.window.WindowTesting.TestRecord;
import dev.outrigger.runtime.internal.window.WindowTesting.Windows;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.pulsar.common.functions.WindowConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Count and processing-time windows, acknowledgements, configuration errors. */
class WindowEngineTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private ScheduledExecutorService timer;
    private final Windows<Integer> handler = new Windows<>();
    private final List<TestRecord<Integer>> records = new ArrayList<>();
    private WindowEngine<Integer> engine;

    @BeforeEach
    void startTimer() {
        timer = Executors.newScheduledThreadPool(2);
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (engine != null) {
            engine.close();
        }
        timer.shutdownNow();
        assertTrue(timer.awaitTermination(10, TimeUnit.SECONDS));
    }

    private WindowEngine<Integer> start(WindowConfig config) {
        engine = WindowEngine.start("test/ns/fn:0", config, List.of("in"), getClass().getClassLoader(), timer,
                handler, null);
        return engine;
    }

    private TestRecord<Integer> add(int value) throws Exception {
        TestRecord<Integer> record = new TestRecord<>(value, "in");
        records.add(record);
        engine.add(record);
        return record;
    }

    private void addAll(int from, int to) throws Exception {
        for (int i = from; i <= to; i++) {
            add(i);
        }
    }

    private int acks(int value) {
        return records.stream().filter(r -> r.value == value).mapToInt(r -> r.acks.get()).sum();
    }

    @Test
    void countTumblingFiresEveryLengthRecordsAndAcksThemOnce() throws Exception {
        start(new WindowConfig().setWindowLengthCount(3));

        addAll(1, 2);
        assertTrue(handler.fired.isEmpty());
        add(3);
        assertEquals(List.of(List.of(1, 2, 3)), handler.windows());
        Fired<Integer> first = handler.fired.get(0);
        assertEquals(List.of(1, 2, 3), first.newRecords());
        assertEquals(List.of(), first.expired());
        assertNull(first.start(), "a count window has no start time");
        assertTrue(first.end() > 0);
        assertSame(Thread.currentThread(), first.thread(), "a count window fires on the thread that adds");
        // Acked once the window was handled (the handler returned null: nothing to wait for), as Pulsar 4.0.
        assertEquals(List.of(1, 1, 1), List.of(acks(1), acks(2), acks(3)));

        addAll(4, 7);
        assertEquals(List.of(List.of(1, 2, 3), List.of(4, 5, 6)), handler.windows());
        Fired<Integer> second = handler.fired.get(1);
        assertEquals(List.of(4, 5, 6), second.newRecords());
        assertEquals(List.of(1, 2, 3), second.expired());
        assertEquals(List.of(1, 1, 1, 1, 1, 1, 0), IntStream.rangeClosed(1, 7).map(this::acks).boxed().toList());
    }

    @Test
    void countSlidingWindowOverlapsAndAcksEachRecordOnlyOnce() throws Exception {
        start(new WindowConfig().setWindowLengthCount(4).setSlidingIntervalCount(2));

        addAll(1, 9);

        assertEquals(List.of(List.of(1, 2), List.of(1, 2, 3, 4), List.of(3, 4, 5, 6), List.of(5, 6, 7, 8)),
                handler.windows());
        assertEquals(List.of(List.of(1, 2), List.of(3, 4), List.of(5, 6), List.of(7, 8)),
                handler.fired.stream().map(Fired::newRecords).toList());
        assertEquals(List.of(List.of(), List.of(), List.of(1, 2), List.of(3, 4)),
                handler.fired.stream().map(Fired::expired).toList());
        // Each record is in two windows but acked once; 9 is in none yet.
        assertEquals(List.of(1, 1, 1, 1, 1, 1, 1, 1, 0), IntStream.rangeClosed(1, 9).map(this::acks).boxed().toList());
    }

    @Test
    void recordsAreAckedWhenTheHandlersResultCompletesNormally() throws Exception {
        List<CompletableFuture<Void>> results = new ArrayList<>();
        handler.result = window -> {
            CompletableFuture<Void> result = WindowTesting.pending();
            results.add(result);
            return result;
        };
        start(new WindowConfig().setWindowLengthCount(2));

        addAll(1, 4);
        assertEquals(2, results.size());
        assertEquals(0, records.stream().mapToInt(r -> r.acks.get()).sum(), "nothing acked before the result is out");

        results.get(1).complete(null);
        assertEquals(List.of(0, 0, 1, 1), IntStream.rangeClosed(1, 4).map(this::acks).boxed().toList());
        results.get(0).completeExceptionally(new IllegalStateException("publish failed"));
        assertEquals(List.of(0, 0, 1, 1), IntStream.rangeClosed(1, 4).map(this::acks).boxed().toList(),
                "a failed result acks nothing");
        assertEquals(0, records.stream().mapToInt(r -> r.fails.get()).sum());
    }

    @Test
    void atMostOnceAcksEachRecordOnArrivalAndNeverAgain() throws Exception {
        start(new WindowConfig().setWindowLengthCount(2)
                .setProcessingGuarantees(WindowConfig.ProcessingGuarantees.ATMOST_ONCE));

        add(1);
        assertEquals(1, acks(1), "acked before any window");
        add(2);
        assertEquals(List.of(List.of(1, 2)), handler.windows());
        assertEquals(List.of(1, 1), List.of(acks(1), acks(2)));
    }

    @Test
    void aFailingWindowIsThrownToTheCallerAndAcksNothing() throws Exception {
        handler.result = window -> {
            throw new IllegalStateException("user function failed");
        };
        start(new WindowConfig().setWindowLengthCount(2));

        add(1);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> add(2));
        assertEquals("user function failed", e.getMessage());
        assertEquals(0, records.stream().mapToInt(r -> r.acks.get()).sum());

        // As Pulsar's, the count trigger was not reset: the next record fires again (the oldest one now expired).
        handler.result = window -> null;
        add(3);
        assertEquals(List.of(List.of(1, 2), List.of(2, 3)), handler.windows());
        assertEquals(List.of(0, 1, 1), IntStream.rangeClosed(1, 3).map(this::acks).boxed().toList());
    }

    @Test
    void closeAcksNothingAndRefusesRecords() throws Exception {
        List<CompletableFuture<Void>> results = new ArrayList<>();
        handler.result = window -> {
            CompletableFuture<Void> result = WindowTesting.pending();
            results.add(result);
            return result;
        };
        start(new WindowConfig().setWindowLengthCount(2));
        addAll(1, 3);

        engine.close();
        results.get(0).complete(null);

        assertEquals(0, records.stream().mapToInt(r -> r.acks.get()).sum());
        assertThrows(IllegalStateException.class, () -> add(4));
        assertEquals(1, handler.fired.size());
    }

    @Test
    void expiredRecordsArePrunedEveryHundredRecordsBetweenFirings() throws Exception {
        // A window of 3 that slides by 1000: between firings only the pruning keeps the queue small.
        start(new WindowConfig().setWindowLengthCount(3).setSlidingIntervalCount(1000));

        addAll(1, 99);
        assertEquals(99, engine.heldRecords());
        add(100);
        assertEquals(3, engine.heldRecords());
        addAll(101, 150);
        assertEquals(53, engine.heldRecords());
        assertTrue(handler.fired.isEmpty());
    }

    @Test
    void timeTumblingWindowsAreDisjointAndFireOnTheTimer() throws Exception {
        start(new WindowConfig().setWindowLengthDurationMs(300L));

        TestRecord<Integer> a = add(1);
        TestRecord<Integer> b = add(2);
        TestRecord<Integer> c = add(3);
        await().atMost(WAIT).until(() -> a.acks.get() + b.acks.get() + c.acks.get() == 3);
        TestRecord<Integer> d = add(4);
        await().atMost(WAIT).until(() -> d.acks.get() == 1);

        List<Fired<Integer>> fired = List.copyOf(handler.fired);
        for (int value = 1; value <= 4; value++) {
            int v = value;
            assertEquals(1, fired.stream().filter(f -> f.window().contains(v)).count(), v + " in exactly one window");
            assertEquals(1, fired.stream().filter(f -> f.newRecords().contains(v)).count());
        }
        Fired<Integer> last = fired.get(fired.size() - 1);
        assertEquals(List.of(4), last.window());
        for (Fired<Integer> f : fired) {
            assertFalse(f.window().isEmpty(), "empty windows are not handed on");
            assertEquals(300L, f.end() - f.start());
            assertNotSame(Thread.currentThread(), f.thread());
        }
        assertEquals(List.of(1, 1, 1, 1), IntStream.rangeClosed(1, 4).map(this::acks).boxed().toList());
    }

    @Test
    void timeSlidingWindowsOverlapAndReportWhatExpired() throws Exception {
        start(new WindowConfig().setWindowLengthDurationMs(900L).setSlidingIntervalDurationMs(300L));

        TestRecord<Integer> first = add(1);
        await().atMost(WAIT).until(() -> handler.fired.stream().anyMatch(f -> f.window().contains(1)));
        add(2); // keeps the windows non-empty while 1 leaves them (an empty window is not handed on)
        await().atMost(WAIT).until(() -> handler.fired.stream().anyMatch(f -> f.expired().contains(1)));

        List<Fired<Integer>> fired = List.copyOf(handler.fired);
        int firstIn = indexOf(fired, f -> f.window().contains(1));
        int expiredAt = indexOf(fired, f -> f.expired().contains(1));
        assertTrue(expiredAt - firstIn >= 2, "1 slides through several windows: " + fired);
        for (int i = firstIn; i < expiredAt; i++) {
            assertTrue(fired.get(i).window().contains(1), "1 in every window until it expires: " + fired);
        }
        assertFalse(fired.get(expiredAt).window().contains(1));
        assertTrue(fired.get(expiredAt).window().contains(2));
        assertEquals(1, fired.stream().filter(f -> f.newRecords().contains(1)).count());
        assertEquals(1, first.acks.get());
        for (Fired<Integer> f : fired) {
            assertEquals(900L, f.end() - f.start());
        }
    }

    @Test
    void aWindowThatFailsOnTheTimerIsLoggedAndTheTimerGoesOn() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        handler.result = window -> {
            if (calls.getAndIncrement() == 0) {
                throw new IllegalStateException("user function failed");
            }
            return null;
        };
        start(new WindowConfig().setWindowLengthDurationMs(50L));
        TestRecord<Integer> failed = add(1);
        await().atMost(WAIT).until(() -> calls.get() >= 1);
        TestRecord<Integer> next = add(2);
        await().atMost(WAIT).until(() -> next.acks.get() == 1);
        assertEquals(0, failed.acks.get());
    }

    @Test
    void timeEvictionTakesEverythingAtFirstAndThenWidensALateWindowSoNothingIsSkipped() {
        Eviction<Integer> eviction = Eviction.time(1000);
        eviction.setContext(new Eviction.Context(5000, null, null, 1000L));
        assertEquals(Eviction.Action.PROCESS, eviction.evict(event(1000)), "the first window takes all seen so far");
        assertEquals(Eviction.Action.KEEP, eviction.evict(event(5001)), "after the reference time: next window");

        eviction.setContext(new Eviction.Context(6200, null, null, 1000L)); // fired 200 ms late
        assertEquals(Eviction.Action.PROCESS, eviction.evict(event(5100)));
        assertEquals(Eviction.Action.EXPIRE, eviction.evict(event(5000)), "in the previous window already");
    }

    private static Event<Integer> event(long timestamp) {
        return Event.of(new TestRecord<>(0, "in"), timestamp);
    }

    @Test
    void addWaitsWhileTheTimerHandlesAWindow() throws Exception {
        CountDownLatch inHandler = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        handler.result = window -> {
            inHandler.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        };
        start(new WindowConfig().setWindowLengthDurationMs(50L));
        add(1);
        assertTrue(inHandler.await(WAIT.toSeconds(), TimeUnit.SECONDS));

        CompletableFuture<Void> adding = CompletableFuture.runAsync(() -> {
            try {
                add(2);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // The other thread is parked on the engine's lock, not done.
        await().atMost(WAIT).until(() -> adderIsParked(adding));
        assertFalse(adding.isDone());
        release.countDown();
        adding.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private static boolean adderIsParked(CompletableFuture<Void> adding) {
        return !adding.isDone() && Thread.getAllStackTraces().entrySet().stream()
                .anyMatch(e -> e.getKey().getState() == Thread.State.WAITING
                        && Stream.of(e.getValue()).anyMatch(frame -> frame.getMethodName().equals("add")
                                && frame.getClassName().equals(WindowEngine.class.getName())));
    }

    @Test
    void badConfigurationsSayWhatToFix() {
        assertBad(new WindowConfig(), "windowLengthCount or windowConfig.windowLengthDurationMs");
        assertBad(new WindowConfig().setWindowLengthCount(3).setWindowLengthDurationMs(10L), "not both");
        assertBad(new WindowConfig().setWindowLengthCount(0), "windowConfig.windowLengthCount must be positive, got 0");
        assertBad(new WindowConfig().setWindowLengthDurationMs(-5L), "windowLengthDurationMs must be positive");
        assertBad(new WindowConfig().setWindowLengthCount(3).setSlidingIntervalCount(-1), "slidingIntervalCount");
        assertBad(new WindowConfig().setWindowLengthCount(3).setLateDataTopic("late"),
                "lateDataTopic can be set only with windowConfig.timestampExtractorClassName");
        assertBad(new WindowConfig().setWindowLengthCount(3).setTimestampExtractorClassName("x.Y").setMaxLagMs(-1L),
                "maxLagMs must not be negative");
        assertBad(new WindowConfig().setWindowLengthCount(3).setTimestampExtractorClassName("x.Y")
                .setWatermarkEmitIntervalMs(0L), "watermarkEmitIntervalMs must be positive");
    }

    @Test
    void missingSlidingIntervalsAndEventTimeSettingsGetPulsarsDefaults() {
        WindowConfig given = new WindowConfig().setWindowLengthDurationMs(500L).setTimestampExtractorClassName("x.Y");
        WindowConfig effective = WindowEngine.withDefaults(given);
        assertEquals(500L, effective.getSlidingIntervalDurationMs());
        assertEquals(0L, effective.getMaxLagMs());
        assertEquals(1000L, effective.getWatermarkEmitIntervalMs());
        assertNull(given.getSlidingIntervalDurationMs(), "the caller's configuration is not changed");
        assertEquals(7, WindowEngine.withDefaults(new WindowConfig().setWindowLengthCount(7)).getSlidingIntervalCount());
    }

    private void assertBad(WindowConfig config, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> start(config));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    private static <T> int indexOf(List<Fired<T>> fired, Predicate<Fired<T>> test) {
        for (int i = 0; i < fired.size(); i++) {
            if (test.test(fired.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
