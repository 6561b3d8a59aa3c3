package dev.outrigger.functions.internal;

import dev.outrigger.api.cluster.WorkerChannel;
import dev.outrigger.api.cluster.WorkerInfo;
import dev.outrigger.api.cluster.WorkerRequest;
import dev.outrigger.api.cluster.WorkerResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * For this module's tests (the metadata tests use the same class from the topics test jar, which this module does
 * not depend on): the worker channel over a real JDK HttpClient, as the rest bundle's implements it (same address,
 * headers and redirect policy) but without credentials, which these tests do not check. Not a mock: requests reach
 * the server under test.
 */
final class PlainWorkerChannel implements WorkerChannel {

    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    @Override
    public WorkerResponse send(WorkerInfo worker, WorkerRequest request) throws IOException, InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(worker, request))
                .timeout(request.timeout())
                .header("Accept", "application/json")
                .method(request.method(), request.body() == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(request.body()));
        if (request.contentType() != null) {
            builder.header("Content-Type", request.contentType());
        }
        HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        return new WorkerResponse(response.statusCode(), response.body());
    }

    /** The address a request goes to, built as the rest bundle's channel builds it. */
    static URI uri(WorkerInfo worker, WorkerRequest request) {
        try {
            return new URI("http", null, worker.workerHostname(), worker.port(), request.path(), request.query(),
                    null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("Cannot address " + worker.consumerName() + " for " + request, e);
        }
    }
}
