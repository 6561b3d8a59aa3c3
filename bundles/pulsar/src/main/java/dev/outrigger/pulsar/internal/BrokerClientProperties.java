package dev.outrigger.pulsar.internal;

import dev.outrigger.api.config.SecretKeys;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code properties.brokerClient_*} entries of {@code functions_worker.yml}, which Pulsar's worker applies to its
 * PulsarClient and PulsarAdmin with {@code loadConf} ({@code WorkerUtils.getPulsarClient} and
 * {@code getPulsarAdminClient}, after {@code PropertiesUtils.filterAndMapProperties(properties, "brokerClient_")}).
 */
final class BrokerClientProperties {

    static final String PREFIX = "brokerClient_";

    private BrokerClientProperties() {}

    /**
     * Pulsar's {@code filterAndMapProperties(properties, "brokerClient_")}: the entries whose key starts with the
     * prefix, without it; entries without a value are left out.
     *
     * @param properties the component's configuration properties
     * @return client configuration keys ({@code ClientConfigurationData} field names) and their values, sorted
     */
    static Map<String, Object> of(Map<String, ?> properties) {
        Map<String, Object> conf = new TreeMap<>();
        if (properties == null) {
            return conf;
        }
        properties.forEach((key, value) -> {
            if (key.startsWith(PREFIX) && value != null) {
                conf.put(key.substring(PREFIX.length()), value);
            }
        });
        return conf;
    }

    /** The entries for a log line: {@code key=value}, secrets hidden. */
    static String describe(Map<String, Object> conf) {
        StringBuilder text = new StringBuilder();
        conf.forEach((key, value) -> {
            if (text.length() > 0) {
                text.append(", ");
            }
            text.append(key).append('=').append(SecretKeys.show(key, value));
        });
        return text.toString();
    }
}
