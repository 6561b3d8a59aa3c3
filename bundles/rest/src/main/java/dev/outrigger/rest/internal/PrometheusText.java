package dev.outrigger.rest.internal;

import dev.outrigger.api.cluster.ClusterService;
import dev.outrigger.api.cluster.ClusterUnavailableException;

/**
 * The worker's metrics in Prometheus text format 0.0.4, named as Pulsar's worker names them
 * ({@code pulsar_function_worker_*} with a {@code cluster} label).
 */
final class PrometheusText {

    private PrometheusText() {}

    static String workerMetrics(ClusterService cluster) {
        StringBuilder text = new StringBuilder();
        if (cluster == null) {
            return text.toString();
        }
        String labels = "{cluster=\"" + escape(cluster.pulsarFunctionsCluster()) + "\",workerId=\""
                + escape(cluster.self().workerId()) + "\"}";
        gauge(text, "pulsar_function_worker_start_up_time_ms",
                "Milliseconds from JVM start until the worker was initialized (-1 while starting)",
                labels, cluster.startUpTimeMillis());
        gauge(text, "pulsar_function_worker_is_leader", "1 if this worker is the leader of its cluster",
                labels, cluster.isLeader() ? 1 : 0);
        gauge(text, "pulsar_function_worker_initialized", "1 once the worker serves the admin API",
                labels, cluster.isInitialized() ? 1 : 0);
        if (cluster.isInitialized()) {
            try {
                gauge(text, "pulsar_function_worker_member_count", "Workers in the cluster, as the broker sees them",
                        labels, cluster.members().size());
            } catch (ClusterUnavailableException e) {
                // The broker is away: leave the series out rather than report a count we do not know.
            }
        }
        return text.toString();
    }

    private static void gauge(StringBuilder text, String name, String help, String labels, long value) {
        text.append("# HELP ").append(name).append(' ').append(help).append('\n');
        text.append("# TYPE ").append(name).append(" gauge\n");
        text.append(name).append(labels).append(' ').append(value).append('\n');
    }

    private static String escape(String labelValue) {
        return labelValue.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
