package dev.outrigger.config.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Value checks referenced from the key table; each receives the already typed value. */
final class Rules {

    // Pulsar's NamedEntity rule for tenant, namespace and cluster names
    private static final String NAME = "[-=:.\\w]+";
    private static final Pattern NAMESPACE = Pattern.compile(NAME + "/" + NAME);
    private static final Pattern CLUSTER = Pattern.compile(NAME);
    private static final Pattern TOPIC = Pattern.compile("[^/\\s]+");
    private static final Pattern NO_SPACE = Pattern.compile("\\S+");

    private Rules() {}

    static boolean port(Object value) {
        int port = (Integer) value;
        return port >= 1 && port <= 65535;
    }

    static boolean notNegative(Object value) {
        return ((Number) value).longValue() >= 0;
    }

    static boolean namespace(Object value) {
        return NAMESPACE.matcher((String) value).matches();
    }

    static boolean clusterName(Object value) {
        return CLUSTER.matcher((String) value).matches();
    }

    /** The local part of {@code persistent://<namespace>/<name>}. */
    static boolean topicName(Object value) {
        return TOPIC.matcher((String) value).matches();
    }

    static boolean hostOrAddress(Object value) {
        return NO_SPACE.matcher((String) value).matches();
    }

    static boolean pulsarServiceUrl(Object value) {
        return serviceUrl((String) value, Set.of("pulsar", "pulsar+ssl"), true);
    }

    static boolean webServiceUrl(Object value) {
        return serviceUrl((String) value, Set.of("http", "https"), false);
    }

    /**
     * Pulsar's clients accept several hosts in one URL ({@code pulsar://a:6650,b:6650}), which {@link URI} cannot
     * parse as a whole, so each host:port is checked on its own.
     */
    static boolean serviceUrl(String url, Set<String> schemes, boolean portRequired) {
        int separator = url.indexOf("://");
        if (separator <= 0 || !schemes.contains(url.substring(0, separator).toLowerCase(Locale.ROOT))) {
            return false;
        }
        String rest = url.substring(separator + 3);
        int slash = rest.indexOf('/');
        String hosts = slash < 0 ? rest : rest.substring(0, slash);
        if (hosts.isEmpty()) {
            return false;
        }
        for (String hostAndPort : hosts.split(",", -1)) {
            URI uri;
            try {
                uri = new URI("x://" + hostAndPort);
            } catch (URISyntaxException e) {
                return false;
            }
            // a port that is not a number leaves URI with a registry-based authority and no host
            if (uri.getHost() == null || uri.getUserInfo() != null || uri.getRawQuery() != null
                    || uri.getRawFragment() != null) {
                return false;
            }
            int port = uri.getPort();
            if (port == -1 ? portRequired : port < 1 || port > 65535) {
                return false;
            }
        }
        return true;
    }
}
