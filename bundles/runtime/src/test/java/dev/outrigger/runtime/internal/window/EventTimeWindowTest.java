package dev.outrigger.runtime.internal.window;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.runtime.internal.window.WindowTesting.Fired;
import dev.outrigger.runtime.internal.window.WindowTesting.TestRecord;
import dev.outrigger.runtime.internal.window.WindowTesting.Windows;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.apache.pulsar.common.functions.WindowConfig;
import org.apache.pulsar.functions.api.Record;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Event-time windows: a timestamp extractor from the function's package (compiled here, with its own copy of Pulsar's
 * interface, as a user's package must have it), watermarks, lag and late records.
 */
class EventTimeWindowTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** So long that the timer never emits a watermark in a test that emits them itself. */
    private static final long NO_TIMER = TimeUnit.HOURS.toMillis(1);

    @TempDir
    static Path packages;
    private static URLClassLoader functionLoader;
    private static URLClassLoader loaderWithoutInterface;

    private ScheduledExecutorService timer;
    private final Windows<Long> handler = new Windows<>();
    private final List<TestRecord<Long>> records = new ArrayList<>();
    private final List<String> lateTopics = new CopyOnWriteArrayList<>();
    private final List<Long> late = new CopyOnWriteArrayList<>();
    private WindowEngine<Long> engine;

    @BeforeAll
    static void compileExtractors() throws IOException {
        Path sources = Files.createDirectories(packages.resolve("src"));
        Path classes = Files.createDirectories(packages.resolve("classes"));
        Map<String, String> files = Map.of(
                "org/apache/pulsar/functions/windowing/TimestampExtractor.java", """
                        package org.apache.pulsar.functions.windowing;
                        public interface TimestampExtractor<T> extends java.io.Serializable {
                            long extractTimestamp(T input);
                        }
                        """,
                "extractors/LongValue.java", """
                        package extractors;
                        public class LongValue implements org.apache.pulsar.functions.windowing.TimestampExtractor<Long> {
                            LongValue() {
                            }
                            @Override
                            public long extractTimestamp(Long value) {
                                return value;
                            }
                        }
                        """,
                "extractors/NotAnExtractor.java", """
                        package extractors;
                        public class NotAnExtractor {
                            public long extractTimestamp(Object value) {
                                return 0;
                            }
                        }
                        """);
        List<String> args = new ArrayList<>(List.of("-d", classes.toString()));
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path source = sources.resolve(file.getKey());
            Files.createDirectories(source.getParent());
            Files.writeString(source, file.getValue());
            args.add(source.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertEquals(0, javac.run(null, null, null, args.toArray(String[]::new)));
        // Only the JDK as parent, as the runtime's function class loader has (plus the API, not needed here).
        functionLoader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, ClassLoader.getPlatformClassLoader());

        Path withoutInterface = Files.createDirectories(packages.resolve("without-interface/extractors"));
        Files.copy(classes.resolve("extractors/LongValue.class"), withoutInterface.resolve("LongValue.class"));
        loaderWithoutInterface = new URLClassLoader(new URL[] {withoutInterface.getParent().toUri().toURL()},
                ClassLoader.getPlatformClassLoader());
    }

    @AfterAll
    static void closeLoaders() throws IOException {
        functionLoader.close();
        loaderWithoutInterface.close();
    }

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

    private static WindowConfig eventTime() {
        return new WindowConfig().setTimestampExtractorClassName("extractors.LongValue");
    }

    private WindowEngine<Long> start(WindowConfig config, List<String> inputTopics) {
        engine = WindowEngine.start("test/ns/fn:0", config, inputTopics, functionLoader, timer, handler,
                (topic, record) -> {
                    lateTopics.add(topic);
                    late.add(record.getValue());
                });
        return engine;
    }

    private TestRecord<Long> add(long timestamp) throws Exception {
        return add(timestamp, "in");
    }

    private TestRecord<Long> add(long timestamp, String topic) throws Exception {
        TestRecord<Long> record = new TestRecord<>(timestamp, topic);
        records.add(record);
        engine.add(record);
        return record;
    }

    private List<Integer> acks() {
        return records.stream().map(r -> r.acks.get()).toList();
    }

    @Test
    void watermarksFireTheWindowsTheyPassAndLateRecordsGoToTheSink() throws Exception {
        start(eventTime().setWindowLengthDurationMs(1000L).setLateDataTopic("persistent://t/n/late")
                .setWatermarkEmitIntervalMs(NO_TIMER), List.of("in"));

        for (long ts : new long[] {100, 500, 900, 1100, 1500}) {
            add(ts);
        }
        assertTrue(handler.fired.isEmpty(), "nothing fires before a watermark");

        engine.emitWatermark(); // at 1500: the window ending at 1000 (aligned on the sliding interval) is complete
        assertEquals(List.of(List.of(100L, 500L, 900L)), handler.windows());
        Fired<Long> first = handler.fired.get(0);
        assertEquals(0L, first.start());
        assertEquals(1000L, first.end());
        assertEquals(List.of(1, 1, 1, 0, 0), acks());

        TestRecord<Long> lateRecord = add(1200); // before the watermark (1500): late
        TestRecord<Long> onTime = add(1500); // at the watermark: not late
        assertEquals(List.of(1200L), late);
        assertEquals(List.of("persistent://t/n/late"), lateTopics);

        add(2600);
        engine.emitWatermark(); // at 2600: the window (1000, 2000]
        assertEquals(2, handler.fired.size());
        Fired<Long> second = handler.fired.get(1);
        assertEquals(List.of(1100L, 1500L, 1500L), second.window());
        assertEquals(List.of(1100L, 1500L, 1500L), second.newRecords());
        assertEquals(List.of(100L, 500L, 900L), second.expired());
        assertEquals(1000L, second.start());
        assertEquals(2000L, second.end());
        assertEquals(0, lateRecord.acks.get(), "a late record is not acked (as Pulsar 4.0)");
        assertEquals(1, onTime.acks.get());
        assertEquals(4, engine.heldRecords(), "100, 500 and 900 left the queue");
    }

    @Test
    void withoutALateDataTopicLateRecordsAreDroppedUnacked() throws Exception {
        start(eventTime().setWindowLengthDurationMs(1000L).setWatermarkEmitIntervalMs(NO_TIMER), List.of("in"));
        add(1500);
        engine.emitWatermark();
        TestRecord<Long> lateRecord = add(700);
        add(3500);
        engine.emitWatermark();

        assertEquals(List.of(List.of(1500L)), handler.windows());
        assertTrue(late.isEmpty());
        assertEquals(0, lateRecord.acks.get());
        assertEquals(0, lateRecord.fails.get());
    }

    @Test
    void theLagHoldsTheWatermarkBack() throws Exception {
        start(eventTime().setWindowLengthDurationMs(1000L).setMaxLagMs(300L).setWatermarkEmitIntervalMs(NO_TIMER),
                List.of("in"));
        add(100);
        add(1200);
        engine.emitWatermark(); // 1200 - 300 = 900: the window ending at 1000 is not complete yet
        assertTrue(handler.fired.isEmpty());
        add(1000); // 1000 >= 900: not late
        add(1400);
        engine.emitWatermark(); // 1100
        assertEquals(List.of(List.of(100L, 1000L)), handler.windows());
        assertTrue(late.isEmpty());
    }

    @Test
    void aWatermarkNeedsRecordsFromEveryInputTopic() throws Exception {
        start(eventTime().setWindowLengthDurationMs(1000L).setWatermarkEmitIntervalMs(NO_TIMER), List.of("a", "b"));
        add(100, "a");
        add(5000, "a");
        engine.emitWatermark();
        assertTrue(handler.fired.isEmpty(), "nothing from b yet");

        add(1200, "b");
        engine.emitWatermark(); // the oldest of the newest per topic: 1200
        assertEquals(List.of(List.of(100L)), handler.windows());
    }

    @Test
    void countWindowsOnEventTimeFireForEveryFullCountUpToTheWatermark() throws Exception {
        start(eventTime().setWindowLengthCount(2).setWatermarkEmitIntervalMs(NO_TIMER), List.of("in"));
        for (long ts : new long[] {10, 20, 30, 40, 50}) {
            add(ts);
        }
        engine.emitWatermark(); // at 50: two full windows of 2; 50 waits for a partner

        assertEquals(List.of(List.of(10L, 20L), List.of(30L, 40L)), handler.windows());
        assertEquals(List.of(List.of(), List.of(10L, 20L)), handler.fired.stream().map(Fired::expired).toList());
        assertEquals(List.of(20L, 40L), handler.fired.stream().map(Fired::end).toList());
        assertNull(handler.fired.get(0).start());
        assertEquals(List.of(1, 1, 1, 1, 0), acks());
    }

    @Test
    void theTimerEmitsWatermarks() throws Exception {
        start(eventTime().setWindowLengthDurationMs(100L).setWatermarkEmitIntervalMs(20L), List.of("in"));
        add(1010);
        add(1050);
        add(1150); // a watermark at 1150 completes the window (1000, 1100]

        await().atMost(WAIT).until(() -> !handler.fired.isEmpty());
        assertEquals(List.of(1010L, 1050L), handler.fired.get(0).window());
        assertEquals(1100L, handler.fired.get(0).end());
        assertTrue(handler.fired.get(0).thread() != Thread.currentThread());
    }

    @Test
    void aTimestampExtractorThatCannotBeUsedIsAConfigurationError() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> start(
                eventTime().setWindowLengthCount(3).setTimestampExtractorClassName("extractors.Missing"), List.of("in")));
        assertTrue(missing.getMessage().contains("extractors.Missing (windowConfig.timestampExtractorClassName) is not "
                + "in the function's package"), missing.getMessage());

        IllegalArgumentException notOne = assertThrows(IllegalArgumentException.class, () -> start(
                eventTime().setWindowLengthCount(3).setTimestampExtractorClassName("extractors.NotAnExtractor"),
                List.of("in")));
        assertTrue(notOne.getMessage().endsWith("does not implement org.apache.pulsar.functions.windowing"
                + ".TimestampExtractor"), notOne.getMessage());

        IllegalArgumentException noInterface = assertThrows(IllegalArgumentException.class,
                () -> WindowEngine.start("test/ns/fn:0", eventTime().setWindowLengthCount(3), List.of("in"),
                        loaderWithoutInterface, timer, handler, null));
        assertTrue(noInterface.getMessage().contains("the package must also contain "
                + "org.apache.pulsar.functions.windowing.TimestampExtractor"), noInterface.getMessage());
        assertInstanceOf(NoClassDefFoundError.class, noInterface.getCause());
    }

    @Test
    void aLateDataTopicNeedsASink() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WindowEngine.<Long>start("test/ns/fn:0", eventTime().setWindowLengthCount(3)
                        .setLateDataTopic("late"), List.of("in"), functionLoader, timer, handler, null));
        assertTrue(e.getMessage().contains("late data sink"), e.getMessage());
    }

    @Test
    void whatTheExtractorThrowsComesOutOfAdd() {
        WindowEngine<Object> untyped = WindowEngine.start("test/ns/fn:0", eventTime().setWindowLengthCount(3),
                List.of("in"), functionLoader, timer, (w, n, x, s, e) -> null, null);
        try {
            Record<Object> notALong = () -> "not a timestamp";
            assertThrows(ClassCastException.class, () -> untyped.add(notALong));
            assertEquals(0, untyped.heldRecords());
        } finally {
            untyped.close();
        }
    }
}
