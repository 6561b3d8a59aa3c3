package dev.outrigger.rest.internal;

import dev.outrigger.api.cluster.WorkerChannel;
import dev.outrigger.api.cluster.WorkerForwarding;
import dev.outrigger.api.config.ConfigurationPids;
import dev.outrigger.api.cluster.WorkerInfo;
import dev.outrigger.api.cluster.WorkerRequest;
import dev.outrigger.api.cluster.WorkerResponse;
import dev.outrigger.api.security.WorkerCredentials;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker channel over HTTP: the address is built here from the worker the cluster reports and Pulsar's path, and
 * every request carries the headers of this worker's {@link WorkerCredentials} (its broker client's authentication, as
 * Pulsar's worker presents it to other workers). When the workers serve TLS ({@code tlsEnabled}), the scheme is
 * {@code https} on the port the cluster reports (their {@code workerPortTls}), trusted as Pulsar's keys say.
 */
@Component(service = WorkerChannel.class, configurationPid = ConfigurationPids.CLUSTER)
@Designate(ocd = ChannelConfiguration.class)
public final class HttpWorkerChannel implements WorkerChannel {

    private static final Logger LOG = LoggerFactory.getLogger(HttpWorkerChannel.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient plain = client(null);
    private volatile ChannelConfiguration config;
    /** The TLS client last built, and the client key it presents (null for none). */
    private volatile TlsClient tlsClient;

    private record TlsClient(ChannelConfiguration config, WorkerCredentials.TlsClientKey key, HttpClient http) {}

    // Optional: without client authentication (or while the pulsar bundle restarts) requests go without credentials,
    // and the other worker decides whether it serves them.
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile WorkerCredentials credentials;

    @Activate
    public HttpWorkerChannel(ChannelConfiguration config) throws IOException {
        modified(config);
    }

    /** TLS settings change with the configuration file; requests in flight finish on the client they started on. */
    @Modified
    void modified(ChannelConfiguration config) throws IOException {
        if (config.tlsEnabled()) {
            WorkerTrust.context(config, null); // a trust file that cannot be read fails the change, not a request
        }
        this.config = config;
    }

    /**
     * The client for this configuration and the credentials' client key: rebuilt when either changed (a key rotated
     * by the broker client's authentication is presented from then on).
     */
    private HttpClient client(ChannelConfiguration current, WorkerCredentials credentials) throws IOException {
        if (current == null || !current.tlsEnabled()) {
            return plain;
        }
        WorkerCredentials.TlsClientKey key;
        try {
            key = credentials == null ? null : credentials.tlsClientKey().orElse(null);
        } catch (RuntimeException e) {
            throw new IOException("This worker's TLS client key cannot be had: " + e.getMessage(), e);
        }
        TlsClient built = tlsClient;
        if (built != null && built.config() == current && Objects.equals(built.key(), key)) {
            return built.http();
        }
        HttpClient http = client(WorkerTrust.context(current, key));
        tlsClient = new TlsClient(current, key, http);
        return http;
    }

    // Redirects are not followed: a worker answers for itself, and a redirect must not carry the credentials elsewhere.
    private static HttpClient client(SSLContext tls) {
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER);
        if (tls != null) {
            builder.sslContext(tls);
        }
        return builder.build();
    }

    /** For tests: a channel presenting these credentials (null for none). */
    HttpWorkerChannel(WorkerCredentials credentials) {
        this.credentials = credentials;
    }

    @Override
    public WorkerResponse send(WorkerInfo worker, WorkerRequest request) throws IOException, InterruptedException {
        ChannelConfiguration current = config;
        WorkerCredentials currentCredentials = credentials;
        HttpClient http = client(current, currentCredentials);
        URI uri = uri(current != null && current.tlsEnabled() ? "https" : "http", worker, request);
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                .timeout(request.timeout())
                // the admin API speaks JSON, and Pulsar's admin client asks for it
                .header("Accept", "application/json")
                // the one-hop rule: the other worker answers for itself and never forwards this again
                .header(WorkerForwarding.HEADER, "true")
                .method(request.method(), request.body() == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(request.body()));
        if (request.contentType() != null) {
            builder.header("Content-Type", request.contentType());
        }
        addCredentials(builder, worker, currentCredentials);
        HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        // never the headers: they hold the credentials
        LOG.debug("{} answered {} to {}", worker.workerId(), response.statusCode(), request);
        return new WorkerResponse(response.statusCode(), response.body());
    }

    private static void addCredentials(HttpRequest.Builder builder, WorkerInfo worker, WorkerCredentials current)
            throws IOException {
        if (current == null) {
            return;
        }
        Map<String, String> headers;
        try {
            headers = current.httpHeaders(worker.workerHostname());
        } catch (RuntimeException e) {
            // its message names what failed, never the credentials
            throw new IOException("This worker's credentials cannot be had to call " + worker.workerId() + ": "
                    + e.getMessage(), e);
        }
        if (headers == null) {
            return;
        }
        for (Map.Entry<String, String> header : headers.entrySet()) {
            try {
                builder.setHeader(header.getKey(), header.getValue());
            } catch (IllegalArgumentException e) {
                // the name only: the value is a credential
                throw new IOException("This worker's credentials give a header the HTTP client refuses: "
                        + header.getKey());
            }
        }
    }

    /**
     * @return {@code scheme://host:port} with the request's path and query; this URI constructor quotes what the path
     *     or query may not hold as is
     * @throws IllegalArgumentException if they do not make a URI
     */
    static URI uri(String scheme, WorkerInfo worker, WorkerRequest request) {
        try {
            return new URI(scheme, null, worker.workerHostname(), worker.port(), request.path(), request.query(),
                    null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("Cannot address " + worker.consumerName() + " for " + request, e);
        }
    }
}
