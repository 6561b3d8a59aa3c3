package dev.outrigger.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class UserMetricsTest {

    @Test
    void sumAndCountAreCumulativeAndQuantilesCoverTheLastTenMinutes() {
        AtomicLong now = new AtomicLong(1_000_000);
        UserMetrics metrics = new UserMetrics(now::get);
        for (int i = 1; i <= 100; i++) {
            metrics.record("latency", i);
        }
        Map<String, Double> map = metrics.toMap();
        assertEquals(5050.0, map.get("user_metric_latency_sum"));
        assertEquals(100.0, map.get("user_metric_latency_count"));
        assertEquals(50.0, map.get("user_metric_latency_0.5"));
        assertEquals(90.0, map.get("user_metric_latency_0.9"));
        assertEquals(99.0, map.get("user_metric_latency_0.99"));
        assertEquals(100.0, map.get("user_metric_latency_0.999"));

        now.addAndGet(UserMetrics.MAX_AGE_MILLIS + 1);
        metrics.record("latency", 7);
        map = metrics.toMap();
        assertEquals(5057.0, map.get("user_metric_latency_sum"));
        assertEquals(101.0, map.get("user_metric_latency_count"));
        assertEquals(7.0, map.get("user_metric_latency_0.5"));

        now.addAndGet(UserMetrics.MAX_AGE_MILLIS + 1);
        map = metrics.toMap();
        assertEquals(101.0, map.get("user_metric_latency_count"));
        assertFalse(map.containsKey("user_metric_latency_0.5"));
    }
}
