package dev.outrigger.metadata.internal;

import dev.outrigger.api.cluster.WorkerInfo;
import dev.outrigger.api.metadata.MetadataUnavailableException;
import dev.outrigger.api.metadata.StaleVersionException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Sends a write to the leader's {@code PUT /admin/v3/functions/leader/{tenant}/{namespace}/{name}}, where Pulsar's
 * worker has the same internal endpoint (its body is protobuf; ours is the record's JSON).
 */
final class LeaderForwarder {

    static final String PATH = "/admin/v3/functions/leader";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private final Duration requestTimeout;

    LeaderForwarder(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    /**
     * @throws NotLeaderException on 503: that worker does not lead (yet); worth another try
     * @throws StaleVersionException on 409
     * @throws MetadataUnavailableException if the leader cannot be reached or fails
     */
    void send(WorkerInfo leader, MetadataWrite write) {
        URI uri = uri(leader, write);
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(requestTimeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .PUT(write.isDelete()
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(MetadataCodec.toJson(write.metadata())))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new MetadataUnavailableException("Cannot reach the leader " + leader.workerId() + " at " + uri
                    + " to write " + write + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MetadataUnavailableException("Interrupted while forwarding " + write + " to the leader", e);
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return;
        }
        String reason = MetadataCodec.reason(response.body());
        switch (status) {
            case 409 -> throw new StaleVersionException(reason);
            case 503 -> throw new NotLeaderException(leader.workerId() + " answered 503: " + reason);
            case 400 -> throw new IllegalArgumentException(reason);
            default -> throw new MetadataUnavailableException("The leader " + leader.workerId() + " answered " + status
                    + " to the write of " + write + ": " + reason, null);
        }
    }

    static URI uri(WorkerInfo leader, MetadataWrite write) {
        String path = PATH + "/" + write.key().tenant() + "/" + write.key().namespace() + "/" + write.key().name();
        String query = write.isDelete() ? "delete=true&version=" + write.version() : null;
        try {
            // this constructor quotes what the path or query may not hold as is
            return new URI("http", null, leader.workerHostname(), leader.port(), path, query, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("Cannot address " + leader.consumerName() + " for " + write, e);
        }
    }
}
