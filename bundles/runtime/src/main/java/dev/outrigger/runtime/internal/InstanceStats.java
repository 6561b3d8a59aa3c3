package dev.outrigger.runtime.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.apache.pulsar.common.policies.data.ExceptionInformation;
import org.apache.pulsar.common.policies.data.FunctionInstanceStatsDataBaseImpl;
import org.apache.pulsar.common.policies.data.FunctionInstanceStatsDataImpl;
import org.apache.pulsar.common.policies.data.FunctionStatus.FunctionInstanceStatus.FunctionInstanceStatusData;

/** Counters of one instance, kept across its restarts; read as Pulsar's instance status. */
final class InstanceStats {

    static final int LATEST_EXCEPTIONS = 10;

    private long numReceived;
    private long numSuccessfullyProcessed;
    private long numUserExceptions;
    private long numSystemExceptions;
    private long numRestarts;
    private long totalLatencyNanos;
    private long lastInvocationTime;
    private boolean running;
    private String error = "";
    private final Deque<ExceptionInformation> latestUserExceptions = new ArrayDeque<>();
    private final Deque<ExceptionInformation> latestSystemExceptions = new ArrayDeque<>();
    private final UserMetrics userMetrics = new UserMetrics();

    /**
     * Pulsar's "1min" figures are counters reset every minute, not a sliding window; the same here, rolled over
     * when touched.
     */
    private long windowStart = System.currentTimeMillis();
    private long windowReceived;
    private long windowProcessed;
    private long windowUserExceptions;
    private long windowSystemExceptions;
    private long windowLatencyNanos;

    synchronized void received() {
        roll();
        numReceived++;
        windowReceived++;
    }

    private void roll() {
        long now = System.currentTimeMillis();
        if (now - windowStart >= 60_000) {
            windowStart = now;
            windowReceived = 0;
            windowProcessed = 0;
            windowUserExceptions = 0;
            windowSystemExceptions = 0;
            windowLatencyNanos = 0;
        }
    }

    synchronized void invoked(long epochMillis) {
        lastInvocationTime = epochMillis;
    }

    synchronized void processed(long latencyNanos) {
        roll();
        numSuccessfullyProcessed++;
        totalLatencyNanos += latencyNanos;
        windowProcessed++;
        windowLatencyNanos += latencyNanos;
    }

    synchronized void userException(Throwable e) {
        roll();
        numUserExceptions++;
        windowUserExceptions++;
        add(latestUserExceptions, e);
    }

    synchronized void systemException(Throwable e) {
        roll();
        numSystemExceptions++;
        windowSystemExceptions++;
        add(latestSystemExceptions, e);
    }

    synchronized void restarted() {
        numRestarts++;
    }

    synchronized void running(boolean isRunning, String newError) {
        running = isRunning;
        error = newError == null ? "" : newError;
    }

    synchronized boolean isRunning() {
        return running;
    }

    /** {@code Context.recordMetric}. */
    void recordMetric(String name, double value) {
        userMetrics.record(name, value);
    }

    /** @return Pulsar's {@code userMetrics} of the instance's stats */
    Map<String, Double> userMetrics() {
        return userMetrics.toMap();
    }

    synchronized FunctionInstanceStatusData toStatus() {
        FunctionInstanceStatusData data = new FunctionInstanceStatusData();
        data.setRunning(running);
        data.setError(error);
        data.setNumRestarts(numRestarts);
        data.setNumReceived(numReceived);
        data.setNumSuccessfullyProcessed(numSuccessfullyProcessed);
        data.setNumUserExceptions(numUserExceptions);
        data.setLatestUserExceptions(copy(latestUserExceptions));
        data.setNumSystemExceptions(numSystemExceptions);
        data.setLatestSystemExceptions(copy(latestSystemExceptions));
        data.setAverageLatency(numSuccessfullyProcessed == 0
                ? 0.0 : totalLatencyNanos / 1_000_000.0 / numSuccessfullyProcessed);
        data.setLastInvocationTime(lastInvocationTime);
        return data;
    }

    /** @return Pulsar's per-instance stats: totals, the current minute, last invocation, user metrics */
    synchronized FunctionInstanceStatsDataImpl toStats() {
        roll();
        FunctionInstanceStatsDataImpl data = new FunctionInstanceStatsDataImpl();
        data.setReceivedTotal(numReceived);
        data.setProcessedSuccessfullyTotal(numSuccessfullyProcessed);
        data.setUserExceptionsTotal(numUserExceptions);
        data.setSystemExceptionsTotal(numSystemExceptions);
        data.setAvgProcessLatency(numSuccessfullyProcessed == 0
                ? null : totalLatencyNanos / 1_000_000.0 / numSuccessfullyProcessed);
        FunctionInstanceStatsDataBaseImpl minute = new FunctionInstanceStatsDataBaseImpl();
        minute.setReceivedTotal(windowReceived);
        minute.setProcessedSuccessfullyTotal(windowProcessed);
        minute.setUserExceptionsTotal(windowUserExceptions);
        minute.setSystemExceptionsTotal(windowSystemExceptions);
        minute.setAvgProcessLatency(windowProcessed == 0 ? null : windowLatencyNanos / 1_000_000.0 / windowProcessed);
        data.setOneMin(minute);
        data.setLastInvocation(lastInvocationTime == 0 ? null : lastInvocationTime);
        data.setUserMetrics(userMetrics());
        return data;
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isEmpty() ? e.getClass().getName() : message;
    }

    private static void add(Deque<ExceptionInformation> latest, Throwable e) {
        ExceptionInformation information = new ExceptionInformation();
        information.setExceptionString(describe(e));
        information.setTimestampMs(System.currentTimeMillis());
        latest.addLast(information);
        while (latest.size() > LATEST_EXCEPTIONS) {
            latest.removeFirst();
        }
    }

    private static List<ExceptionInformation> copy(Deque<ExceptionInformation> latest) {
        List<ExceptionInformation> list = new ArrayList<>();
        for (ExceptionInformation information : latest) {
            ExceptionInformation c = new ExceptionInformation();
            c.setExceptionString(information.getExceptionString());
            c.setTimestampMs(information.getTimestampMs());
            list.add(c);
        }
        return list;
    }
}
