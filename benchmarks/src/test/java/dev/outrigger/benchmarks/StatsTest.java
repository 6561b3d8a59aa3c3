package dev.outrigger.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void medianOfAnOddCountIsTheMiddleSample() {
        assertEquals(3.0, Stats.median(List.of(5, 1, 3, 9, 2)));
        assertEquals(7.0, Stats.median(List.of(7)));
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheTwoMiddleSamples() {
        assertEquals(2.5, Stats.median(List.of(4, 1, 2, 3)));
        assertEquals(1.5, Stats.median(List.of(2.0, 1.0)));
    }

    @Test
    void summaryIsMinMedianMaxWhateverTheOrder() {
        Stats.Summary s = Stats.summarize(List.of(12.5, 10.1, 18.0, 11.0, 30.2));
        assertEquals(new Stats.Summary(10.1, 12.5, 30.2), s);
    }

    @Test
    void noSamplesIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> Stats.summarize(List.of()));
        assertThrows(IllegalArgumentException.class, () -> Stats.median(List.of()));
    }

    @Test
    void ratioByZeroIsNaN() {
        assertEquals(0.25, Stats.ratio(1, 4));
        assertTrue(Double.isNaN(Stats.ratio(1, 0)));
    }

    @Test
    void percentileIsNearestRank() {
        List<Integer> hundred = new java.util.ArrayList<>();
        for (int i = 100; i >= 1; i--) {
            hundred.add(i);
        }
        assertEquals(50.0, Stats.percentile(hundred, 50));
        assertEquals(99.0, Stats.percentile(hundred, 99));
        assertEquals(100.0, Stats.percentile(hundred, 100));
        assertEquals(1.0, Stats.percentile(hundred, 0.5));
        assertEquals(2.0, Stats.percentile(List.of(3, 1, 2), 50));
        assertEquals(7.0, Stats.percentile(List.of(7), 99));
        assertThrows(IllegalArgumentException.class, () -> Stats.percentile(hundred, 0));
        assertThrows(IllegalArgumentException.class, () -> Stats.percentile(hundred, 101));
        assertThrows(IllegalArgumentException.class, () -> Stats.percentile(List.of(), 50));
    }
}
