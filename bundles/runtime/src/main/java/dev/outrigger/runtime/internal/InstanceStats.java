package dev.outrigger.runtime.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pulsar.common.policies.data.ExceptionInformation;
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
    private final Map<String, double[]> userMetrics = new ConcurrentHashMap<>();

    synchronized void received() {
        numReceived++;
    }

    synchronized void invoked(long epochMillis) {
        lastInvocationTime = epochMillis;
    }

    synchronized void processed(long latencyNanos) {
        numSuccessfullyProcessed++;
        totalLatencyNanos += latencyNanos;
    }

    synchronized void userException(Throwable e) {
        numUserExceptions++;
        add(latestUserExceptions, e);
    }

    synchronized void systemException(Throwable e) {
        numSystemExceptions++;
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

    /** {@code Context.recordMetric}: count, sum, last value per metric name. */
    void recordMetric(String name, double value) {
        userMetrics.compute(name, (key, old) -> {
            double[] metric = old == null ? new double[3] : old;
            metric[0]++;
            metric[1] += value;
            metric[2] = value;
            return metric;
        });
    }

    /** @return the average of each user metric, by name */
    Map<String, Double> userMetricAverages() {
        Map<String, Double> averages = new ConcurrentHashMap<>();
        userMetrics.forEach((name, metric) -> averages.put(name, metric[0] == 0 ? 0 : metric[1] / metric[0]));
        return averages;
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
